"""Time: every figure is the figure on the day asked for, from the records' dated history;
`--at` reads the ledger as committed; documents never leave records out in silence."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLI, SAMPLE, snapshot

CUTOFF = "2026-09-30"

LATER_UPDATES = [
    # each dated after the 2025 cut-off (2026-09-30): none may change the report at the cut-off
    (
        "update",
        "2025-006",
        "--status",
        "已整改",
        "--rectified-amount",
        "1320",
        "--measure",
        "完成",
        "--date",
        "2026-11-20",
    ),
    ("update", "2025-007", "--rules", "3", "--accountable", "2", "--date", "2026-11-21"),
    (
        "extend",
        "2025-002",
        "--to",
        "2027-03-31",
        "--reason",
        "跨年度",
        "--approved-by",
        "市政府",
        "--date",
        "2026-11-22",
    ),
    ("hearing", "answer", "2025-H1/Q1", "--text", "已完成复核", "--date", "2026-11-23"),
    ("resolution", "update", "2025-R1", "--reported", "2026-11-24"),
    ("suggestion", "update", "2025-S2", "--answered", "2026-11-25"),
    ("track", "2025-007", "--method", "实地察看", "--finding", "已追回部分资金", "--date", "2026-11-26"),
]


def test_a_report_at_the_cutoff_is_the_same_bytes_after_later_updates(sample: CLI) -> None:
    before = {fmt: sample("report", "--year", "2025", "--format", fmt) for fmt in ("md", "html")}
    assert before["md"].exit_code == 0, before["md"].stderr
    assert f"as of {CUTOFF}, the data cut-off of the 2025 rectification report" in before["md"].stderr
    today = sample("report", "--year", "2025", "--as-of", "2026-11-30").stdout
    for command in LATER_UPDATES:
        run = sample(*command)
        assert run.exit_code == 0, (command, run.stderr)
    for fmt, run in before.items():
        assert sample("report", "--year", "2025", "--format", fmt).stdout == run.stdout, fmt
        explicit = sample("report", "--year", "2025", "--format", fmt, "--as-of", CUTOFF)
        assert explicit.stdout == run.stdout and "data cut-off" not in explicit.stderr
    # the updates are there: the report of today counts them
    assert sample("report", "--year", "2025", "--as-of", "2026-11-30").stdout != today


def test_figures_as_of_a_day_come_from_the_history(sample: CLI) -> None:
    assert sample(*LATER_UPDATES[0]).exit_code == 0
    on_cutoff = sample("list", "--year", "2025", "--format", "json", "--as-of", CUTOFF)
    later = sample("list", "--year", "2025", "--format", "json", "--as-of", "2026-11-20")
    row_then = next(r for r in _json(on_cutoff.stdout) if r["id"] == "2025-006")
    row_now = next(r for r in _json(later.stdout) if r["id"] == "2025-006")
    assert (row_then["status"], row_then["rectified_amount"], row_then["completed_on"]) == (
        "in_progress",
        "0",
        None,
    )
    assert (row_now["status"], row_now["rectified_amount"], row_now["completed_on"]) == (
        "rectified",
        "1320",
        "2026-11-20",
    )
    shown = sample("show", "2025-006", "--format", "json", "--as-of", "2026-11-19").stdout
    assert '"status": "in_progress"' in shown and '"history": []' in shown


def test_an_extension_counts_from_its_date(sample: CLI) -> None:
    # 2025-002's deadline is moved on 2026-11-22; on 2026-11-21 the old one still ran
    old = _json(sample("show", "2025-002", "--format", "json").stdout)["deadline"]
    assert sample(*LATER_UPDATES[2]).exit_code == 0
    before = _json(sample("show", "2025-002", "--format", "json", "--as-of", "2026-11-21").stdout)
    after = _json(sample("show", "2025-002", "--format", "json", "--as-of", "2026-11-22").stdout)
    assert (before["deadline"], after["deadline"]) == (old, "2027-03-31")


def test_a_second_answer_adds_to_the_history(sample: CLI) -> None:
    for text, day in (("第一次答复", "2026-11-20"), ("第二次答复", "2026-11-25")):
        assert sample("hearing", "answer", "2025-H1/Q1", "--text", text, "--date", day).exit_code == 0
    now = _json(sample("show", "2025-H1/Q1", "--format", "json").stdout)
    assert now["answer"] == "第二次答复"
    assert [h["changes"][0]["new"] for h in now["history"]] == ["第一次答复", "第二次答复"]
    assert now["history"][1]["changes"][0]["old"] == "第一次答复"
    then = _json(sample("show", "2025-H1/Q1", "--format", "json", "--as-of", "2026-11-22").stdout)
    assert (then["answer"], then["answered"], len(then["history"])) == ("第一次答复", "2026-11-20", 1)
    timeline = sample("show", "2025-H1/Q1", "--lang", "zh").stdout
    assert "2026-11-25 答复；答复内容：第一次答复 → 第二次答复" in timeline


def test_a_change_reported_late_takes_its_place_unless_it_rewrites_a_later_one(sample: CLI) -> None:
    assert sample(*LATER_UPDATES[0]).exit_code == 0  # 2026-11-20: status, completion, amount, measure
    before = snapshot(sample.root)
    run = sample("update", "2025-006", "--rectified-amount", "50", "--date", "2026-11-01")
    assert run.exit_code == 2
    assert (
        "the change is dated 2026-11-01, but 2025-006's Rectified (10k yuan, `rectified`) changed later, "
        "on 2026-11-20" in run.stderr
    )
    assert snapshot(sample.root) == before
    # evidence reported late: no later entry changes it, so it goes in at its day
    assert sample("update", "2025-006", "--evidence", "采购平台截图", "--date", "2026-11-01").exit_code == 0
    history = _json(sample("show", "2025-006", "--format", "json").stdout)["history"]
    assert [h["date"] for h in history] == ["2026-11-01", "2026-11-20"]
    then = _json(sample("show", "2025-006", "--format", "json", "--as-of", "2026-11-05").stdout)
    assert (then["evidence"], then["status"]) == (["采购平台截图"], "in_progress")
    created = sample(
        "add-problem",
        "--year",
        "2025",
        "--title",
        "新问题",
        "--unit",
        "czj",
        "--amount",
        "1",
        "--type",
        "立行立改",
        "--deadline",
        "2027-06-30",
        "--date",
        "2026-11-10",
    )
    ident = created.stdout.strip()
    early = sample("update", ident, "--measure", "x", "--date", "2026-11-09")
    assert early.exit_code == 2 and f"before {ident} came into the ledger (2026-11-10)" in early.stderr


def test_a_year_record_update_keeps_each_date_as_its_own_event(sample: CLI) -> None:
    run = sample("suggestion", "update", "2025-S2", "--answered", "2026-10-01", "--copied", "2026-10-20")
    assert run.exit_code == 0, run.stderr
    then = _json(sample("show", "2025-S2", "--format", "json", "--as-of", "2026-10-10").stdout)
    assert (then["answered"], then["copied"]) == ("2026-10-01", None)
    later = _json(sample("show", "2025-S2", "--format", "json").stdout)
    assert [h["date"] for h in later["history"]] == ["2026-10-01", "2026-10-20"]


def test_a_milestone_done_can_be_recorded_late(sample: CLI) -> None:
    assert sample("update", "2025-003", "--measure", "推进", "--date", "2026-10-20").exit_code == 0
    run = sample("milestone", "2025-003", "--done", "2026-10-15")
    assert run.exit_code == 0, run.stderr
    history = _json(sample("show", "2025-003", "--format", "json").stdout)["history"]
    assert [h["date"] for h in history][-2:] == ["2026-10-15", "2026-10-20"]


def test_history_that_does_not_fit_is_a_warning_and_no_crash(sample: CLI) -> None:
    path = sample.root / "2025/wjw.yaml"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(
        text + "\n    history:\n      - date: 2026-10-02\n        changes:\n          - field: case\n"
        "            old: 典型\n",
        encoding="utf-8",
    )
    check = sample("check")
    assert check.exit_code == 0
    assert "history-mismatch (warning): history entry 1 of problem 2025-006 cannot be undone" in check.stdout
    report = sample("report", "--year", "2025")
    assert report.exit_code == 0, report.stderr
    assert "internal error" not in report.stderr
    path.write_text(
        text + "\n    history:\n      - date: 2026-10-02\n      - date: 2026-10-01\n        action: create\n",
        encoding="utf-8",
    )
    disorder = sample("check")
    assert disorder.exit_code == 1
    assert "history-order: history entry 2 of problem 2025-006 is dated 2026-10-01, before" in disorder.stdout
    assert "history-order: history entry 2 of problem 2025-006 says the record was created" in disorder.stdout


def test_records_without_history_go_by_their_own_dates(sample: CLI) -> None:
    # 2023-004 was written by hand: 已整改, completed 2024-10-..., no history of it
    problem = _json(sample("show", "2023-004", "--format", "json").stdout)
    assert problem["status"] in ("rectified", "closed") and problem["completed_on"]
    done = problem["completed_on"]
    day_before = _day_before(done)
    then = _json(sample("show", "2023-004", "--format", "json", "--as-of", day_before).stdout)
    assert (then["status"], then["completed_on"]) == ("in_progress", None)
    on_the_day = _json(sample("show", "2023-004", "--format", "json", "--as-of", done).stdout)
    assert (on_the_day["status"], on_the_day["completed_on"]) == ("rectified", done)  # closed later
    # a resolution adopted after the day does not exist yet
    assert sample("show", "2025-R1", "--as-of", "2026-06-23").exit_code == 2
    assert sample("show", "2025-R1", "--as-of", "2026-06-24").exit_code == 0


def test_year_sets_the_dates_and_report_defaults_to_the_cutoff(sample: CLI) -> None:
    run = sample("year", "2024", "--cutoff", "2025-09-30", "--report-heard", "2025-12-20")
    assert run.exit_code == 0, run.stderr
    assert "cut-off 2025-09-30" in run.stdout
    text = (sample.root / "2024/_year.yaml").read_text(encoding="utf-8")
    assert "cutoff: 2025-09-30" in text and "heard_on: 2025-12-20" in text
    report = sample("report", "--year", "2024")
    assert "as of 2025-09-30, the data cut-off of the 2024 rectification report" in report.stderr
    assert report.stdout == sample("report", "--year", "2024", "--as-of", "2025-09-30").stdout
    bad = sample("year", "2024", "--cutoff", "2025-02-30")
    assert bad.exit_code == 2 and "--cutoff: '2025-02-30' is not a valid date" in bad.stderr


# --- never a wrong document in silence ------------------------------------------------------------

BROKEN = (
    "  - id: 2025-099\n    year: 2025\n    title: 坏记录\n    unit: czj\n"
    "    type: immediate\n    deadline: 2026-13-01\n"
)

DOCUMENTS = [
    ("report", "--year", "2025", "--as-of", CUTOFF),
    ("stats", "--as-of", CUTOFF),
    ("plan", "--year", "2025", "--as-of", CUTOFF),
    ("rollup", "--year", "2025", "--as-of", CUTOFF),
    ("export", "--year", "2025", "--format", "csv", "--as-of", CUTOFF),
]


@pytest.fixture
def broken(sample: CLI) -> CLI:
    path = sample.root / "2025/czj.yaml"
    path.write_text(path.read_text(encoding="utf-8") + BROKEN, encoding="utf-8")
    return sample


@pytest.mark.parametrize("command", DOCUMENTS, ids=[c[0] for c in DOCUMENTS])
def test_a_document_of_a_ledger_with_errors_is_refused(broken: CLI, command: tuple[str, ...]) -> None:
    before = snapshot(broken.root)
    run = broken(*command)
    assert run.exit_code == 1
    first, *rest = run.stderr.splitlines()
    assert first.startswith(
        "error: the ledger has 1 error, so this document would leave records out or show wrong figures"
    )
    assert "--allow-errors" in first
    assert any("2025/czj.yaml:" in line and "deadline" in line for line in rest), run.stderr
    assert run.stdout == ""
    assert snapshot(broken.root) == before


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_allow_errors_names_what_was_left_out_at_the_top(broken: CLI, fmt: str) -> None:
    before = snapshot(broken.root)
    run = broken("report", "--year", "2025", "--as-of", CUTOFF, "--format", fmt, "--allow-errors")
    assert run.exit_code == 0, run.stderr
    head = run.stdout[: run.stdout.index("审计整改工作部署和成效")]  # section 一
    assert "注意：台账中有 1 个错误，有错误的记录未计入本文件或其数字可能不准确" in head
    assert "2025/czj.yaml:66:5: invalid-date: deadline: " in head
    assert snapshot(broken.root) == before
    clean = broken(
        "report", "--year", "2025", "--as-of", CUTOFF, "--format", fmt, "--allow-errors", "--lang", "en"
    )
    assert (
        "Warning: the ledger has 1 error; the records concerned are left out of this document or "
        "their figures may be wrong" in clean.stdout
    )


LEFT_OUT = "2025/czj.yaml:66:5: invalid-date: deadline: '2026-13-01' is not a valid date"
INTRO = "注意：台账中有 1 个错误，有错误的记录未计入本文件或其数字可能不准确"

ALLOWED = [
    # (command, where the note must stand: the first lines of the output)
    (("plan", "--year", "2025"), "md"),
    (("plan", "--year", "2025", "--format", "html"), "html"),
    (("rollup", "--year", "2025"), "md"),
    (("stats",), "lines"),
    (("stats", "--format", "csv"), "lines"),
    (("stats", "--format", "html"), "html"),
    (("export", "--year", "2025", "--format", "csv"), "lines"),
]


@pytest.mark.parametrize(("command", "kind"), ALLOWED, ids=[" ".join(c) for c, _ in ALLOWED])
def test_every_document_made_anyway_says_what_it_left_out_at_its_top(
    broken: CLI, command: tuple[str, ...], kind: str
) -> None:
    run = broken(*command, "--as-of", CUTOFF, "--allow-errors")
    assert run.exit_code == 0, run.stderr
    text = run.stdout.lstrip("\ufeff")
    if kind == "lines":
        first, second = text.splitlines()[:2]
        assert first.startswith(INTRO) and second == LEFT_OUT
    elif kind == "md":
        head = text.split("\n## ")[0]
        assert INTRO in head and LEFT_OUT in head
    else:
        head = text[: text.index("</header>")]
        assert INTRO in head and LEFT_OUT.replace("'", "&#39;") in head


@pytest.mark.parametrize(
    "command",
    [
        ("stats", "--format", "json"),
        ("rollup", "--year", "2025", "--format", "json"),
        ("export", "--year", "2025", "--format", "json"),
    ],
    ids=["stats", "rollup", "export"],
)
def test_json_made_anyway_carries_what_it_left_out(broken: CLI, command: tuple[str, ...]) -> None:
    data = _json(broken(*command, "--as-of", CUTOFF, "--allow-errors").stdout)
    assert isinstance(data, dict) and data["left_out"] == [LEFT_OUT]


def test_a_workbook_made_anyway_opens_on_what_it_left_out(broken: CLI, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "台账.xlsx"
    run = broken("export", "--year", "2025", "--output", str(out), "--as-of", CUTOFF, "--allow-errors")
    assert run.exit_code == 0, run.stderr
    book = openpyxl.load_workbook(out)
    first = book.worksheets[0]
    assert first.title == "未计入记录"
    assert str(first["A1"].value).startswith(INTRO) and first["A2"].value == LEFT_OUT
    assert book.sheetnames[1:4] == ["问题清单", "整改责任清单", "整改情况清单"]
    db = tmp_path / "台账.sqlite"
    assert (
        broken("export", "--year", "2025", "--format", "sqlite", "-o", str(db), "--allow-errors").exit_code
        == 0
    )
    import sqlite3

    assert sqlite3.connect(db).execute("SELECT error FROM left_out").fetchall() == [(LEFT_OUT,)]


def test_a_missing_lower_ledger_is_refused_not_zeros(sample: CLI) -> None:
    shutil.rmtree(sample.root / "lower" / "dsq")
    run = sample("rollup", "--year", "2025", "--as-of", CUTOFF)
    assert run.exit_code == 1
    assert "missing-lower" in run.stderr and "东山区" in run.stderr
    allowed = sample("rollup", "--year", "2025", "--as-of", CUTOFF, "--allow-errors")
    assert allowed.exit_code == 0 and "missing-lower" in allowed.stdout


def test_reading_commands_warn_but_go_on(broken: CLI) -> None:
    run = broken("list", "--year", "2025", "--as-of", CUTOFF)
    assert run.exit_code == 0 and "warning: the ledger has 1 error;" in run.stderr


# --- the ledger as committed ----------------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "审计",
    "GIT_AUTHOR_EMAIL": "a@example.org",
    "GIT_COMMITTER_NAME": "审计",
    "GIT_COMMITTER_EMAIL": "a@example.org",
}


def _git(repo: Path, *args: str, day: str = "2026-10-15T10:00:00") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": day, "GIT_COMMITTER_DATE": day}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the sample ledger in `ledgers/`, committed twice: as issued
    (tag `issued`, 2026-10-15) and after later updates (2026-11-26)."""
    root = tmp_path / "repo"
    shutil.copytree(SAMPLE, root / "ledgers", ignore=shutil.ignore_patterns(".auditledger"))
    (root / ".gitignore").write_text(".auditledger/\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "as issued")
    _git(root, "tag", "issued")
    cli = CLI(root / "ledgers")
    for command in LATER_UPDATES:
        assert cli(*command).exit_code == 0
    _git(root, "commit", "-q", "-am", "later", day="2026-11-26T10:00:00")
    return root


@pytest.mark.parametrize("revision", ["issued", "2026-10-20", "HEAD~1"])
def test_at_is_the_same_bytes_as_a_checkout(repo: Path, tmp_path: Path, revision: str) -> None:
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(repo), str(checkout)], check=True, capture_output=True)
    _git(checkout, "checkout", "-q", "issued")
    old = CLI(checkout / "ledgers")
    cli = CLI(repo / "ledgers")
    before = snapshot(repo)
    status = _git(repo, "status", "--porcelain")
    for command in (
        ("report", "--year", "2025", "--as-of", "2026-11-30"),
        ("report", "--year", "2025", "--format", "html"),
        ("list", "--year", "2025", "--format", "json", "--as-of", "2026-11-30"),
        ("overdue", "--as-of", "2026-11-30", "--format", "csv"),
        ("show", "2025-H1/Q1", "--format", "json"),
    ):
        expected = old(*command)
        got = cli(*command, "--at", revision)
        assert got.exit_code == expected.exit_code == 0, got.stderr
        assert got.stdout == expected.stdout, command
        assert got.stdout != cli(*command).stdout or (command[0] == "report" and "--as-of" not in command)
    assert snapshot(repo) == before and _git(repo, "status", "--porcelain") == status
    # the provenance names the data, not the commit: a checkout and --at give the same line
    assert "git" not in cli("report", "--year", "2025", "--at", revision).stdout


def test_at_names_a_bad_revision_in_one_line(repo: Path) -> None:
    cli = CLI(repo / "ledgers")
    run = cli("list", "--at", "nosuch")
    assert run.exit_code == 2
    assert run.stderr.startswith("error: --at 'nosuch': git knows no such commit, branch or tag here")
    early = cli("list", "--at", "2020-01-01")
    assert early.exit_code == 2 and "no commit of the ledger on or before that day" in early.stderr
    for bad, message in (
        ("2026-13-45", "not a valid day"),
        ("", "git knows no such commit"),
        ("--output=x", "git knows no such commit"),
    ):
        run = cli("list", "--at", bad)
        assert run.exit_code == 2 and message in run.stderr, bad
    assert not (repo / "ledgers" / "x").exists()


def _json(text: str) -> dict[str, object] | list[dict[str, object]]:  # type: ignore[return]
    import json

    return json.loads(text)  # type: ignore[no-any-return]


def _day_before(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
