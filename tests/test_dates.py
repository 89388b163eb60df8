"""Dates that cannot be: reported by `check` when written by hand, refused when written by a
command (exit 2, nothing written).

The check cases edit a copy of the sample ledger, judged as of 2026-11-30; the day after is
the first day that has not come yet. Where a diagnostic must point is found in the edited
text itself: the line and column where `at` starts.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
from pydantic import create_model

from auditledger.model import (
    Hearing,
    HistoryEntry,
    Question,
    Recommendation,
    Report,
    Resolution,
    Suggestion,
    Vote,
    YearMeta,
    year_acts,
)
from tests.conftest import CLI, snapshot

AS_OF = "2026-11-30"
AHEAD = "2026-12-01"

PROBLEM = "2025/wjw.yaml"  # one problem, 2025-006: immediate, in progress, deadline 2026-12-15
LAST_LINE = "    status: in_progress\n"
YEAR_2025 = "2025/_year.yaml"
YEAR_2024 = "2024/_year.yaml"
S1_ANSWERED = "    answered: 2026-09-30\n"  # suggestion 2025-S1, received 2026-07-10
S2_RECEIVED = "    received: 2026-08-20\n"  # suggestion 2025-S2, not answered
Q1_DUE = "        due: 2026-12-10\n"  # question 1 of hearing 2025-H1 (2026-11-10), not answered
R1_ADOPTED = "    adopted: 2026-06-24\n"  # resolution 2025-R1
A1_RESPONDED = "    responded: 2026-11-20\n"  # recommendation 2025-A1; the audit report heard 2026-06-24
V1 = "  - id: 2024-V1\n    date: 2025-12-23\n"  # sent and copied 2025-12-30
V1_COPIED = "    copied_to_government: 2025-12-30\n"


class Case(NamedTuple):
    file: str
    old: str
    new: str
    at: str
    """The text the diagnostic points at: its first occurrence after the edit."""
    code: str
    message: str


def add(line: str, *more: str) -> str:
    return line + "".join(more)


CASES = {
    # --- after today: what was done, completed, answered, voted ---
    "problem completed_on": Case(
        PROBLEM,
        LAST_LINE,
        add(LAST_LINE, f"    completed_on: {AHEAD}\n"),
        "completed_on:",
        "date-in-future",
        f"problem 2025-006: Completed on (`completed_on`) is {AHEAD}, after today ({AS_OF})",
    ),
    "problem closed_on": Case(
        PROBLEM,
        LAST_LINE,
        add(LAST_LINE, f"    closed_on: {AHEAD}\n"),
        "closed_on:",
        "date-in-future",
        f"Closed on (`closed_on`) is {AHEAD}",
    ),
    "problem history entry": Case(
        PROBLEM,
        LAST_LINE,
        add(LAST_LINE, "    history:\n      - {date: 2026-11-01}\n", f"      - {{date: {AHEAD}}}\n"),
        f"date: {AHEAD}",
        "date-in-future",
        f"history entry 2 is {AHEAD}",
    ),
    "tracking entry": Case(
        PROBLEM,
        LAST_LINE,
        add(LAST_LINE, f"    tracking:\n      - {{date: {AHEAD}, method: site_visit, finding: 现场核查}}\n"),
        f"date: {AHEAD}",
        "date-in-future",
        f"tracking entry 1 is {AHEAD}",
    ),
    "milestone done": Case(
        PROBLEM,
        LAST_LINE,
        add(LAST_LINE, f"    milestones:\n      - {{due: 2026-10-31, text: 约谈, done: {AHEAD}}}\n"),
        "done:",
        "date-in-future",
        f"milestone 1 done is {AHEAD}",
    ),
    "typical case chosen": Case(
        PROBLEM,
        LAST_LINE,
        add(LAST_LINE, f"    case: {{reason: 屡审屡犯, chosen: {AHEAD}}}\n"),
        "chosen:",
        "date-in-future",
        f"typical case chosen is {AHEAD}",
    ),
    "problem disclosure": Case(
        PROBLEM,
        LAST_LINE,
        add(LAST_LINE, f"    disclosure: {{published: {AHEAD}, where: 网站}}\n"),
        "published:",
        "date-in-future",
        f"disclosure published is {AHEAD}",
    ),
    "suggestion answered": Case(
        YEAR_2025,
        S2_RECEIVED,
        add(S2_RECEIVED, f"    answered: {AHEAD}\n"),
        f"answered: {AHEAD}",
        "date-in-future",
        f"suggestion 2025-S2: Answered (`answered`) is {AHEAD}",
    ),
    "suggestion copied": Case(
        YEAR_2025,
        S1_ANSWERED,
        add(S1_ANSWERED, f"    copied: {AHEAD}\n"),
        "copied:",
        "date-in-future",
        f"suggestion 2025-S1: Copied to the committee (`copied`) is {AHEAD}",
    ),
    "question answered": Case(
        YEAR_2025,
        Q1_DUE,
        add(Q1_DUE, "        answer: 已建立智能监控规则\n", f"        answered: {AHEAD}\n"),
        f"answered: {AHEAD}",
        "date-in-future",
        f"question 1 of hearing 2025-H1: Answered (`answered`) is {AHEAD}",
    ),
    "recommendation responded": Case(
        YEAR_2025,
        A1_RESPONDED,
        f"    responded: {AHEAD}\n",
        "responded:",
        "date-in-future",
        f"recommendation 2025-A1: Responded (`responded`) is {AHEAD}",
    ),
    "resolution reported": Case(
        YEAR_2025,
        R1_ADOPTED,
        add(R1_ADOPTED, f"    reported: {AHEAD}\n"),
        "reported:",
        "date-in-future",
        f"deliberation opinions 2025-R1: Reported back (`reported`) is {AHEAD}",
    ),
    "report disclosure": Case(
        YEAR_2025,
        "    published: 2026-07-03\n",
        f"    published: {AHEAD}\n",
        "published:",
        "date-in-future",
        f"audit work report: disclosure published is {AHEAD}",
    ),
    "vote date": Case(
        YEAR_2024,
        V1,
        f"  - id: 2024-V1\n    date: {AHEAD}\n",
        f"date: {AHEAD}",
        "date-in-future",
        f"vote 2024-V1: Date (`date`) is {AHEAD}",
    ),
    "vote sent_to_party": Case(
        YEAR_2024,
        "    sent_to_party: 2025-12-30\n",
        f"    sent_to_party: {AHEAD}\n",
        "sent_to_party:",
        "date-in-future",
        f"vote 2024-V1: Sent to the party committee (`sent_to_party`) is {AHEAD}",
    ),
    "vote copied_to_government": Case(
        YEAR_2024,
        V1_COPIED,
        f"    copied_to_government: {AHEAD}\n",
        "copied_to_government:",
        "date-in-future",
        f"vote 2024-V1: Copied to the government (`copied_to_government`) is {AHEAD}",
    ),
    "vote rereported": Case(
        YEAR_2024,
        "    rereport_due: 2026-02-26\n",
        add("    rereport_due: 2026-02-26\n", f"    rereported: {AHEAD}\n"),
        "rereported:",
        "date-in-future",
        f"vote 2024-V2: Re-reported (`rereported`) is {AHEAD}",
    ),
    # --- an answer before what it answers ---
    "question answered before the hearing": Case(
        YEAR_2025,
        Q1_DUE,
        add(Q1_DUE, "        answer: 已建立智能监控规则\n", "        answered: 2026-11-09\n"),
        "answered: 2026-11-09",
        "answer-before-question",
        "question 1 of hearing 2025-H1 is answered 2026-11-09, before the hearing that asked it (2026-11-10)",
    ),
    "suggestion answered before received": Case(
        YEAR_2025,
        S2_RECEIVED,
        add(S2_RECEIVED, "    answered: 2026-08-19\n"),
        "answered: 2026-08-19",
        "answer-before-question",
        "suggestion 2025-S2 is answered 2026-08-19, before it was received (2026-08-20)",
    ),
    "recommendation responded before the audit report was heard": Case(
        YEAR_2025,
        A1_RESPONDED,
        "    responded: 2026-06-23\n",
        "responded:",
        "answer-before-question",
        "recommendation 2025-A1 is responded to 2026-06-23, before the audit work report that made it "
        "was heard (2026-06-24)",
    ),
    # --- a report-back before adoption, a copy before the answer, a follow-up before the vote ---
    "report-back before adoption": Case(
        YEAR_2025,
        R1_ADOPTED,
        add(R1_ADOPTED, "    reported: 2026-06-23\n"),
        "reported:",
        "report-back-before-adoption",
        "2025-R1 is reported back on 2026-06-23, before it was adopted (2026-06-24)",
    ),
    "copy before the answer": Case(
        YEAR_2025,
        S1_ANSWERED,
        add(S1_ANSWERED, "    copied: 2026-09-29\n"),
        "copied:",
        "copy-before-answer",
        "suggestion 2025-S1 is copied 2026-09-29, before it was answered (2026-09-30)",
    ),
    "copy with no answer": Case(
        YEAR_2025,
        S2_RECEIVED,
        add(S2_RECEIVED, "    copied: 2026-09-01\n"),
        "copied:",
        "copy-before-answer",
        "suggestion 2025-S2 is copied 2026-09-01 but has no answer date",
    ),
    "sent to the party before the vote": Case(
        YEAR_2024,
        "    sent_to_party: 2025-12-30\n",
        "    sent_to_party: 2025-12-22\n",
        "sent_to_party:",
        "follow-up-before-vote",
        "vote 2024-V1 is sent to the party committee on 2025-12-22, before the vote (2025-12-23)",
    ),
    "copied to the government before the vote": Case(
        YEAR_2024,
        V1_COPIED,
        "    copied_to_government: 2025-12-22\n",
        "copied_to_government:",
        "follow-up-before-vote",
        "vote 2024-V1 is copied to the government on 2025-12-22",
    ),
    "re-reported before the vote": Case(
        YEAR_2024,
        "    rereport_due: 2026-02-26\n",
        add("    rereport_due: 2026-02-26\n", "    rereported: 2025-12-22\n"),
        "rereported:",
        "follow-up-before-vote",
        "vote 2024-V2 is re-reported on 2025-12-22, before the vote (2025-12-23)",
    ),
    "closed before completion": Case(
        PROBLEM,
        LAST_LINE,
        "    status: closed\n    completed_on: 2026-10-01\n    closed_on: 2026-09-30\n"
        "    checked_by: 市审计局\n    evidence: [整改报告]\n",
        "closed_on:",
        "closed-before-completion",
        "problem 2025-006 is closed on 2026-09-30, before its rectification was completed (2026-10-01)",
    ),
}


def edit(cli: CLI, case: Case) -> tuple[Path, str]:
    """Apply the case to the ledger; the file and where the diagnostic must point."""
    path = cli.root / case.file
    text = path.read_text(encoding="utf-8")
    assert text.count(case.old) == 1, f"{case.old!r} is not once in {case.file}"
    text = text.replace(case.old, case.new)
    path.write_text(text, encoding="utf-8")
    line_no, line = next((n, line) for n, line in enumerate(text.splitlines(), 1) if case.at in line)
    return path, f"{path}:{line_no}:{line.index(case.at) + 1}: {case.code}: "


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_reports_a_date_that_cannot_be(name: str, sample: CLI) -> None:
    case = CASES[name]
    _, where = edit(sample, case)
    run = sample("check", "--as-of", AS_OF)
    assert run.exit_code == 1, run.stdout
    found = [line for line in run.lines if line.startswith(where)]
    assert found, f"nothing at {where}\n{run.stdout}"
    assert case.message in found[0]
    assert "; " in found[0], "the message says the fix"


def test_a_milestone_after_the_deadline_is_a_warning(sample: CLI) -> None:
    _, where = edit(
        sample,
        Case(
            PROBLEM,
            LAST_LINE,
            add(LAST_LINE, "    milestones:\n      - {due: 2026-12-31, text: 完成约谈}\n"),
            "due:",
            "milestone-after-deadline (warning)",
            "",
        ),
    )
    run = sample("check", "--as-of", AS_OF)
    assert run.exit_code == 0, run.stdout
    assert run.lines[0].startswith(where), run.stdout
    assert (
        "milestone 1 of problem 2025-006 is due 2026-12-31, after the deadline (2026-12-15)" in run.lines[0]
    )
    assert run.lines[-1].endswith(": 0 errors, 1 warning")


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        (PROBLEM, "    deadline: 2026-12-15\n", "    deadline: 2027-06-30\n"),
        (PROBLEM, LAST_LINE, add(LAST_LINE, "    milestones:\n      - {due: 2026-12-10, text: 完成}\n")),
        (YEAR_2025, Q1_DUE, "        due: 2027-01-10\n"),
        (YEAR_2025, "  - id: 2025-H1\n    date: 2026-11-10\n", "  - id: 2025-H1\n    date: 2027-01-10\n"),
        (
            YEAR_2025,
            "  heard_on: 2026-12-22\n  cutoff: 2026-09-30\n",
            "  heard_on: 2027-01-22\n  cutoff: 2026-12-31\n",
        ),
        (YEAR_2024, "    rereport_due: 2026-02-26\n", "    rereport_due: 2027-02-26\n"),
        (PROBLEM, LAST_LINE, add(LAST_LINE, f"    completed_on: {AS_OF}\n")),  # today itself has come
    ],
    ids=[
        "deadline",
        "milestone due",
        "question due",
        "hearing",
        "heard_on and cutoff",
        "rereport_due",
        "today",
    ],
)
def test_plans_may_lie_ahead(file: str, old: str, new: str, sample: CLI) -> None:
    edit(sample, Case(file, old, new, new.strip().split("\n")[0].strip(), "", ""))
    run = sample("check", "--as-of", AS_OF)
    assert run.exit_code == 0, run.stdout
    assert run.lines[-1].endswith(": 0 errors, 0 warnings"), run.stdout


def test_the_day_judged_by_is_never_taken_from_the_cache(sample: CLI) -> None:
    """The same files, checked as of two days: the check that judges by the day runs each time,
    also when every other finding comes from the cache (and the problems stay packed)."""
    _, where = edit(sample, CASES["problem completed_on"])
    past = time.time() - 10  # out of the racy window, so that the cache takes the files
    for file in sample.root.rglob("*.yaml"):
        os.utime(file, (past, past))
    for _ in range(2):
        assert sample("check", "--as-of", AHEAD).exit_code == 0
        run = sample("check", "--as-of", AS_OF)
        assert run.exit_code == 1 and run.lines[0].startswith(where), run.stdout
    assert (sample.root / ".auditledger").exists()


def test_without_as_of_check_judges_by_today(sample: CLI) -> None:
    _, where = edit(
        sample, CASES["problem completed_on"]._replace(new=add(LAST_LINE, "    completed_on: 2099-01-01\n"))
    )
    run = sample("check")
    assert run.exit_code == 1 and run.lines[0].startswith(where), run.stdout
    assert f"after today ({date.today()})" in run.lines[0]


@pytest.mark.parametrize("kind", [Report, Resolution, Suggestion, Vote, Recommendation, Hearing, Question])
def test_the_history_of_any_year_record_is_walked(kind: type) -> None:
    """Year records get a `history` of their own: where a record has one, its days are acts."""
    with_history = create_model(
        f"{kind.__name__}WithHistory", __base__=kind, history=(list[HistoryEntry], [])
    )
    fields = {"date": date(2025, 12, 23)} if kind is Vote else {}  # the vote's own day, not an act here
    record = with_history.model_construct(
        id="2025-X1", history=[HistoryEntry(date=date(2026, 12, 1))], **fields
    )
    place: tuple[str | int, ...]
    if kind is Report:
        meta, place = YearMeta.model_construct(year=2025, audit_report=record), ("audit_report",)
    elif kind is Question:
        hearing = Hearing.model_construct(id="2025-H1", questions=[record])
        meta, place = YearMeta.model_construct(year=2025, hearings=[hearing]), ("hearings", 0, "questions", 0)
    else:
        key = {Resolution: "resolutions", Suggestion: "suggestions", Vote: "votes"}.get(kind)
        key = key or {Recommendation: "recommendations", Hearing: "hearings"}[kind]
        meta, place = YearMeta.model_construct(year=2025, **{key: [record]}), (key, 0)
    found = [(pointer, day) for pointer, _, day in year_acts(meta) if "history" in pointer]
    assert found == [((*place, "history", 0, "date"), date(2026, 12, 1))]


# --- refused at write time ------------------------------------------------------------------

EVALUATE = ["evaluate", "--year", "2025", "--target", "report", "--members", "40"]
EVALUATE += ["--satisfied", "30", "--basic", "5", "--unsatisfied", "5"]

REFUSED = {
    "update dated after today": (
        ["update", "2025-006", "--status", "已整改", "--measure", "已约谈", "--date", "2099-01-01"],
        "date-in-future: problem 2025-006: Completed on (`completed_on`) is 2099-01-01",
    ),
    "milestone done after today": (
        ["milestone", "2024-002", "--done", "2099-01-01"],
        "date-in-future: problem 2024-002: milestone",
    ),
    "tracking dated after today": (
        ["track", "2025-006", "--method", "site_visit", "--finding", "现场核查", "--date", "2099-01-01"],
        "date-in-future: problem 2025-006: tracking entry 1 is 2099-01-01",
    ),
    "closed before completion": (
        [
            "update",
            "2025-010",
            "--status",
            "已销号",
            "--evidence",
            "报告",
            "--by",
            "审计局",
            "--date",
            "2026-09-24",
        ],
        "closed-before-completion: problem 2025-010 is closed on 2026-09-24, before its rectification "
        "was completed (2026-09-25)",
    ),
    "hearing answer before the hearing": (
        ["hearing", "answer", "2025-H1/Q1", "--text", "已建立规则", "--date", "2026-11-09"],
        "answer-before-question: question 1 of hearing 2025-H1 is answered 2026-11-09",
    ),
    "hearing answer after today": (
        ["hearing", "answer", "2025-H1/Q1", "--text", "已建立规则", "--date", "2099-01-01"],
        "date-in-future: question 1 of hearing 2025-H1: Answered (`answered`) is 2099-01-01",
    ),
    "suggestion answered before received": (
        ["suggestion", "update", "2025-S2", "--answered", "2026-08-19"],
        "answer-before-question: suggestion 2025-S2 is answered 2026-08-19",
    ),
    "suggestion copied with no answer": (
        ["suggestion", "update", "2025-S2", "--copied", "2026-09-01"],
        "copy-before-answer: suggestion 2025-S2 is copied 2026-09-01 but has no answer date",
    ),
    "suggestion copied before answered": (
        ["suggestion", "update", "2025-S1", "--copied", "2026-09-29"],
        "copy-before-answer: suggestion 2025-S1 is copied 2026-09-29, before it was answered",
    ),
    "resolution reported before adoption": (
        ["resolution", "update", "2025-R1", "--reported", "2026-06-23"],
        "report-back-before-adoption: deliberation opinions 2025-R1 is reported back on 2026-06-23",
    ),
    "vote dated after today": (
        [*EVALUATE, "--date", "2099-01-01"],
        "date-in-future: vote 2025-V1: Date (`date`) is 2099-01-01",
    ),
    "vote sent before it was held": (
        [*EVALUATE, "--date", "2026-11-20", "--sent-to-party", "2026-11-19"],
        "follow-up-before-vote: vote 2025-V1 is sent to the party committee on 2026-11-19",
    ),
    "vote re-reported before it was held": (
        ["vote", "update", "2024-V2", "--rereported", "2025-12-22"],
        "follow-up-before-vote: vote 2024-V2 is re-reported on 2025-12-22",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_command_that_would_write_a_date_that_cannot_be_is_refused(name: str, sample: CLI) -> None:
    args, message = REFUSED[name]
    before = snapshot(sample.root)
    run = sample(*args)
    assert run.exit_code == 2, run.stdout + run.stderr
    assert "would make the ledger invalid, so nothing was written" in run.stderr
    assert message in run.stderr, run.stderr
    assert snapshot(sample.root) == before


ACCEPTED = [
    ["update", "2025-006", "--status", "已整改", "--measure", "已约谈", "--date", "2026-11-20"],
    ["hearing", "answer", "2025-H1/Q1", "--text", "已建立规则", "--date", "2026-11-10"],
    ["suggestion", "update", "2025-S2", "--answered", "2026-08-20", "--copied", "2026-08-20"],
    ["resolution", "update", "2025-R1", "--reported", "2026-06-24"],
    [
        "update",
        "2025-010",
        "--status",
        "已销号",
        "--evidence",
        "报告",
        "--by",
        "审计局",
        "--date",
        "2026-09-25",
    ],
    ["milestone", "2024-002", "--done", "2026-11-30"],
    ["track", "2025-006", "--method", "site_visit", "--finding", "现场核查", "--date", "2026-11-30"],
    ["vote", "update", "2024-V2", "--rereported", "2025-12-23"],
    [*EVALUATE, "--date", "2026-11-20", "--sent-to-party", "2026-11-20"],
]


@pytest.mark.parametrize("args", ACCEPTED, ids=lambda args: " ".join(args[:2]))
def test_the_same_commands_with_dates_that_can_be_are_written(args: list[str], sample: CLI) -> None:
    """The refusals above are for the dates alone: on the boundary days, the same commands write."""
    before = snapshot(sample.root)
    run = sample(*args)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert snapshot(sample.root) != before
    assert sample("check", "--as-of", AS_OF).exit_code == 0
