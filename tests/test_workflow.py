"""The workflow: transitions, history, extensions, milestones, tracking, votes, overdue."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditledger.deadlines import Due, Kind, Level, _in_order, add_months, watch
from auditledger.model import Settings
from tests.conftest import CLI, snapshot

PHASED = """\
problems:
  - id: 2023-001
    year: 2023
    title: 专项资金下达不及时
    amount: 100.50
    unit: czj
    type: phased
    deadline: 2024-09-30
    status: {status}
{extra}"""


@pytest.fixture
def ledger_with(make_ledger: Callable[..., Path]) -> Callable[..., CLI]:
    def make(status: str = "not_started", extra: str = "") -> CLI:
        return CLI(make_ledger({"2023/czj.yaml": PHASED.format(status=status, extra=extra)}))

    return make


def record(cli: CLI, problem_id: str = "2023-001") -> dict[str, object]:
    return json.loads(cli("show", problem_id, "--format", "json").stdout)  # type: ignore[no-any-return]


MEASURE = "    measures:\n      - 已下达资金\n"
EVIDENCE = "    evidence:\n      - 整改报告\n"


@pytest.mark.parametrize(
    ("start", "extra", "args", "status"),
    [
        ("not_started", "", ["--status", "整改中"], "in_progress"),
        ("in_progress", "", ["--status", "partial"], "partial"),
        ("partial", "", ["--status", "rectified", "--measure", "已下达资金"], "rectified"),
        ("not_started", MEASURE, ["--status", "已整改"], "rectified"),
        (
            "rectified",
            MEASURE + "    completed_on: 2024-09-01\n",
            ["--status", "closed", "--evidence", "报告", "--by", "审计局"],
            "closed",
        ),
        (
            "closed",
            MEASURE
            + EVIDENCE
            + "    completed_on: 2024-09-01\n    closed_on: 2024-10-01\n    checked_by: 审计局\n",
            ["--status", "in_progress", "--reason", "复查发现资金未到位"],
            "in_progress",
        ),
    ],
)
def test_allowed_transitions(
    ledger_with: Callable[..., CLI], start: str, extra: str, args: list[str], status: str
) -> None:
    cli = ledger_with(start, extra)
    run = cli("update", "2023-001", *args, "--date", "2024-09-10", "--by", "张三")
    assert run.exit_code == 0, run.stderr
    shown = record(cli)
    assert shown["status"] == status
    entry = shown["history"][-1]  # type: ignore[index]
    assert entry["date"] == "2024-09-10" and entry["by"] == "张三"
    assert {"field": "status", "old": start, "new": status} in entry["changes"]
    assert cli("check").exit_code == 0


def test_rectified_sets_completion_date_and_closing_records_the_checker(
    ledger_with: Callable[..., CLI],
) -> None:
    cli = ledger_with("in_progress", MEASURE)
    cli("update", "2023-001", "--status", "rectified", "--date", "2024-09-01")
    assert record(cli)["completed_on"] == "2024-09-01"
    cli(
        "update",
        "2023-001",
        "--status",
        "closed",
        "--evidence",
        "报告",
        "--by",
        "市审计局",
        "--date",
        "2024-10-08",
    )
    shown = record(cli)
    assert (shown["closed_on"], shown["checked_by"], shown["history"][-1]["action"]) == (
        "2024-10-08",
        "市审计局",
        "close",
    )  # type: ignore[index]


def test_reopening_starts_a_new_round_and_keeps_the_old(ledger_with: Callable[..., CLI]) -> None:
    cli = ledger_with("rectified", MEASURE + "    completed_on: 2024-09-01\n")
    cli("update", "2023-001", "--status", "整改中", "--reason", "复查未到位", "--date", "2024-11-01")
    shown = record(cli)
    assert shown["round"] == 2 and shown["completed_on"] is None
    entry = shown["history"][-1]  # type: ignore[index]
    assert entry["action"] == "reopen"
    assert {"field": "completed_on", "old": "2024-09-01", "new": None} in entry["changes"]


@pytest.mark.parametrize(
    ("start", "extra", "args", "message"),
    [
        ("in_progress", "", ["--status", "rectified"], "cannot be 已整改 without a rectification measure"),
        (
            "rectified",
            MEASURE + "    completed_on: 2024-09-01\n",
            ["--status", "closed", "--by", "审计局"],
            "without evidence",
        ),
        (
            "rectified",
            MEASURE + EVIDENCE + "    completed_on: 2024-09-01\n",
            ["--status", "closed"],
            "without who checked it",
        ),
        (
            "partial",
            "",
            ["--status", "not_started"],
            "goes back from 部分整改 to 未整改 (reopening); say why with --reason",
        ),
        ("in_progress", "", ["--status", "done"], "--status: 'done' is not a valid value"),
        ("in_progress", "", [], "nothing to change"),
        ("in_progress", "", ["--accountable", "0"], "nothing changes: 2023-001 already has these values"),
        ("in_progress", "", ["--rectified-amount", "-1"], "--rectified-amount"),
        (
            "in_progress",
            "",
            ["--rectified-amount", "100.51", "--method", "recovered"],
            "rectified-exceeds-amount",
        ),
    ],
)
def test_refused_transitions_change_nothing(
    ledger_with: Callable[..., CLI], start: str, extra: str, args: list[str], message: str
) -> None:
    cli = ledger_with(start, extra)
    before = snapshot(cli.root)
    run = cli("update", "2023-001", *args, "--date", "2024-09-10")
    assert run.exit_code == 2
    assert message in run.stderr
    assert snapshot(cli.root) == before


def test_rectified_amount_by_method_goes_into_history(ledger_with: Callable[..., CLI]) -> None:
    cli = ledger_with("in_progress")
    cli("update", "2023-001", "--rectified-amount", "40.25", "--method", "追缴资金", "--date", "2024-08-01")
    shown = record(cli)
    assert shown["rectified"] == {"recovered": "40.25"}
    assert shown["history"][-1]["changes"] == [{"field": "rectified.recovered", "old": None, "new": "40.25"}]  # type: ignore[index]


def test_extension_keeps_the_old_deadline_in_history(ledger_with: Callable[..., CLI]) -> None:
    cli = ledger_with("in_progress")
    run = cli(
        "extend",
        "2023-001",
        "--to",
        "2025-03-31",
        "--reason",
        "项目未完工",
        "--approved-by",
        "副市长",
        "--date",
        "2024-09-20",
    )
    assert run.exit_code == 0
    text = (cli.root / "2023" / "czj.yaml").read_text(encoding="utf-8")
    assert "&id" not in text and text.count("2025-03-31") == 2  # the date written out twice, no alias
    assert cli("check").exit_code == 0
    shown = record(cli)
    assert shown["deadline"] == "2025-03-31"
    assert shown["history"][-1] == {
        "date": "2024-09-20",
        "by": "副市长",
        "action": "extend",
        "note": "项目未完工",  # type: ignore[index]
        "changes": [{"field": "deadline", "old": "2024-09-30", "new": "2025-03-31"}],
    }
    before = snapshot(cli.root)
    refused = cli("extend", "2023-001", "--to", "2025-01-01", "--reason", "x", "--approved-by", "y")
    assert refused.exit_code == 2 and "is not after the current one" in refused.stderr
    blank = cli("extend", "2023-001", "--to", "2026-01-01", "--reason", " ", "--approved-by", "y")
    assert blank.exit_code == 2
    assert blank.stderr.startswith("error: refused: an extension needs a reason and who approved it")
    assert snapshot(cli.root) == before


def test_milestones_are_added_in_order_and_finished(ledger_with: Callable[..., CLI]) -> None:
    cli = ledger_with("in_progress")
    added = ("--date", "2024-05-10")
    assert cli("milestone", "2023-001", "--due", "2024-08-31", "--text", "第二阶段", *added).exit_code == 0
    assert cli("milestone", "2023-001", "--due", "2024-06-30", "--text", "第一阶段", *added).exit_code == 0
    assert cli("milestone", "2023-001", "--done", "2024-06-28").exit_code == 0
    milestones = record(cli)["milestones"]
    assert milestones == [
        {"due": "2024-06-30", "text": "第一阶段", "done": "2024-06-28"},
        {"due": "2024-08-31", "text": "第二阶段", "done": None},
    ]
    assert record(cli)["history"][-1]["changes"] == [  # type: ignore[index]
        {
            "field": "milestones",
            "old": {"due": "2024-06-30", "text": "第一阶段"},
            "new": {"due": "2024-06-30", "text": "第一阶段", "done": "2024-06-28"},
        }
    ]
    assert cli("check").exit_code == 0


def test_tracking_records(ledger_with: Callable[..., CLI]) -> None:
    cli = ledger_with("in_progress")
    run = cli(
        "track",
        "2023-001",
        "--method",
        "实地察看",
        "--date",
        "2024-07-01",
        "--finding",
        "资金已拨付",
        "--by",
        "监督处",
    )
    assert run.stdout == "2023-001 2024-07-01 site visit: 资金已拨付\n"  # the label in the language spoken
    assert record(cli)["tracking"] == [
        {
            "date": "2024-07-01",
            "method": "site_visit",
            "finding": "资金已拨付",
            "by": "监督处",
            "deputies": [],
            "internal": False,
        }
    ]
    bad = cli("track", "2023-001", "--method", "喝茶", "--date", "2024-07-01", "--finding", "x")
    assert bad.exit_code == 2 and "--method" in bad.stderr


def overdue(cli: CLI, as_of: str, *args: str) -> list[dict[str, object]]:
    run = cli("overdue", "--as-of", as_of, "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("as_of", "level", "days"),
    [("2024-09-29", "due_soon", -1), ("2024-09-30", "due_soon", 0), ("2024-10-01", "overdue", 1)],
)
def test_problem_deadline_boundary(
    ledger_with: Callable[..., CLI], as_of: str, level: str, days: int
) -> None:
    rows = overdue(ledger_with("in_progress"), as_of)
    assert [(r["kind"], r["id"], r["level"], r["days_overdue"]) for r in rows] == [
        ("problem", "2023-001", level, days)
    ]


def test_due_soon_window_and_finished_problems(ledger_with: Callable[..., CLI]) -> None:
    cli = ledger_with("in_progress")
    assert overdue(cli, "2024-08-30") == []  # 31 days ahead, window 30
    assert len(overdue(cli, "2024-08-31")) == 1  # 30 days ahead
    assert overdue(cli, "2024-08-30", "--within", "31")[0]["level"] == "due_soon"
    finished = ledger_with("rectified", MEASURE + "    completed_on: 2024-09-01\n")
    assert [r["kind"] for r in overdue(finished, "2025-01-01")] == ["disclosure"]  # no longer its deadline
    published = "    disclosure: {published: 2024-09-10, where: 网站}\n"
    assert (
        overdue(
            ledger_with("rectified", MEASURE + "    completed_on: 2024-09-01\n" + published), "2025-01-01"
        )
        == []
    )


def test_milestone_overdue(ledger_with: Callable[..., CLI]) -> None:
    extra = (
        "    milestones:\n      - due: 2024-06-30\n        text: 第一阶段\n"
        "      - due: 2024-08-31\n        text: 第二阶段\n        done: 2024-08-01\n"
    )
    rows = overdue(ledger_with("in_progress", extra), "2024-07-01", "--within", "0")
    assert [(r["kind"], r["id"], r["days_overdue"]) for r in rows] == [("milestone", "2023-001/M1", 1)]


def test_resolution_six_months_after_31_august(make_ledger: Callable[..., Path]) -> None:
    cli = CLI(make_ledger())
    assert (
        cli(
            "resolution",
            "add",
            "--year",
            "2023",
            "--kind",
            "审议意见",
            "--adopted",
            "2023-08-31",
            "--text",
            "审议意见",
        ).stdout
        == "2023-R1\n"
    )
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    cases = {"2024-02-28": ("due_soon", -1), "2024-02-29": ("due_soon", 0), "2024-03-01": ("overdue", 1)}
    for as_of, expected in cases.items():
        rows = [r for r in overdue(cli, as_of) if r["kind"] == "opinion"]
        assert [(r["id"], r["level"], r["days_overdue"]) for r in rows] == [("2023-R1", *expected)], as_of
    cli("resolution", "update", "2023-R1", "--reported", "2024-02-20")
    assert [r for r in overdue(cli, "2024-03-01") if r["kind"] == "opinion"] == []


def test_suggestion_answer_and_copy(make_ledger: Callable[..., Path]) -> None:
    cli = CLI(make_ledger())
    assert (
        cli(
            "suggestion",
            "add",
            "--year",
            "2023",
            "--deputy",
            "王代表",
            "--text",
            "建议",
            "--received",
            "2024-07-10",
            "--problem",
            "2023-001",
        ).stdout
        == "2023-S1\n"
    )
    before = [r for r in overdue(cli, "2024-10-10", "--within", "0") if r["kind"] == "suggestion"]
    after = [r for r in overdue(cli, "2024-10-11", "--within", "0") if r["kind"] == "suggestion"]
    assert before[0]["days_overdue"] == 0 and after[0]["days_overdue"] == 1 and after[0]["unit"] == "czj"
    cli("suggestion", "update", "2023-S1", "--answered", "2024-10-01")
    rows = [r for r in overdue(cli, "2024-10-02") if r["kind"] == "suggestion"]
    assert (rows[0]["level"], rows[0]["reason"], rows[0]["what"]) == ("overdue", "not_copied", "王代表: 建议")
    table = cli("overdue", "--as-of", "2024-10-02", "--lang", "zh").stdout
    assert "答复未抄送预算工委" in table and "not copied" not in table
    cli("suggestion", "update", "2023-S1", "--copied", "2024-10-02")
    assert [r for r in overdue(cli, "2024-10-02") if r["kind"] == "suggestion"] == []
    bad = cli(
        "suggestion",
        "add",
        "--year",
        "2023",
        "--deputy",
        "x",
        "--text",
        "y",
        "--received",
        "2024-01-01",
        "--problem",
        "2023-999",
    )
    assert bad.exit_code == 2 and "no problem with id '2023-999'" in bad.stderr


@pytest.mark.parametrize(
    ("members", "satisfied", "basic", "result"),
    [
        (40, 20, 0, "satisfied"),  # exactly half of all members
        (40, 19, 1, "basically_satisfied"),  # one short; with 基本满意 exactly half
        (40, 19, 0, "unsatisfied"),
        (41, 20, 1, "basically_satisfied"),  # 20 < 20.5
        (41, 21, 0, "satisfied"),
    ],
)
def test_vote_rule_around_half(
    make_ledger: Callable[..., Path], members: int, satisfied: int, basic: int, result: str
) -> None:
    cli = CLI(make_ledger())
    unsatisfied = members - satisfied - basic - 1
    run = cli(
        "evaluate",
        "--year",
        "2023",
        "--target",
        "report",
        "--members",
        str(members),
        "--satisfied",
        str(satisfied),
        "--basic",
        str(basic),
        "--unsatisfied",
        str(unsatisfied),
        "--date",
        "2024-12-24",
        "--format",
        "json",
    )
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["result"] == result


def test_tie_setting_and_unsatisfied_rereport(make_ledger: Callable[..., Path]) -> None:
    from tests.conftest import SETTINGS

    cli = CLI(make_ledger({"auditledger.yaml": SETTINGS + "vote_tie_passes: false\n"}))
    run = cli(
        "evaluate",
        "--year",
        "2023",
        "--target",
        "czj",
        "--members",
        "40",
        "--satisfied",
        "10",
        "--basic",
        "10",
        "--unsatisfied",
        "20",
        "--date",
        "2024-12-24",
        "--next-meeting",
        "2025-02-20",
        "--format",
        "json",
    )
    vote = json.loads(run.stdout)
    assert (vote["result"], vote["rereport_due"]) == ("unsatisfied", "2025-02-20")
    assert [
        (r["kind"], r["days_overdue"])
        for r in overdue(cli, "2025-02-21", "--within", "0")
        if r["kind"] == "vote"
    ] == [("vote", 1)]
    cli("vote", "update", "2023-V1", "--rereported", "2025-02-20")
    assert [r for r in overdue(cli, "2025-02-21") if r["kind"] == "vote"] == []


def test_a_vote_for_an_impossible_year_is_one_clear_line(make_ledger: Callable[..., Path]) -> None:
    cli = CLI(make_ledger())
    before = snapshot(cli.root)
    run = cli(
        "evaluate",
        "--year",
        "1800",
        "--target",
        "report",
        "--members",
        "10",
        "--satisfied",
        "6",
        "--basic",
        "3",
        "--unsatisfied",
        "1",
        "--date",
        "2024-12-24",
    )
    assert run.exit_code == 2
    assert run.stderr.startswith("error: --year: 1800 is not valid")
    assert snapshot(cli.root) == before


def test_votes_above_the_members_are_refused(make_ledger: Callable[..., Path]) -> None:
    cli = CLI(make_ledger())
    before = snapshot(cli.root)
    run = cli(
        "evaluate",
        "--year",
        "2023",
        "--target",
        "report",
        "--members",
        "10",
        "--satisfied",
        "6",
        "--basic",
        "3",
        "--unsatisfied",
        "2",
        "--date",
        "2024-12-24",
    )
    assert run.exit_code == 2 and "11 votes were counted but there are only 10 members" in run.stderr
    assert snapshot(cli.root) == before


def test_overdue_fail_flag_and_table(sample: CLI) -> None:
    assert sample("overdue", "--as-of", "2024-01-01", "--within", "0", "--fail").exit_code == 0
    run = sample("overdue", "--as-of", "2026-11-24", "--fail", "--lang", "zh")
    assert run.exit_code == 1
    assert "逾期 512 天" in run.stdout and "住房和城乡建设局" in run.stdout
    kinds = {r["kind"] for r in overdue(sample, "2026-11-24")}
    assert kinds == {
        "problem",
        "milestone",
        "resolution",
        "opinion",
        "suggestion",
        "vote",
        "question",
        "disclosure",
    }
    assert {r["unit"] for r in overdue(sample, "2026-11-24", "--unit", "czj")} == {"czj"}


def test_sample_is_reproducible(sample: CLI) -> None:
    first = sample("sample", "--year", "2025", "--count", "5", "--seed", "7", "--format", "json").stdout
    again = sample("sample", "--year", "2025", "--count", "5", "--seed", "7", "--format", "json").stdout
    assert first == again and len(json.loads(first)) == 5
    by_unit = json.loads(
        sample(
            "sample", "--year", "2025", "--count", "1", "--seed", "7", "--by", "unit", "--format", "json"
        ).stdout
    )
    units = [r["unit"] for r in by_unit]
    assert (
        len(units)
        == len(set(units))
        == len({r["unit"] for r in json.loads(sample("list", "--year", "2025", "--format", "json").stdout)})
    )


def test_a_date_given_again_with_a_new_one_records_the_new_one(sample: CLI) -> None:
    """`--answered` as it stands with a new `--copied`: the copy is recorded, the answer is no
    new event; given again alone, it is refused as no change."""
    run = sample("suggestion", "update", "2025-S1", "--answered", "2026-09-30", "--copied", "2026-11-24")
    assert run.exit_code == 0, run.stderr
    shown = json.loads(sample("show", "2025-S1", "--format", "json").stdout)
    assert shown["copied"] == "2026-11-24"
    assert [[c["field"] for c in h["changes"]] for h in shown["history"]][-1] == ["copied"]
    again = sample("suggestion", "update", "2025-S1", "--answered", "2026-09-30", "--copied", "2026-11-24")
    assert again.exit_code == 2 and "nothing changes" in again.stderr


def test_confirmations_say_a_note_once_and_name_units(sample: CLI) -> None:
    """A typical case's reason is its history note too: said once. A unit set by id is named."""
    run = sample("--lang", "zh", "case", "add", "2025-003", "--reason", "屡查屡犯", "--date", "2025-10-15")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.count("屡查屡犯") == 1
    run = sample("--lang", "zh", "update", "2024-005", "--budget-department", "czj", "--date", "2026-11-24")
    assert run.exit_code == 0, run.stderr
    assert "预算部门：— → 示例市财政局 (czj)" in run.stdout


DUES = st.builds(
    Due,
    st.sampled_from(list(Kind)),
    st.text("AB12-/M", max_size=4),
    st.just(2024),
    st.one_of(st.none(), st.sampled_from(["", "czj", "jyj", "a", "b"])),
    st.just(date(2025, 1, 1)),
    st.integers(-5, 5),
    st.sampled_from(list(Level)),
    st.text(max_size=3),
)


@given(st.lists(DUES, max_size=40))
def test_what_is_due_is_ordered_by_unit_lateness_kind_and_id(found: list[Due]) -> None:
    """Units in order, no unit last; in each, the most overdue first, then by kind and id."""
    assert _in_order(list(found)) == sorted(
        found, key=lambda d: (d.unit is None, d.unit or "", -d.days_overdue, d.kind, d.id)
    )


DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9000, 12, 31))
PROBLEM_DATES = st.tuples(
    st.text("ab1-", min_size=1, max_size=4),
    st.sampled_from(["czj", "jyj"]),
    st.booleans(),
    DAYS,
    st.none() | DAYS,
    st.booleans(),
    st.lists(st.tuples(st.integers(1, 5), DAYS, st.text(max_size=3)), max_size=3),
)


@given(st.lists(PROBLEM_DATES, max_size=20), DAYS, st.integers(0, 400))
def test_problems_due_are_found_from_their_iso_days_as_from_dates(
    problems: list[tuple[Any, ...]], as_of: date, within: int
) -> None:
    """`watch` reads a problem's days as ISO text, as the read cache keeps them, and compares
    them as text: what it finds is what comparing the dates finds, on any day of the calendar."""
    settings = Settings(name="示例市")
    dates = [
        (i, 2024, unit, f"t{i}", finished, day.isoformat(), done and done.isoformat(), published,
         [(n, due.isoformat(), text) for n, due, text in milestones])
        for i, unit, finished, day, done, published, milestones in problems
    ]  # fmt: skip
    ledger = SimpleNamespace(settings=settings, years={}, dates=lambda: iter(dates))
    horizon = as_of + timedelta(days=within)
    expected = []

    def due(kind: Kind, ident: str, unit: str, day: date, what: str) -> None:
        if day <= horizon:
            late = (as_of - day).days
            level = Level.overdue if late > 0 else Level.due_soon
            expected.append(Due(kind, ident, 2024, unit, day, late, level, what))

    for i, unit, finished, day, done, published, milestones in problems:
        if finished:
            if done is not None and not published:
                due(Kind.disclosure, i, unit, done + timedelta(days=settings.disclosure_days), f"t{i}")
            continue
        due(Kind.problem, i, unit, day, f"t{i}")
        for n, day_due, text in milestones:
            due(Kind.milestone, f"{i}/M{n}", unit, day_due, text)
    assert watch(ledger, as_of, within) == _in_order(expected)  # type: ignore[arg-type]
