"""`auditledger query` and `export --format sqlite`: SQL over the ledger, answers checked
against values computed here from the raw files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import CLI, PROBLEM, SECOND, YEAR, age, raw_problems, snapshot


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
        ("DELETE FROM problems", "DELETE on problems is not allowed"),
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
    assert sample("export", "--format", "sqlite", "-o", str(path)).exit_code == 0
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM problems").fetchone() == (len(raw_problems(sample.root)),)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"problems", "units", "history", "tracking", "milestones", "suggestions", "votes"} <= tables
    assert "needs --output" in sample("export", "--format", "sqlite").stderr


# --- what a statement may do (issue 18, item 2) -------------------------------------------------

RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


def files_under(*folders: Path) -> dict[Path, set[str]]:
    """Every file and folder under each folder, but the read cache."""
    return {
        folder: {str(p.relative_to(folder)) for p in folder.rglob("*") if ".auditledger" not in p.parts}
        for folder in folders
    }


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("ATTACH DATABASE 'x.db' AS x", "ATTACH DATABASE or VACUUM INTO 'x.db' is not allowed"),
        (
            "ATTACH DATABASE '2025/zz.yaml' AS x",
            "ATTACH DATABASE or VACUUM INTO '2025/zz.yaml' is not allowed",
        ),
        ("VACUUM INTO 'x.db'", "ATTACH DATABASE or VACUUM INTO 'x.db' is not allowed"),
        ("VACUUM", "VACUUM is not allowed"),
        ("DETACH DATABASE main", "DETACH on main is not allowed"),
        ("PRAGMA query_only = OFF", "PRAGMA query_only = OFF is not allowed"),
        ("PRAGMA writable_schema = ON", "PRAGMA writable_schema = ON is not allowed"),
        ("SELECT load_extension('x')", "the function load_extension() is not allowed"),
        ("CREATE TEMP TABLE t (a)", "changing the schema (INSERT on sqlite_temp_master) is not allowed"),
        ("DROP TABLE problems", "changing the schema (DELETE on sqlite_master) is not allowed"),
        ("INSERT INTO units VALUES ('x', 'x', 'x', NULL)", "INSERT on units is not allowed"),
        ("UPDATE problems SET title = 'x'", "UPDATE on problems is not allowed"),
        ("BEGIN", "BEGIN (a transaction) is not allowed"),
        ("SELECT * FROM temp.sqlite_master", "reading 'sqlite_temp_master' in 'temp' is not allowed"),
    ],
)
def test_a_statement_that_does_more_than_read_is_refused_and_creates_no_file(
    sample: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statement: str, message: str
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    before, files = snapshot(sample.root), files_under(cwd, sample.root)
    monkeypatch.chdir(sample.root)  # a relative file name lands in the ledger...
    inside = sample("query", statement)
    monkeypatch.chdir(cwd)  # ...or wherever the command was run
    outside = sample("query", statement)
    for run in (inside, outside):
        assert run.exit_code == 2, run.stdout
        assert run.stderr.startswith(f"error: query: {message}") and "Traceback" not in run.stderr
        assert len(run.stderr.splitlines()) == 1
    assert files_under(cwd, sample.root) == files and snapshot(sample.root) == before


def test_reading_the_ledger_s_tables_and_its_schema_is_allowed(sample: CLI) -> None:
    assert {"name": "units"} in query(sample, "SELECT name FROM sqlite_master WHERE type = 'table'")
    assert {"name": "title"} in [{"name": r["name"]} for r in query(sample, "PRAGMA table_info(problems)")]
    rows = query(
        sample,
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) "
        "SELECT x, (SELECT COUNT(*) FROM problems WHERE year = 2023) > 0 AS some FROM n",
    )
    assert rows == [{"x": 1, "some": 1}, {"x": 2, "some": 1}, {"x": 3, "some": 1}]


def test_a_runaway_recursive_query_is_stopped_at_its_timeout(sample: CLI) -> None:
    run = sample("query", RUNAWAY, "--timeout", "0.2")
    assert run.exit_code == 2
    assert run.stderr.startswith("error: query: stopped after 0.2 s, the time a query may take (--timeout)")
    assert "a recursive WITH needs a WHERE that ends it" in run.stderr


def test_more_rows_than_the_cap_is_an_error_not_a_cut(sample: CLI) -> None:
    run = sample("query", "SELECT id FROM problems", "--max-rows", "5")
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith("error: query: the statement returns more than 5 rows")
    assert len(query(sample, "SELECT id FROM problems LIMIT 5")) == 5
    assert sample("query", "SELECT id FROM problems LIMIT 5", "--max-rows", "5").exit_code == 0


def test_a_value_too_long_is_refused(sample: CLI) -> None:
    run = sample("query", "SELECT length(zeroblob(100000000))")  # 100 MB made for one number
    assert run.exit_code == 2 and run.stderr.startswith("error: query: string or blob too big")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc")
def test_ctrl_c_stops_a_runaway_query(sample: CLI) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "auditledger",
            "--ledger",
            str(sample.root),
            "query",
            RUNAWAY,
            "--timeout",
            "600",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AUDITLEDGER_LANG": "en"},
    )
    try:
        while cpu_seconds(process.pid) < 3 and process.poll() is None:  # start-up is well under 3 s
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 130
    assert stderr.strip() == "error: query: stopped by Ctrl-C"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- integers SQLite cannot hold ------------------------------------------------------------


def test_sum_overflow_is_one_clear_error(make_ledger: Callable[..., Path]) -> None:
    # ten problems at the model's bound (10^12 万元 = 10^18 fen each) add up past 2^63 - 1
    top = PROBLEM.replace("amount: 100.50", "amount: 1000000000000")
    many = top + "".join(
        SECOND.replace("2023-002", f"2023-{n:03d}").replace("amount: 10", "amount: 1000000000000")
        for n in range(2, 11)
    )
    cli = CLI(make_ledger({"2023/czj.yaml": many}))
    assert query(cli, "SELECT MAX(amount_fen) AS fen FROM problems") == [{"fen": 10**18}]
    run = cli("query", "SELECT SUM(amount_fen) FROM problems")
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith(
        "error: query: integer overflow: the result is beyond SQLite's 64-bit integers"
    )
    assert "TOTAL(amount_fen)" in run.stderr
    assert query(cli, "SELECT TOTAL(amount_fen) AS fen FROM problems") == [{"fen": 1e19}]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {
                "2023/_year.yaml": YEAR + "votes:\n  - {id: 2023-V1, date: 2024-12-24, target: report, "
                "members: 100000000000000000000, satisfied: 30, basic: 5, unsatisfied: 1, "
                "result: satisfied}\n"
            },
            "vote 2023-V1: `members` 100000000000000000000 is larger than SQL can hold",
        ),
    ],
)
def test_an_integer_beyond_64_bits_is_named_not_an_overflow(
    make_ledger: Callable[..., Path], tmp_path: Path, files: dict[str, str], message: str
) -> None:
    cli = CLI(make_ledger(files))
    before = snapshot(cli.root)
    for args in (
        ["query", "SELECT COUNT(*) FROM problems"],
        ["export", "--year", "2023", "--format", "sqlite", "-o", str(tmp_path / "x.sqlite")],
    ):
        run = cli(*args)
        assert run.exit_code == 2, run.stdout
        assert run.stderr.startswith(f"error: {message}") and "Overflow" not in run.stderr
    assert not (tmp_path / "x.sqlite").exists() and snapshot(cli.root) == before


def test_export_sqlite_is_the_whole_ledger_or_the_year_and_units_asked(sample: CLI, tmp_path: Path) -> None:
    """`export --format sqlite` copies the database `query` keeps: every year without --year;
    a year's and a unit's problems (and their rows in the other tables) when asked."""
    import sqlite3

    def counts(path: Path) -> tuple[list[tuple[int, str]], int, set[str]]:
        with sqlite3.connect(path) as db:
            years = db.execute("SELECT year, unit FROM problems GROUP BY year, unit ORDER BY 1, 2").fetchall()
            orphans = db.execute(
                "SELECT count(*) FROM history WHERE problem_id NOT IN (SELECT id FROM problems)"
            )
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return years, orphans.fetchone()[0], tables

    whole = tmp_path / "whole.sqlite"
    assert sample("export", "--format", "sqlite", "-o", str(whole)).exit_code == 0
    pairs, orphans, tables = counts(whole)
    assert {year for year, _unit in pairs} == {2023, 2024, 2025} and orphans == 0
    assert "_kept_for" not in tables and "problems" in tables
    some = tmp_path / "some.sqlite"
    run = sample("export", "--format", "sqlite", "--year", "2024", "--unit", "czj", "-o", str(some))
    assert run.exit_code == 0, run.stderr
    pairs, orphans, _tables = counts(some)
    assert pairs == [(2024, "czj")] and orphans == 0
    refused = sample("export", "--format", "csv", "-o", str(tmp_path / "x.csv"))
    assert refused.exit_code == 2 and "--year" in refused.stderr


def test_the_kept_tables_follow_every_change_of_a_file_and_the_day(sample: CLI) -> None:
    """`query`'s tables are kept for the ledger's files as they are and the day asked: a change
    to a file is in the next answer, even one of the same size whose old modification time was
    put back, and so is another day's view."""
    age(sample.root)
    statement = "SELECT status, COUNT(*) AS n FROM problems GROUP BY status ORDER BY status"
    asked = ["query", statement, "--format", "json"]
    early = json.loads(sample(*asked, "--as-of", "2024-06-30").stdout)
    late = json.loads(sample(*asked, "--as-of", "2026-11-24").stdout)
    assert early != late
    assert json.loads(sample(*asked, "--as-of", "2024-06-30").stdout) == early  # the tables kept

    first = query(sample, "SELECT id, title FROM problems ORDER BY id LIMIT 1")[0]
    title = str(first["title"])
    path = next(p for p in sample.root.rglob("*.yaml") if title in p.read_text(encoding="utf-8"))
    stamp = path.stat()
    changed = title[:-1] + ("甲" if title[-1] != "甲" else "乙")  # the same number of bytes
    path.write_text(path.read_text(encoding="utf-8").replace(title, changed), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_size == stamp.st_size
    again = query(sample, f"SELECT title FROM problems WHERE id = '{first['id']}'")
    assert again == [{"title": changed}]


@pytest.mark.parametrize(
    ("statement", "unstable"),
    [
        ("SELECT COUNT(*) FROM problems", False),
        ("SELECT date('2020-01-01')", True),
        ("SELECT CURRENT_TIMESTAMP", True),
        ('SELECT "RANDOM"() % 2', True),
        ("SELECT [strftime]('%s')", True),
    ],
)
def test_a_statement_that_calls_the_clock_or_chance_says_so(
    sample: CLI, statement: str, unstable: bool
) -> None:
    """SQLite's authorizer names every function a statement calls, however it is spelled: the
    answer of one that reads the clock or draws by chance is not remembered (`memo.unstable`)."""
    from auditledger import sql
    from auditledger.loader import load

    ledger, _found = load(sample.root)
    called: list[bool] = []
    sql.run(sql.build(ledger), statement, on_unstable=lambda: called.append(True))
    assert bool(called) is unstable
