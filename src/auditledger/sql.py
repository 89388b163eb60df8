"""The ledger as SQLite tables, for questions nobody foresaw: `auditledger query "SQL"` and
`export --format sqlite`. Amounts are kept exact twice: as text in 万元 (`amount`) and as whole
fen (`amount_fen`: 1 万元 = 1,000,000 fen), which SQL can sum without rounding. Dates are ISO
text, true/false are 1/0. May import: model.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from auditledger.model import Ledger

FEN_PER_WAN = Decimal(1_000_000)

SCHEMA = """
CREATE TABLE left_out (error TEXT NOT NULL);
CREATE TABLE units (id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT);
CREATE TABLE problems (
    id TEXT PRIMARY KEY, year INTEGER NOT NULL, audit_no TEXT, title TEXT NOT NULL, description TEXT,
    category TEXT, unit TEXT NOT NULL, supervisor TEXT, lower_government TEXT,
    amount TEXT NOT NULL, amount_fen INTEGER NOT NULL, amount_kind TEXT,
    rectified_amount TEXT NOT NULL, rectified_fen INTEGER NOT NULL,
    type TEXT NOT NULL, status TEXT NOT NULL, deadline TEXT NOT NULL, completed_on TEXT, closed_on TEXT,
    prominent INTEGER NOT NULL, systemic INTEGER NOT NULL, rules_made INTEGER NOT NULL,
    accountable INTEGER NOT NULL, reason TEXT, next_steps TEXT, round INTEGER NOT NULL,
    published_on TEXT, typical_case INTEGER NOT NULL
);
CREATE TABLE cooperating (problem_id TEXT NOT NULL, unit TEXT NOT NULL);
CREATE TABLE measures (problem_id TEXT NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE rectified (problem_id TEXT NOT NULL, method TEXT NOT NULL, amount TEXT NOT NULL,
    amount_fen INTEGER NOT NULL);
CREATE TABLE milestones (problem_id TEXT NOT NULL, position INTEGER NOT NULL, due TEXT NOT NULL,
    text TEXT NOT NULL, done TEXT);
CREATE TABLE tracking (problem_id TEXT NOT NULL, position INTEGER NOT NULL, date TEXT NOT NULL,
    method TEXT NOT NULL, finding TEXT NOT NULL, by TEXT, internal INTEGER NOT NULL);
CREATE TABLE history (problem_id TEXT NOT NULL, position INTEGER NOT NULL, date TEXT NOT NULL,
    by TEXT, action TEXT NOT NULL, note TEXT);
CREATE TABLE changes (problem_id TEXT NOT NULL, history_position INTEGER NOT NULL, field TEXT NOT NULL,
    old TEXT, new TEXT);
CREATE TABLE resolutions (id TEXT PRIMARY KEY, year INTEGER NOT NULL, kind TEXT NOT NULL,
    adopted TEXT NOT NULL, text TEXT NOT NULL, reported TEXT);
CREATE TABLE suggestions (id TEXT PRIMARY KEY, year INTEGER NOT NULL, deputy TEXT NOT NULL,
    text TEXT NOT NULL, received TEXT NOT NULL, answered TEXT, copied TEXT);
CREATE TABLE votes (id TEXT PRIMARY KEY, year INTEGER NOT NULL, date TEXT NOT NULL, target TEXT NOT NULL,
    members INTEGER NOT NULL, satisfied INTEGER NOT NULL, basic INTEGER NOT NULL,
    unsatisfied INTEGER NOT NULL, void INTEGER NOT NULL, result TEXT NOT NULL);
CREATE TABLE recommendations (id TEXT PRIMARY KEY, year INTEGER NOT NULL, text TEXT NOT NULL,
    response TEXT, status TEXT, responded TEXT);
CREATE TABLE links (record_id TEXT NOT NULL, problem_id TEXT NOT NULL);
"""
"""`links` joins resolutions, suggestions and recommendations to the problems they name."""


def fen(amount: Decimal) -> int:
    """An amount in 万元 as whole fen (exact: the model keeps at most six decimal places)."""
    return int(amount * FEN_PER_WAN)


def _text(value: Any) -> Any:
    if value is None or isinstance(value, int | str):
        return value
    if hasattr(value, "value"):  # an enumeration: its code
        return value.value
    return str(value)


def build(ledger: Ledger) -> sqlite3.Connection:
    """An in-memory database of the ledger's valid records."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)

    def insert(table: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(_text(v) for v in row) for row in rows]
        if rows:
            marks = ",".join("?" * len(rows[0]))
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    insert("units", ((u.id, u.name, u.kind, u.parent) for u in ledger.units.values()))
    problems = ledger.problems
    insert(
        "problems",
        (
            (
                p.id, p.year, p.audit_no, p.title, p.description, p.category, p.unit, p.supervisor,
                p.lower_government, format(p.amount, "f"), fen(p.amount), p.amount_kind,
                format(p.rectified_amount, "f"), fen(p.rectified_amount), p.type, p.status, p.deadline,
                p.completed_on, p.closed_on, int(p.prominent), int(p.systemic), p.rules_made, p.accountable,
                p.reason, p.next_steps, p.round, p.disclosure.published if p.disclosure else None,
                int(p.case is not None),
            )
            for p in problems
        ),
    )  # fmt: skip
    insert("cooperating", ((p.id, u) for p in problems for u in p.cooperating))
    insert("measures", ((p.id, i, m) for p in problems for i, m in enumerate(p.measures, 1)))
    insert("rectified", ((p.id, m, format(a, "f"), fen(a)) for p in problems for m, a in p.rectified.items()))
    insert(
        "milestones",
        ((p.id, i, m.due, m.text, m.done) for p in problems for i, m in enumerate(p.milestones, 1)),
    )
    insert(
        "tracking",
        (
            (p.id, i, t.date, t.method, t.finding, t.by, int(t.internal))
            for p in problems
            for i, t in enumerate(p.tracking, 1)
        ),
    )
    insert(
        "history",
        ((p.id, i, h.date, h.by, h.action, h.note) for p in problems for i, h in enumerate(p.history, 1)),
    )
    insert(
        "changes",
        (
            (p.id, i, c.field, _plain(c.old), _plain(c.new))
            for p in problems
            for i, h in enumerate(p.history, 1)
            for c in h.changes
        ),
    )
    metas = [ledger.years[y] for y in sorted(ledger.years)]
    insert(
        "resolutions",
        ((r.id, m.year, r.kind, r.adopted, r.text, r.reported) for m in metas for r in m.resolutions),
    )
    insert(
        "suggestions",
        (
            (s.id, m.year, s.deputy, s.text, s.received, s.answered, s.copied)
            for m in metas
            for s in m.suggestions
        ),
    )
    insert(
        "votes",
        (
            (v.id, m.year, v.date, v.target, v.members, v.satisfied, v.basic, v.unsatisfied, v.void, v.result)
            for m in metas
            for v in m.votes
        ),
    )
    insert(
        "recommendations",
        ((r.id, m.year, r.text, r.response, r.status, r.responded) for m in metas for r in m.recommendations),
    )
    linked: list[tuple[str, list[str]]] = [
        *((r.id, r.problems) for m in metas for r in m.resolutions),
        *((s.id, s.problems) for m in metas for s in m.suggestions),
        *((r.id, r.problems) for m in metas for r in m.recommendations),
    ]
    insert("links", ((ident, problem_id) for ident, problems_of in linked for problem_id in problems_of))
    insert("left_out", ((line,) for line in ledger.left_out))
    db.commit()
    return db


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
        return json.dumps(value, ensure_ascii=False, default=str)  # a nested record a change names
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def run(db: sqlite3.Connection, statement: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only statement: its column names and rows. Writing is refused by SQLite."""
    db.execute("PRAGMA query_only = ON")
    cursor = db.execute(statement)
    columns = [d[0] for d in cursor.description or ()]
    return columns, cursor.fetchall()
