"""`auditledger query` and `export --format sqlite`: SQL over the ledger, answers checked
against values computed here from the raw files."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from tests.conftest import CLI, raw_problems, snapshot


def query(cli: CLI, statement: str) -> list[dict[str, object]]:
    run = cli("query", statement, "--format", "json")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_counts_and_exact_sums_by_year(sample: CLI) -> None:
    rows = query(
        sample, "SELECT year, COUNT(*) AS n, SUM(amount_fen) AS fen FROM problems GROUP BY year ORDER BY year"
    )
    problems = raw_problems(sample.root)
    expected = []
    for year in sorted({int(p["year"]) for p in problems}):  # type: ignore[call-overload]
        mine = [p for p in problems if p["year"] == year]
        total = sum((Decimal(str(p.get("amount", 0))) for p in mine), Decimal(0))
        expected.append({"year": year, "n": len(mine), "fen": int(total * 1_000_000)})
    assert rows == expected


def test_rectified_by_method_and_joins(sample: CLI) -> None:
    problems = raw_problems(sample.root)
    rows = query(
        sample, "SELECT method, SUM(amount_fen) AS fen FROM rectified GROUP BY method ORDER BY method"
    )
    sums: dict[str, Decimal] = {}
    for p in problems:
        for method, value in (p.get("rectified") or {}).items():  # type: ignore[attr-defined]
            sums[method] = sums.get(method, Decimal(0)) + Decimal(str(value))
    assert rows == [{"method": m, "fen": int(v * 1_000_000)} for m, v in sorted(sums.items())]
    cooperating = query(
        sample,
        "SELECT p.id, u.name FROM cooperating c JOIN problems p ON p.id = c.problem_id "
        "JOIN units u ON u.id = c.unit ORDER BY p.id, u.name",
    )
    assert len(cooperating) == sum(len(p.get("cooperating") or []) for p in problems)  # type: ignore[arg-type]


def test_overdue_open_problems_by_date(sample: CLI) -> None:
    rows = query(
        sample,
        "SELECT id FROM problems WHERE status NOT IN ('rectified', 'closed') "
        "AND deadline < '2026-11-24' ORDER BY id",
    )
    expected = sorted(
        str(p["id"])
        for p in raw_problems(sample.root)
        if p.get("status", "not_started") not in ("rectified", "closed") and str(p["deadline"]) < "2026-11-24"
    )
    assert [r["id"] for r in rows] == expected


def test_links_and_votes(sample: CLI) -> None:
    rows = query(
        sample, "SELECT record_id, problem_id FROM links WHERE record_id LIKE '2024-R%' ORDER BY 1, 2"
    )
    assert rows == [
        {"record_id": "2024-R1", "problem_id": "2024-002"},
        {"record_id": "2024-R1", "problem_id": "2024-007"},
        {"record_id": "2024-R2", "problem_id": "2024-011"},
    ]
    assert query(sample, "SELECT result FROM votes WHERE id = '2024-V2'") == [{"result": "unsatisfied"}]


def test_the_database_is_read_only_and_errors_are_one_line(sample: CLI) -> None:
    before = snapshot(sample.root)
    for statement, message in [
        ("DELETE FROM problems", "attempt to write a readonly database"),
        ("SELECT nosuch FROM problems", "no such column: nosuch"),
        ("SELEC 1", 'near "SELEC": syntax error'),
        ("  ", "the statement is empty"),
    ]:
        run = sample("query", statement)
        assert (
            run.exit_code == 2 and f"error: query: {message}" in run.stderr and "Traceback" not in run.stderr
        )
    assert snapshot(sample.root) == before


def test_table_and_csv_output(sample: CLI) -> None:
    table = sample("query", "SELECT id, title FROM problems WHERE id = '2023-001'")
    assert "2023-001" in table.stdout and "部分专项转移支付资金分配下达不及时" in table.stdout
    csv = sample("query", "SELECT id, amount FROM problems WHERE id = '2023-002'", "--format", "csv").stdout
    assert csv == "id,amount\n2023-002,1228.45\n"


def test_export_sqlite_writes_the_same_tables(sample: CLI, tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    assert sample("export", "--year", "2023", "--format", "sqlite", "-o", str(path)).exit_code == 0
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM problems").fetchone() == (len(raw_problems(sample.root)),)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"problems", "units", "history", "tracking", "milestones", "suggestions", "votes"} <= tables
    assert "needs --output" in sample("export", "--year", "2023", "--format", "sqlite").stderr
