"""The ledger as SQLite tables, for questions nobody foresaw: `auditledger query "SQL"` and
`export --format sqlite`. Amounts are kept exact twice: as text in 万元 (`amount`) and as whole
fen (`amount_fen`: 1 万元 = 1,000,000 fen), which SQL can sum without rounding. Dates are ISO
text, true/false are 1/0.

A statement runs under SQLite's own guards rather than a parser of ours: an authorizer
(`set_authorizer`) that lets it read the ledger's tables and nothing else, a progress handler
(`set_progress_handler`) that stops it when its time is up or Ctrl-C was pressed, SQLite's
length limit on any one value, and a cap on the rows it may return. May import: model,
diagnostics.
"""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from operator import itemgetter
from types import FrameType
from typing import Any, NoReturn

from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import N_, _
from auditledger.model import RECORD_NAMES, Ledger, Problem

FEN_PER_WAN = Decimal(1_000_000)
INT64 = range(-(2**63), 2**63)
"""The integers SQLite stores; a larger Python int makes sqlite3 raise OverflowError."""
TIMEOUT = 10.0
"""Seconds a query may run by default (`query --timeout`)."""
MAX_ROWS = 100_000
"""Rows a query may return by default (`query --max-rows`)."""
MAX_LENGTH = 16_000_000
"""The longest text or blob a query may make, in bytes (SQLite's own default is 1 GB)."""

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
TABLES = frozenset(re.findall(r"CREATE TABLE (\w+)", SCHEMA))
CHILD_TABLES = (
    "cooperating",
    "measures",
    "rectified",
    "milestones",
    "tracking",
    "history",
    "changes",
    "links",
)
"""The tables of what belongs to a problem, by its `problem_id`."""
INDEXES = "".join(
    [
        "CREATE INDEX problems_by_year ON problems (year, unit);",
        "CREATE INDEX problems_by_unit ON problems (unit);",
        "CREATE INDEX problems_by_deadline ON problems (deadline, status);",
        *(f"CREATE INDEX {table}_by_problem ON {table} (problem_id);" for table in CHILD_TABLES),
    ]
)
"""Made after the rows are in (faster than keeping them up while inserting)."""


def fen(amount: Decimal) -> int:
    """An amount in 万元 as whole fen (exact: the model keeps at most six decimal places)."""
    return int(amount * FEN_PER_WAN)


def _text(value: Any) -> Any:
    if value is None or isinstance(value, int | str):
        return value
    if hasattr(value, "value"):  # an enumeration: its code
        return value.value
    return str(value)


def kept(ledger: Ledger) -> sqlite3.Connection:
    """The database of the ledger's valid records, kept on disk in the read cache for this view
    of the ledger (its data as of its day, the tool's version, the language of its notes) and
    made only when it changed; in memory when there is no safe place to keep it."""
    import hashlib

    from auditledger import __version__, i18n, store
    from auditledger.asof import digest_of
    from auditledger.model import SCHEMA_VERSION

    # The ledger as of its day is a function of its files' texts and the day: the digest of the
    # texts (made as they were read) names it at once. That of its data (`digest_of`), which
    # stays the same after changes dated later, reads a sha of every problem (0.05 s at 100,000):
    # only for a ledger whose texts do not name its data (made in memory, redacted, a view).
    whole_files = ledger.digest and not ledger.public and ledger.whole is None and ledger.as_of is not None
    data = f"files {ledger.digest}" if whole_files else digest_of(ledger)
    key = hashlib.sha256(
        "\0".join(
            (__version__, str(SCHEMA_VERSION), SCHEMA, i18n.language(), data, str(ledger.as_of),
             *ledger.left_out)
        ).encode("utf-8")
    ).hexdigest()  # fmt: skip
    found = store.kept_database(ledger.root, key, lambda db: build(ledger, db))
    return found if found is not None else build(ledger)


YEAR_TABLES = ("resolutions", "suggestions", "votes", "recommendations")


def database_file(ledger: Ledger, years: Sequence[int] = (), units: Sequence[str] = ()) -> bytes:
    """The ledger's database as a file (`export --format sqlite`): a copy of the one `query`
    keeps, of the whole ledger; with `years` or `units`, only their problems (and the years'
    records)."""
    source = kept(ledger)
    db = sqlite3.connect(":memory:")
    db.deserialize(source.serialize())
    source.close()
    db.execute("DROP TABLE IF EXISTS _kept_for")
    if years or units:
        where = " AND ".join(
            clause
            for clause, wanted in (
                (f"year IN ({','.join('?' * len(years))})", years),
                (f"unit IN ({','.join('?' * len(units))})", units),
            )
            if wanted
        )
        db.execute(f"DELETE FROM problems WHERE NOT ({where})", (*years, *units))
        for table in CHILD_TABLES:
            db.execute(f"DELETE FROM {table} WHERE problem_id NOT IN (SELECT id FROM problems)")
        if years:
            marks = ",".join("?" * len(years))
            for table in YEAR_TABLES:
                db.execute(f"DELETE FROM {table} WHERE year NOT IN ({marks})", tuple(years))
        db.commit()
        db.execute("VACUUM")
    return db.serialize()


def build(ledger: Ledger, db: sqlite3.Connection | None = None) -> sqlite3.Connection:
    """A database of the ledger's valid records: in memory, or filling `db`."""
    db = db or sqlite3.connect(":memory:")
    db.executescript(SCHEMA)

    def insert(table: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(_text(v) for v in row) for row in rows]
        if rows:
            marks = ",".join("?" * len(rows[0]))
            try:
                db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            except OverflowError:  # looked for only then: no cost to every other build
                row, index = next(
                    (row, index)
                    for row in rows
                    for index, value in enumerate(row)
                    if isinstance(value, int) and value not in INT64
                )
                _too_large(db, table, row, index)

    insert("units", ((u.id, u.name, u.kind, u.parent) for u in ledger.units.values()))
    # A file at a time: each file's records are unpacked, made rows and let go (all of a
    # province's at once took 600 MB); the rows then go in as `Ledger.problems` orders them.
    found, ids = [], set()
    for file in ledger.problem_files:
        for p in file.records():
            if p.id not in ids:  # an id used twice (an error `check` names): the first, as `problems_by_id`
                ids.add(p.id)
                found.append((p.year, p.id, _rows_of(p)))
    found.sort(key=itemgetter(0, 1))
    for index, table in enumerate(PROBLEM_TABLES):
        insert(table, (row for _year, _id, rows in found for row in rows[index]))
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
    db.executescript(INDEXES)
    db.commit()
    return db


PROBLEM_TABLES = (
    *("problems", "cooperating", "measures", "rectified"),
    *("milestones", "tracking", "history", "changes"),
)
"""The tables of the problems' own data, in the order `_rows_of` gives a problem's rows."""


def _rows_of(p: Problem) -> tuple[list[tuple[Any, ...]], ...]:
    """A problem's rows in each of `PROBLEM_TABLES`."""
    return (
        [(
            p.id, p.year, p.audit_no, p.title, p.description, p.category, p.unit, p.supervisor,
            p.lower_government, format(p.amount, "f"), fen(p.amount), p.amount_kind,
            format(p.rectified_amount, "f"), fen(p.rectified_amount), p.type, p.status, p.deadline,
            p.completed_on, p.closed_on, int(p.prominent), int(p.systemic), p.rules_made, p.accountable,
            p.reason, p.next_steps, p.round, p.disclosure.published if p.disclosure else None,
            int(p.case is not None),
        )],
        [(p.id, u) for u in p.cooperating],
        [(p.id, i, m) for i, m in enumerate(p.measures, 1)],
        [(p.id, m, format(a, "f"), fen(a)) for m, a in p.rectified.items()],
        [(p.id, i, m.due, m.text, m.done) for i, m in enumerate(p.milestones, 1)],
        [(p.id, i, t.date, t.method, t.finding, t.by, int(t.internal)) for i, t in enumerate(p.tracking, 1)],
        [(p.id, i, h.date, h.by, h.action, h.note) for i, h in enumerate(p.history, 1)],
        [
            (p.id, i, c.field, _plain(c.old), _plain(c.new))
            for i, h in enumerate(p.history, 1)
            for c in h.changes
        ],
    )  # fmt: skip


def _too_large(db: sqlite3.Connection, table: str, row: Sequence[Any], index: int) -> NoReturn:
    """Refuse an integer SQLite cannot store (sqlite3 would raise a bare OverflowError), naming
    the record and the column: SQLite would turn it into an inexact float even as text."""
    columns = [d[0] for d in db.execute(f"SELECT * FROM {table} LIMIT 0").description]
    column = columns[index]
    kind = "problem" if columns[0] == "problem_id" else table.removesuffix("s")
    record = _(RECORD_NAMES[kind]) if kind in RECORD_NAMES else f"{kind} {{id}}"
    limit = f"{(2**63 - 1) // int(FEN_PER_WAN):,} 万元" if column.endswith("_fen") else f"{2**63 - 1:,}"
    raise AuditLedgerError(
        _(
            "{record}: `{column}` {value} is larger than SQL can hold (SQLite's integers stop at 2^63 - 1)"
        ).format(record=record.format(id=row[0]), column=column, value=row[index]),
        hint=_("correct the value in the ledger: at most {limit}").format(limit=limit),
    )


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
        return json.dumps(value, ensure_ascii=False, default=str)  # a nested record a change names
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


PRAGMAS = frozenset(
    {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
)
"""PRAGMAs a query may run: each only describes the ledger's tables."""
FUNCTIONS_DENIED = frozenset({"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"})
UNSTABLE_FUNCTIONS = frozenset(
    {"date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff", "random", "randomblob"}
    | {"current_date", "current_time", "current_timestamp"}
)
"""Functions whose answer changes with the clock (the date functions read it when given no
day; CURRENT_TIMESTAMP and its kin are calls too) or by chance: an answer that called one is
not remembered (`memo.unstable`)."""
"""Functions that reach outside the database where a build of SQLite has them."""
ACTIONS = {
    getattr(sqlite3, f"SQLITE_{name.replace(' ', '_')}"): name
    for name in (
        "ALTER TABLE", "ANALYZE", "ATTACH", "CREATE INDEX", "CREATE TABLE", "CREATE TEMP INDEX",
        "CREATE TEMP TABLE", "CREATE TEMP TRIGGER", "CREATE TEMP VIEW", "CREATE TRIGGER", "CREATE VIEW",
        "CREATE VTABLE", "DELETE", "DETACH", "DROP INDEX", "DROP TABLE", "DROP TEMP INDEX",
        "DROP TEMP TABLE", "DROP TEMP TRIGGER", "DROP TEMP VIEW", "DROP TRIGGER", "DROP VIEW",
        "DROP VTABLE", "INSERT", "REINDEX", "SAVEPOINT", "TRANSACTION", "UPDATE",
    )
}  # fmt: skip
"""Names of the authorizer's action codes, for the message of a denial (VACUUM has no
action code of its own: SQLite asks for it as an ATTACH)."""


class _Guard:
    """What a statement may do, and why it was stopped: the first denial, the deadline, Ctrl-C."""

    def __init__(self, timeout: float, on_unstable: Callable[[], None] | None = None) -> None:
        self.denied: str | None = None
        self.deadline = time.monotonic() + timeout
        self.timed_out = False
        self.interrupted = False
        self.on_unstable = on_unstable

    def authorize(
        self, action: int, arg1: str | None, arg2: str | None, database: str | None, _trigger: str | None
    ) -> int:
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_RECURSIVE):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ:
            if database is None:  # a column of a WITH clause or a subquery
                return sqlite3.SQLITE_OK
            if database == "main" and (arg1 in TABLES or arg1 in ("sqlite_master", "sqlite_schema")):
                return sqlite3.SQLITE_OK
            if database != "main":
                return self._deny(
                    _("reading {table} in {database}").format(table=repr(arg1), database=repr(database))
                )
            return self._deny(_("reading {table}").format(table=repr(arg1)))
        if action == sqlite3.SQLITE_FUNCTION:
            if (arg2 or "").lower() not in FUNCTIONS_DENIED:
                if self.on_unstable is not None and (arg2 or "").lower() in UNSTABLE_FUNCTIONS:
                    self.on_unstable()
                return sqlite3.SQLITE_OK
            return self._deny(_("the function {name}()").format(name=arg2))
        if action == sqlite3.SQLITE_PRAGMA:
            if (arg1 or "").lower() in PRAGMAS:
                return sqlite3.SQLITE_OK
            return self._deny(f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else ""))
        if action == sqlite3.SQLITE_ATTACH:
            if arg1:
                return self._deny(_("ATTACH DATABASE or VACUUM INTO {file}").format(file=repr(arg1)))
            return self._deny("VACUUM")
        name = ACTIONS.get(action) or _("SQLite action {code}").format(code=action)
        if action == sqlite3.SQLITE_TRANSACTION:
            return self._deny(_("{statement} (a transaction)").format(statement=arg1))
        if arg1 in ("sqlite_master", "sqlite_temp_master"):  # how SQLite asks for CREATE and DROP
            return self._deny(_("changing the schema ({action} on {table})").format(action=name, table=arg1))
        return self._deny(_("{action} on {table}").format(action=name, table=arg1) if arg1 else name)

    def _deny(self, what: str) -> int:
        if self.denied is None:
            self.denied = what
        return sqlite3.SQLITE_DENY

    def progress(self) -> int:
        """Called by SQLite every few thousand steps: non-zero stops the statement."""
        if self.interrupted:
            return 1
        if time.monotonic() > self.deadline:
            self.timed_out = True
            return 1
        return 0

    def on_interrupt(self, _signum: int, _frame: FrameType | None) -> None:
        self.interrupted = True


@contextmanager
def _interruptible(guard: _Guard) -> Iterator[None]:
    """Ctrl-C sets the guard's flag (which the progress handler reads) while SQLite runs: the
    default handler raises KeyboardInterrupt inside the progress handler, where sqlite3 swallows it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: Callable[[int, FrameType | None], Any] | int | None = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:  # Ctrl-C was meant to do nothing (`nohup`, a background job)
        yield
        return
    signal.signal(signal.SIGINT, guard.on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


HINT = N_("see the tables in the README (`auditledger query` section)")


MAX_RESULT = 256 << 20
"""Bytes of text and blobs a statement may return in all (each value is also capped)."""


def run(
    db: sqlite3.Connection,
    statement: str,
    *,
    timeout: float = TIMEOUT,
    max_rows: int = MAX_ROWS,
    on_unstable: Callable[[], None] | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement that only reads the ledger's tables: its column names and rows.

    Anything else (writing, ATTACH, VACUUM, PRAGMAs that set something, extensions) is refused
    before it runs; a statement that runs longer than `timeout` seconds, is stopped by Ctrl-C
    or would return more than `max_rows` rows ends in an AuditLedgerError saying so. A statement
    that calls one of `UNSTABLE_FUNCTIONS` (the clock, chance) calls `on_unstable`.
    """
    db.execute("PRAGMA query_only = ON")
    db.execute("PRAGMA temp_store = MEMORY")  # sorting never spills to a temporary file
    db.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LENGTH)
    guard = _Guard(timeout, on_unstable)
    db.set_authorizer(guard.authorize)
    db.set_progress_handler(guard.progress, 1000)
    try:
        with _interruptible(guard):
            cursor = db.execute(statement)
            columns = [d[0] for d in cursor.description or ()]
            rows: list[tuple[Any, ...]] = []
            size = 0
            while len(rows) <= max_rows:
                batch = cursor.fetchmany(min(256, max_rows + 1 - len(rows)))
                if not batch:
                    break
                rows += batch
                size += sum(len(v) for row in batch for v in row if isinstance(v, str | bytes))
                if size > MAX_RESULT:
                    raise AuditLedgerError(
                        _("query: the statement returns more than {size} MB of text").format(
                            size=MAX_RESULT >> 20
                        ),
                        hint=_("select fewer or shorter columns, or narrow it with WHERE or LIMIT"),
                    )
    except (sqlite3.Error, sqlite3.Warning) as exc:
        raise _failure(exc, guard, timeout) from None
    finally:
        db.set_authorizer(None)
        db.set_progress_handler(None, 0)
    if len(rows) > max_rows:
        raise AuditLedgerError(
            _("query: the statement returns more than {rows} rows").format(rows=f"{max_rows:,}"),
            hint=_("narrow it with WHERE or LIMIT, or raise the cap with --max-rows"),
        )
    return columns, rows


def _failure(exc: Exception, guard: _Guard, timeout: float) -> AuditLedgerError:
    if guard.denied is not None:
        return AuditLedgerError(
            _("query: {what} is not allowed: a query only reads the ledger's tables").format(
                what=guard.denied
            ),
            hint=_("write one SELECT (or WITH … SELECT) statement; {see}").format(see=_(HINT)),
        )
    if guard.interrupted:
        return AuditLedgerError(_("query: stopped by Ctrl-C"), exit_code=130)
    if guard.timed_out:
        return AuditLedgerError(
            _("query: stopped after {seconds} s, the time a query may take (--timeout)").format(
                seconds=f"{timeout:g}"
            ),
            hint=_(
                "a recursive WITH needs a WHERE that ends it, or add LIMIT; "
                "for a slow but finite query raise --timeout"
            ),
        )
    message = str(exc)  # SQLite's own words
    if message == "integer overflow":
        return AuditLedgerError(
            _("query: integer overflow: the result is beyond SQLite's 64-bit integers (2^63 - 1)"),
            hint=_(
                "TOTAL() adds as floating point and cannot overflow: TOTAL(amount_fen) / 1000000.0 is 万元"
            ),
        )
    too_big = {
        "string or blob too big": _("query: string or blob too big"),
        "too many attached databases - max 0": _("query: too many attached databases - max 0"),
    }
    if message in too_big:
        return AuditLedgerError(
            too_big[message],
            hint=_("a value may hold at most {size} bytes; {see}").format(
                size=f"{MAX_LENGTH:,}", see=_(HINT)
            ),
        )
    said = next(
        (_(text).format(name=found[1]) for rule, text in SQLITE_SAYS if (found := rule.fullmatch(message))),
        None,
    )
    return AuditLedgerError(
        said or _("query: {message}").format(message=message),
        hint=_("{see}; the database is read-only").format(see=_(HINT)),
    )


SQLITE_SAYS = [
    (re.compile(r"no such table: (.+)"), N_("query: no such table: {name}")),
    (re.compile(r"no such column: (.+)"), N_("query: no such column: {name}")),
    (re.compile(r"no such function: (.+)"), N_("query: no such function: {name}")),
    (re.compile(r'near "(.+)": syntax error'), N_('query: near "{name}": syntax error')),
    (re.compile(r"(incomplete input)"), N_("query: incomplete input")),
    (re.compile(r"ambiguous column name: (.+)"), N_("query: ambiguous column name: {name}")),
]
"""SQLite's most common complaints, in the language spoken (the rest are shown in its words)."""
