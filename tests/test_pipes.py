"""`-` is standard input and output: `import -`, `-o -`; `--format json` for report, plan and
`import --dry-run`, the documents' data through one converter."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from auditledger.cli import app
from tests.conftest import CLI, snapshot
from tests.test_interchange import HEADER, ROWS, UNITS, problems, workbook

on_posix = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


@pytest.fixture
def fresh(make_ledger: Callable[..., Path]) -> CLI:
    return CLI(make_ledger({"units.yaml": UNITS, "2023/czj.yaml": None}))


def csv_text() -> str:
    lines = [",".join(HEADER)]
    for row in ROWS:
        cells = [
            (c.strftime("%Y-%m-%d") if isinstance(c, datetime) else "" if c is None else str(c)) for c in row
        ]
        lines.append(",".join(f'"{c}"' for c in cells))
    return "\n".join(lines) + "\n"


ENGLISH = {"AUDITLEDGER_LANG": "en"}
"""The tests speak English, as with the runner (conftest)."""


def run_module(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "AUDITLEDGER_LEDGER"} | ENGLISH
    return subprocess.run(
        [sys.executable, "-m", "auditledger", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env,
        cwd=tempfile.gettempdir(),  # where an old build would write a file named -
        timeout=120,
        check=False,
    )


def on_terminal(*args: str, stdin: bool = False, stdout: bool = False) -> tuple[int, str]:
    """Run with standard input or output on a pseudo-terminal: (exit code, standard error)."""
    import pty

    leader, follower = pty.openpty()
    try:
        env = {k: v for k, v in os.environ.items() if k != "AUDITLEDGER_LEDGER"} | ENGLISH
        done = subprocess.run(
            [sys.executable, "-m", "auditledger", *args],
            stdin=follower if stdin else subprocess.DEVNULL,
            stdout=follower if stdout else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tempfile.gettempdir(),
            timeout=60,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    return done.returncode, done.stderr.decode("utf-8")


# import -


def test_import_dash_reads_a_csv_list_from_standard_input(fresh: CLI) -> None:
    run = fresh("import", "-", "--year", "2023", "--date", "2024-12-01", input=csv_text())
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == "3 added, 0 updated, 0 already in the ledger"
    assert [p["title"] for p in problems(fresh)] == [r[1] for r in ROWS]


def test_import_dash_tells_an_xlsx_workbook_by_its_zip_signature(fresh: CLI, tmp_path: Path) -> None:
    data = workbook(tmp_path / "清单.xlsx", ROWS).read_bytes()
    root = str(fresh.root)
    run = run_module("--ledger", root, "import", "-", "--year", "2023", "--date", "2024-12-01", stdin=data)
    assert run.returncode == 0, run.stderr.decode()
    assert [p["title"] for p in problems(fresh)] == [r[1] for r in ROWS]


def test_input_format_says_what_standard_input_holds(fresh: CLI, tmp_path: Path) -> None:
    data = workbook(tmp_path / "清单.xlsx", ROWS).read_bytes()
    before = snapshot(fresh.root)
    args = ("--ledger", str(fresh.root), "import", "-", "--year", "2023", "--input-format", "csv")
    run = run_module(*args, stdin=data)  # a workbook read as CSV: not text
    assert run.returncode == 2
    assert run.stderr.decode().startswith("error: <stdin>: the file is neither UTF-8 nor GB18030")
    assert len(run.stderr.decode().splitlines()) == 1
    assert snapshot(fresh.root) == before


def test_standard_input_is_read_within_the_file_limit(fresh: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditledger.interchange import sheets

    monkeypatch.setattr(sheets, "MAX_FILE_BYTES", len(csv_text().encode()) - 1)
    before = snapshot(fresh.root)
    run = fresh("import", "-", "--year", "2023", input=csv_text())
    assert run.exit_code == 2
    assert run.stderr.startswith("error: <stdin>: standard input holds more than")
    assert len(run.stderr.splitlines()) == 1
    assert snapshot(fresh.root) == before
    monkeypatch.setattr(sheets, "MAX_FILE_BYTES", len(csv_text().encode()))  # exactly the limit is read
    assert fresh("import", "-", "--year", "2023", input=csv_text()).exit_code == 0


@on_posix
def test_import_dash_on_a_terminal_is_refused_at_once(fresh: CLI) -> None:
    before = snapshot(fresh.root)
    code, err = on_terminal("--ledger", str(fresh.root), "import", "-", "--year", "2023", stdin=True)
    assert code == 2
    assert err.startswith("error: import -: standard input is a terminal")
    assert snapshot(fresh.root) == before


def test_import_dry_run_as_json_says_what_would_be_added_and_skipped(fresh: CLI) -> None:
    assert fresh("import", "-", "--year", "2023", input=csv_text()).exit_code == 0
    lines = csv_text().splitlines()
    extra = (
        lines[1].replace('"1",', '"4",', 1).replace("专项资金下达不及时", "新问题").replace("23600", "12.50")
    )
    before = snapshot(fresh.root)
    run = fresh(
        "import", "-", "--year", "2023", "--dry-run", "--format", "json", input="\n".join([*lines, extra])
    )
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["dry_run"] is True
    assert [p["title"] for p in data["added"]] == ["新问题"]
    assert data["added"][0]["amount"] == "12.50"  # exact, as text
    assert data["updated"] == []
    assert [s["found_by"] for s in data["skipped"]] == ["audit_no"] * 3  # by 序号
    assert isinstance(data["diagnostics"], list)
    assert snapshot(fresh.root) == before


# -o -


def test_dash_output_prints_and_writes_no_file(
    sample: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (
        ("report", "--year", "2024", "--as-of", "2026-11-24"),
        ("plan", "--year", "2025", "--as-of", "2026-11-24"),
        ("stats", "--format", "csv", "--as-of", "2026-11-24"),
        ("rollup", "--year", "2025", "--as-of", "2026-11-24", "--format", "json"),
        ("export", "--year", "2024", "--format", "csv"),
        ("export", "--year", "2024", "--format", "json"),
    ):
        printed = sample(*args)
        piped = sample(*args, "-o", "-")
        assert piped.exit_code == 0, (args, piped.stderr)
        assert piped.stdout == printed.stdout and piped.stdout, args
    assert not (tmp_path / "-").exists()


def test_export_xlsx_and_sqlite_print_into_a_pipe(
    sample: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"AUDITLEDGER_LEDGER": None})
    base = ["--ledger", str(sample.root), "export", "--year", "2024", "-o", "-"]
    result = runner.invoke(app, [*base, "--format", "xlsx"])
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(io.BytesIO(result.stdout_bytes), read_only=True)
    assert "问题清单" in book.sheetnames
    result = runner.invoke(app, [*base, "--format", "sqlite"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"SQLite format 3\x00")
    assert not (tmp_path / "-").exists()


@on_posix
def test_binary_formats_are_not_printed_on_a_terminal(sample: CLI) -> None:
    for kind in ("xlsx", "sqlite"):
        args = ("--ledger", str(sample.root), "export", "--year", "2024", "--format", kind, "-o", "-")
        code, err = on_terminal(*args, stdout=True)
        assert code == 2
        assert err.startswith("error: -o -: will not print")
        assert len(err.splitlines()) == 1


# --format json


def amount_ok(text: object) -> bool:
    return isinstance(text, str) and "E" not in text and str(Decimal(text)) == text


def test_report_json_is_the_reports_data(sample: CLI) -> None:
    listed = {p["id"]: p for p in json.loads(sample("list", "--year", "2024", "--format", "json").stdout)}
    for kind in ("rectification", "unit", "plan-status", "cases", "budget-review", "assets"):
        run = sample(
            "report", "--year", "2024", "--as-of", "2026-11-24", "--kind", kind, "--unit", "czj",
            "--format", "json", "-o", "-",
        )  # fmt: skip
        assert run.exit_code == 0, (kind, run.stderr)
        data = json.loads(run.stdout)
        assert data["heading"]["kind"] == kind
        assert data["heading"]["as_of"] == "2026-11-24"
        for word in ("None", "True", "False", "Decimal(", "<"):
            assert word not in run.stdout, (kind, word)
    data = json.loads(sample("report", "--year", "2024", "--as-of", "2026-11-24", "--format", "json").stdout)
    assert amount_ok(data["overall"]["amount"])
    assert data["items"], "the report lists its problems"
    for item in data["items"]:
        problem = item["problem"]
        assert problem["amount"] == listed[problem["id"]]["amount"]
        assert item["unit_name"] == listed[problem["id"]]["unit_name"]
        assert isinstance(item["done"], bool)


def test_plan_json_is_the_plans_data(sample: CLI) -> None:
    run = sample("plan", "--year", "2025", "--as-of", "2026-11-24", "--top", "3", "--format", "json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["heading"]["kind"] == "plan"
    assert [c["rank"] for c in data["candidates"]][:3] == [1, 2, 3]
    assert all(amount_ok(c["score"]) for c in data["candidates"])
    assert all(amount_ok(w) for w in data["weights"].values())


def test_the_converter_keeps_amounts_exact_and_refuses_the_unknown() -> None:
    from auditledger.render.tabular import plain

    assert plain({Decimal("1E+2"): [Decimal("0.10"), {1, 2}]}) == {"100": ["0.10", [1, 2]]}
    with pytest.raises(TypeError):
        plain(object())


def test_an_output_larger_than_any_ledger_file_is_replaced(
    sample: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report or export is written over whatever the file held, however large (it was read
    first, and refused over 16 MB: a 100,000-problem export could not be written twice)."""
    from auditledger import store

    out = sample.root.parent / "报告.md"
    out.write_bytes(b"x" * (store.MAX_FILE_BYTES + 1))
    out.chmod(0o640)
    run = sample("report", "--year", "2024", "--as-of", "2026-11-24", "-o", str(out))
    assert run.exit_code == 0, run.stderr
    assert out.read_text(encoding="utf-8").startswith("#") and out.stat().st_mode & 0o777 == 0o640
    link = sample.root.parent / "link.md"
    link.symlink_to(out)
    assert sample("report", "--year", "2023", "--as-of", "2026-11-24", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and "2023" in out.read_text(encoding="utf-8")
