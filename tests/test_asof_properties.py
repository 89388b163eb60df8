"""Property tests of the as-of view (`asof`), as the issue asks: for random sequences of dated
changes that the workflow makes to random records, the view on every day equals the state built
by applying only the changes dated up to that day, and the view on any day after the last change
equals the present ledger.

The test keeps each record after each step (the "state built by applying only the changes dated
up to that day" is the one after the last step dated on or before the day) as JSON, taken before
anything is viewed, and compares it with the view of the present record on each day. Steps are
drawn as plain data (`Step`), so that Hypothesis prints a falsifying example one can replay.

The generated examples are bounded for CI; for a longer run:

    AUDITLEDGER_ASOF_RUNS=3000 python -m pytest tests/test_asof_properties.py
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from auditledger import asof, store, workflow
from auditledger.diagnostics import AuditLedgerError
from auditledger.model import (
    CauseLink,
    Hearing,
    Ledger,
    Located,
    Origin,
    Problem,
    ProblemFile,
    ProblemsFile,
    Recommendation,
    RecommendationStatus,
    RectificationType,
    RectifyMethod,
    Resolution,
    Settings,
    Status,
    Suggestion,
    TrackingMethod,
    Vote,
    YearMeta,
    acts_of,
    latest_of,
)
from auditledger.workflow import Update

Data = dict[str, Any]

# --- strategies ---------------------------------------------------------------------------

# A small pool, so that the same text is often added twice (undoing must take the right one).
words = st.sampled_from(["整改", "追缴资金", "制定制度", "a", "b: c", "#1", "问题 2"])
people = st.sampled_from(["张三", "李四", "审计局"])
first_days = st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31))
# Mostly the same day or a few days later, sometimes weeks: same-day steps and long gaps both.
gaps = st.one_of(st.just(0), st.integers(1, 3), st.integers(4, 45))
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
SETTINGS = Settings(name="示例市人大常委会预算工作委员会")


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def problems(draw: st.DrawFn, d0: date) -> Problem:
    """A valid problem that came into the ledger on `d0` (its `create` entry)."""
    year = d0.year - 1
    fields: Data = {
        "id": f"{year}-{draw(st.integers(1, 999)):03d}",
        "year": year,
        "title": "专项资金下达不及时",
        "unit": "czj",
        "type": draw(st.sampled_from([*RectificationType, RectificationType.phased])),
        "deadline": d0 + timedelta(days=draw(st.integers(0, 400))),
        "amount": draw(amounts),
        "status": draw(st.sampled_from([Status.not_started, Status.in_progress])),
        "history": [{"date": d0, "action": "create"}],
    }
    if draw(st.booleans()):
        fields["measures"] = draw(st.lists(words, min_size=1, max_size=2))
    if draw(st.booleans()):
        fields["evidence"] = draw(st.lists(words, min_size=1, max_size=2))
    if draw(st.booleans()):
        fields["rectified"] = draw(st.dictionaries(st.sampled_from(list(RectifyMethod)), amounts, max_size=2))
    if fields["type"] is not RectificationType.immediate:
        dues = draw(st.lists(st.integers(0, 300), max_size=2))
        fields["milestones"] = [{"due": d0 + timedelta(days=n), "text": f"第{n}天"} for n in sorted(dues)]
    if draw(st.booleans()):
        fields["case"] = {"reason": "典型", "chosen": d0}
    return Problem.model_validate(fields)


@st.composite
def years(draw: st.DrawFn, d0: date) -> YearMeta:
    """The problem's audit year, with a resolution, a suggestion, a vote, a recommendation and a
    hearing with questions, each adopted, received, taken, created or held on or before `d0`;
    each of its reports may be there (with no history: its dates are calendar facts) or not."""
    year = d0.year - 1

    def before() -> date:
        return d0 - timedelta(days=draw(st.integers(0, 20)))

    def report(title: str) -> Data | None:
        return draw(st.sampled_from([None, {"title": title, "heard_on": before()}]))

    created = draw(st.booleans())
    questions = [{"to": "czj", "text": f"问题{n}"} for n in range(1, draw(st.integers(1, 2)) + 1)]
    vote = {
        "date": before(),
        "target": "report",
        "members": 30,
        "satisfied": 20,
        "basic": 5,
        "unsatisfied": 2,
    }
    return YearMeta.model_validate(
        {
            "year": year,
            "audit_report": report("审计工作报告"),
            "rectification_report": report("整改情况报告"),
            "resolutions": [{"id": f"{year}-R1", "kind": "opinion", "adopted": before(), "text": "审议意见"}],
            "suggestions": [{"id": f"{year}-S1", "deputy": "王五", "text": "建议", "received": before()}],
            "votes": [{"id": f"{year}-V1", **workflow.vote(SETTINGS, vote, None)}],
            "recommendations": [
                {
                    "id": f"{year}-A1",
                    "text": "健全制度",
                    "history": [{"date": before(), "action": "create"}] if created else [],
                }
            ],
            "hearings": [{"id": f"{year}-H1", "date": before(), "kind": "inquiry", "questions": questions}],
        }
    )


@dataclass(frozen=True)
class Step:
    """One dated change: `gap` days after the previous step, of `kind`, with `args`."""

    gap: int
    kind: str
    args: Data


updates = st.builds(
    Update,
    status=optional(st.sampled_from(list(Status))),
    rectified_amount=optional(amounts),
    method=st.sampled_from(list(RectifyMethod)),
    measure=optional(words),
    rules=optional(st.integers(0, 5)),
    accountable=optional(st.integers(0, 5)),
    evidence=optional(words),
    reason=optional(st.sampled_from(["普遍存在", "资金规模大", "未到位"])),
    next_steps=optional(words),
    prominent=optional(st.booleans()),
    recurring_from=st.lists(st.sampled_from(["2019-001", "2019-002"]), max_size=2).map(tuple),
    tags=st.lists(st.sampled_from(["public_concern", "budget_focus"]), max_size=2).map(tuple),
    counterpart=optional(
        st.tuples(st.sampled_from(["东山区", "西山区"]), st.sampled_from(["2023-1", "2023-2"]))
    ),
    budget_department=optional(st.sampled_from(["czj", "jyj"])),
    budget_items=st.lists(st.sampled_from(["201.01", "205.02"]), max_size=2).map(tuple),
)

# Each kind of step and what it needs. `back` dates a record's own date (a tracking check, an
# answer, a report back) that many days before the step that records it, never after: so does
# the CLI, which dates the change by the latest date it sets.
KINDS: dict[str, st.SearchStrategy[Data]] = {
    "update": st.fixed_dictionaries({"request": updates, "by": optional(people), "note": optional(words)}),
    # an update likely to finish the rectification, and one that reopens it
    "complete": st.fixed_dictionaries(
        {
            "request": st.builds(
                Update,
                status=st.sampled_from([Status.rectified, Status.closed]),
                measure=words,
                evidence=words,
                rectified_amount=optional(amounts),
                method=st.sampled_from(list(RectifyMethod)),
            ),
            "by": people,
            "note": st.none(),
        }
    ),
    "reopen": st.fixed_dictionaries(
        {
            "request": st.builds(
                Update,
                status=st.sampled_from(list(Status)[:4]),
                reason=st.sampled_from(["复核未到位", "资金未追回"]),
            ),
            "by": optional(people),
            "note": optional(words),
        }
    ),
    "extend": st.fixed_dictionaries({"days": st.integers(-10, 200), "reason": words, "approved_by": people}),
    "add_milestone": st.fixed_dictionaries({"due": st.integers(-30, 300), "text": words}),
    "finish_milestone": st.fixed_dictionaries({"number": optional(st.integers(1, 4))}),
    "disclose": st.fixed_dictionaries({"where": st.sampled_from(["市人大网站", "政府网站"])}),
    "choose_case": st.fixed_dictionaries({"reason": words}),
    "note_case": st.fixed_dictionaries(
        {
            "findings": optional(words),
            "conclusions": optional(words),
            "proposals": optional(words),
            "causes": st.lists(st.sampled_from(list(CauseLink)[:3]), max_size=2),
            "methods": st.lists(st.sampled_from(list(TrackingMethod)[:3]), max_size=2),
        }
    ),
    "track": st.fixed_dictionaries(
        {"back": st.integers(0, 30), "method": st.sampled_from(list(TrackingMethod)), "finding": words}
    ),
    "update_year_record": st.fixed_dictionaries(
        {
            "letter": st.sampled_from("RSAV"),
            "pick": st.integers(0, 3),
            "back": st.integers(0, 10),
            "which": st.integers(0, 7),  # which of the record's dated fields it sets (bits)
            "response": words,
            "status": st.sampled_from(list(RecommendationStatus)),
        }
    ),
    "answer_question": st.fixed_dictionaries(
        {"pick": st.integers(0, 3), "number": st.integers(1, 2), "text": words}
    ),
    "disclose_report": st.fixed_dictionaries(
        {
            "name": st.sampled_from(["audit_report", "rectification_report"]),
            "where": st.sampled_from(["市人大网站", "政府网站"]),
        }
    ),
    "add_year_record": st.fixed_dictionaries({"letter": st.sampled_from("RSAVH"), "text": words}),
}

# Updates are drawn more often than the rest (most steps of a problem's life are updates), and
# the steps often refused come first (Hypothesis draws the first of a list more often).
ORDER = ["finish_milestone", "note_case", "update_year_record", "disclose", "answer_question"]
ORDER += [*(k for k in sorted(KINDS) if k not in ORDER), "update", "complete"]
steps = st.sampled_from(ORDER).flatmap(
    lambda kind: st.builds(Step, gap=gaps, kind=st.just(kind), args=KINDS[kind])
)

# The dated fields `update_year_record` sets, by the record's letter, and the records' lists.
DATED = {
    "R": ("reported",),
    "S": ("answered", "copied"),
    "A": ("responded",),
    "V": ("sent_to_party", "copied_to_government", "rereported"),
}
LIST = {"R": "resolutions", "S": "suggestions", "A": "recommendations", "V": "votes"}


# --- applying the steps -------------------------------------------------------------------


def apply(problem: Problem, meta: YearMeta, step: Step, on: date) -> tuple[Problem, YearMeta]:
    """The problem and the year after `step`, dated `on`; refused steps raise AuditLedgerError."""
    a = step.args
    match step.kind:
        case "update" | "complete" | "reopen":
            return workflow.update(problem, a["request"], on, a["by"], a["note"]), meta
        case "extend":
            to = problem.deadline + timedelta(days=a["days"])
            return workflow.extend(problem, to, a["reason"], a["approved_by"], on), meta
        case "add_milestone":
            return workflow.add_milestone(problem, on + timedelta(days=a["due"]), a["text"], on, None), meta
        case "finish_milestone":
            return workflow.finish_milestone(problem, on, a["number"], None), meta
        case "disclose":
            return workflow.disclose(problem, on, a["where"]), meta
        case "choose_case":
            return workflow.choose_case(problem, a["reason"], on), meta
        case "note_case":
            fields = {k: a[k] for k in ("findings", "conclusions", "proposals", "causes", "methods")}
            return workflow.note_case(problem, fields, on), meta
        case "track":
            entry = {"date": on - timedelta(days=a["back"]), "method": a["method"], "finding": a["finding"]}
            return workflow.track(problem, entry), meta
        case "update_year_record":
            records = getattr(meta, LIST[a["letter"]])
            ident = records[a["pick"] % len(records)].id
            # each date a year record's update sets is an event of that day in its history; here
            # the step's day (changes reported late are tested by example in test_time.py)
            fields = {name: on for bit, name in enumerate(DATED[a["letter"]]) if a["which"] >> bit & 1}
            if a["letter"] == "A":
                fields = {**fields, "response": a["response"], "status": a["status"]}
            return problem, workflow.update_year_record(meta, ident, fields, on)
        case "answer_question":
            hearing = meta.hearings[a["pick"] % len(meta.hearings)]
            return problem, workflow.answer_question(meta, hearing.id, a["number"], a["text"], on)
        case "disclose_report":
            return problem, workflow.disclose_report(meta, a["name"], on, a["where"])
        case "add_year_record":
            return problem, added(meta, a["letter"], a["text"], on)
    raise AssertionError(step.kind)


def added(meta: YearMeta, letter: str, text: str, on: date) -> YearMeta:
    """The year with a new record of that day: adopted, received, taken or held on it, or (a
    recommendation, with no date of its own) created on it."""
    match letter:
        case "R":
            return workflow.add_year_record(
                meta, "R", {"kind": "resolution", "adopted": on, "text": text}, Resolution
            )[0]
        case "S":
            fields = {"deputy": "赵六", "text": text, "received": on}
            return workflow.add_year_record(meta, "S", fields, Suggestion)[0]
        case "V":
            fields = {
                "date": on,
                "target": "czj",
                "members": 30,
                "satisfied": 10,
                "basic": 2,
                "unsatisfied": 15,
            }
            return workflow.add_year_record(meta, "V", workflow.vote(SETTINGS, fields, None), Vote)[0]
        case "H":
            fields = {"date": on, "kind": "unit", "questions": [{"to": "czj", "text": text}]}
            return workflow.add_year_record(meta, "H", fields, Hearing)[0]
    return workflow.add_year_record(meta, "A", {"text": text}, Recommendation, on)[0]


@dataclass(frozen=True)
class State:
    """The records after a step, with the step's date, and their JSON taken right then."""

    day: date
    problem: Problem
    meta: YearMeta
    problem_json: Data
    meta_json: Data


@dataclass(frozen=True)
class Timeline:
    """The records after each step that was not refused; the first state is the records as the
    problem came into the ledger (its `create` day)."""

    states: list[State]

    @property
    def present(self) -> State:
        return self.states[-1]

    @property
    def first(self) -> date:
        return self.states[0].day

    @property
    def last(self) -> date:
        return self.states[-1].day

    def on(self, day: date) -> State | None:
        """The state after the last step dated on or before `day`; None before the first."""
        found = [state for state in self.states if state.day <= day]
        return found[-1] if found else None


def state(day: date, problem: Problem, meta: YearMeta) -> State:
    return State(day, problem, meta, problem.model_dump(mode="json"), meta.model_dump(mode="json"))


def run(problem: Problem, meta: YearMeta, d0: date, plan: list[Step]) -> Timeline:
    states = [state(d0, problem, meta)]
    on = d0
    for step in plan:
        on += timedelta(days=step.gap)
        try:
            problem, meta = apply(problem, meta, step, on)
        except AuditLedgerError:
            continue  # a refused step (a transition the rules refuse): nothing changed
        states.append(state(on, problem, meta))
    return Timeline(states)


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    d0 = draw(first_days)
    return run(draw(problems(d0)), draw(years(d0)), d0, draw(st.lists(steps, min_size=3, max_size=30)))


# --- what the view should be --------------------------------------------------------------


def expected_problem(timeline: Timeline, day: date) -> Data | None:
    """The problem after the steps dated up to `day`, None before it came in, with the tracking
    records dated up to the day: those are dated records, not history, and count from their own
    date (a check recorded later may be dated earlier)."""
    found = timeline.on(day)
    if found is None:
        return None
    data = copy.deepcopy(found.problem_json)
    tracking = timeline.present.problem_json["tracking"]
    data["tracking"] = [t for t in tracking if t["date"] <= day.isoformat()]
    assert all(entry["date"] <= day.isoformat() for entry in data["history"])
    return data


def expected_year(timeline: Timeline, day: date) -> Data:
    """The year after the steps dated up to `day` (as first drawn, before the first step), with
    the resolutions adopted, suggestions received, votes taken, hearings held and
    recommendations created by then."""
    data = copy.deepcopy((timeline.on(day) or timeline.states[0]).meta_json)
    by = day.isoformat()
    data["resolutions"] = [r for r in data["resolutions"] if r["adopted"] <= by]
    data["suggestions"] = [s for s in data["suggestions"] if s["received"] <= by]
    data["votes"] = [v for v in data["votes"] if v["date"] <= by]
    data["hearings"] = [h for h in data["hearings"] if h["date"] <= by]
    data["recommendations"] = [
        r
        for r in data["recommendations"]
        if not any(e["action"] == "create" and e["date"] > by for e in r["history"])
    ]
    return data


def dates_in(value: Any) -> set[date]:
    """Every ISO date written anywhere in JSON data."""
    if isinstance(value, dict):
        return {d for v in value.values() for d in dates_in(v)}
    if isinstance(value, list):
        return {d for v in value for d in dates_in(v)}
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            return {date.fromisoformat(value)}
        except ValueError:
            return set()
    return set()


def days_to_check(timeline: Timeline) -> list[date]:
    """Every day from two days before the problem came in to two days after the last step, when
    that is a few months; else the day before, the day itself and the day after each date the
    records hold. The view can change only on a date the records hold, so that still covers every
    different view (and a mistake by one day around each)."""
    first, last = timeline.first - timedelta(days=2), timeline.last + timedelta(days=2)
    if (last - first).days <= 120:
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    held = dates_in(timeline.present.problem_json) | dates_in(timeline.present.meta_json) | {first, last}
    return sorted({d + timedelta(days=k) for d in held for k in (-1, 0, 1)})


def ledger_of(problem: Problem, meta: YearMeta) -> Ledger:
    root = Path("/ledger")
    path = root / str(problem.year) / "czj.yaml"
    return Ledger(
        root,
        SETTINGS,
        Origin(root / "auditledger.yaml"),
        year_entries=[Located(meta, Origin(root / str(meta.year) / "_year.yaml"))],
        problem_files=[ProblemFile(path, [Located(problem, Origin(path, ("problems", 0)))])],
    )


def read_back(problem: Problem, meta: YearMeta) -> tuple[Problem, YearMeta]:
    """The records written to their files and read back, as a later run of the CLI has them."""
    records = []
    for path, model, data in (
        (Path(f"{problem.year}/czj.yaml"), ProblemsFile, ProblemsFile(problems=[problem])),
        (Path(f"{meta.year}/_year.yaml"), YearMeta, meta),
    ):
        parsed, diagnostics = store.parse(path, store.Document.new(path, [], data).dumps())
        assert diagnostics == []
        records.append(model.model_validate(parsed))
    return records[0].problems[0], records[1]  # type: ignore[attr-defined]


def assert_views(timeline: Timeline, problem: Problem, meta: YearMeta) -> None:
    """The view of `problem` and `meta` (the present records) on each day is what they were then,
    and viewing them changes neither."""
    problem_json, meta_json = problem.model_dump(mode="json"), meta.model_dump(mode="json")
    for day in days_to_check(timeline):
        seen = asof.problem_on(problem, day)
        assert (None if seen is None else seen.model_dump(mode="json")) == expected_problem(timeline, day), (
            day
        )
        assert asof.year_on(meta, day).model_dump(mode="json") == expected_year(timeline, day), day
        assert problem.model_dump(mode="json") == problem_json, f"viewing it on {day} changed the problem"
        assert meta.model_dump(mode="json") == meta_json, f"viewing it on {day} changed the year"


# --- the properties -----------------------------------------------------------------------

RUNS = int(os.environ.get("AUDITLEDGER_ASOF_RUNS", "150"))
# One counterexample per test, shrunk without the explain phase: a failing run stays short.
TIMELINES = settings(
    max_examples=RUNS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    report_multiple_bugs=False,
    phases=[phase for phase in Phase if phase is not Phase.explain],
)
FEWER = settings(TIMELINES, max_examples=max(RUNS // 3, 1))


@TIMELINES
@given(timelines())
def test_the_view_on_each_day_is_the_record_after_the_changes_dated_up_to_it(timeline: Timeline) -> None:
    assert_views(timeline, timeline.present.problem, timeline.present.meta)


@FEWER
@given(timelines())
def test_the_view_of_records_read_back_from_their_files_is_the_same(timeline: Timeline) -> None:
    """What the history records survives the YAML files: a later run rebuilds the same past."""
    assert_views(timeline, *read_back(timeline.present.problem, timeline.present.meta))


@TIMELINES
@given(timelines(), st.integers(0, 3000))
def test_the_view_after_the_last_change_is_the_present_record(timeline: Timeline, later: int) -> None:
    problem, meta = timeline.present.problem, timeline.present.meta
    day = timeline.last + timedelta(days=later)
    assert asof.problem_on(problem, day) == problem
    assert asof.year_on(meta, day) == meta
    ledger = ledger_of(problem, meta)
    view = asof.ledger_on(ledger, day)
    assert view.problems == [problem]
    assert view.years == {meta.year: meta}
    assert asof.digest_of(view) == asof.digest_of(ledger)


@FEWER
@given(timelines())
def test_the_ledger_on_a_day_has_the_digest_of_the_ledger_as_it_then_stood(timeline: Timeline) -> None:
    """`ledger_on` (what every report reads) agrees with the records viewed one by one, and the
    ledger as it stood on a day has the same digest before and after the changes dated later."""
    present = ledger_of(timeline.present.problem, timeline.present.meta)
    for day in [timeline.first - timedelta(days=1), *(s.day for s in timeline.states)]:
        view = asof.ledger_on(present, day)
        want = expected_problem(timeline, day)
        assert [p.model_dump(mode="json") for p in view.problems] == ([] if want is None else [want])
        assert [m.model_dump(mode="json") for m in view.years.values()] == [expected_year(timeline, day)]
        then = timeline.on(day) or timeline.states[0]
        problem = then.problem if want is None else Problem.model_validate(want)
        stood = asof.ledger_on(ledger_of(problem, then.meta), day)
        assert asof.digest_of(view) == asof.digest_of(stood), day


# --- the counterexamples found, as plain examples ------------------------------------------

D = date(2021, 1, 1)


def test_viewing_an_earlier_day_does_not_change_the_record() -> None:
    """A milestone done, then one added that sorts before it (the whole list is recorded): taking
    the problem back before both must not write the older list into the newer entry."""
    problem = Problem.model_validate(
        {
            "id": "2020-001",
            "year": 2020,
            "title": "专项资金下达不及时",
            "unit": "czj",
            "type": "phased",
            "deadline": "2021-06-30",
            "milestones": [{"due": "2021-01-04", "text": "M1"}],
            "history": [{"date": D, "action": "create"}],
        }
    )
    problem = workflow.finish_milestone(problem, D + timedelta(days=1), 1, None)
    problem = workflow.add_milestone(problem, D + timedelta(days=2), "M2", D + timedelta(days=4), None)
    before = problem.model_dump(mode="json")
    on_the_first = asof.problem_on(problem, D)
    assert on_the_first is not None
    assert [m.done for m in on_the_first.milestones] == [None]
    assert problem.model_dump(mode="json") == before
    on_the_second = asof.problem_on(problem, D + timedelta(days=1))
    assert on_the_second is not None
    assert [m.done for m in on_the_second.milestones] == [D + timedelta(days=1)]


def test_a_report_first_published_was_not_there_before() -> None:
    """`disclose_report` on a year with no such report makes one; the day before, there was none."""
    meta = YearMeta(year=2020)
    published = workflow.disclose_report(meta, "audit_report", D, "市人大网站")
    assert asof.year_on(published, D - timedelta(days=1)).audit_report is None
    assert asof.digest_of(asof.ledger_on(ledger_with(published), D - timedelta(days=1))) == asof.digest_of(
        ledger_with(meta)
    )


def ledger_with(meta: YearMeta) -> Ledger:
    root = Path("/ledger")
    return Ledger(
        root, SETTINGS, Origin(root / "auditledger.yaml"), [], [Located(meta, Origin(root / "_year.yaml"))]
    )


@FEWER
@given(timelines())
def test_the_latest_day_is_the_latest_act(timeline: Timeline) -> None:
    """`latest_of` (the cache's part) names the day of the latest of `acts_of`, without their words."""
    for state in timeline.states:
        acts = [day for _at, _what, day in acts_of(state.problem)]
        assert latest_of(state.problem) == max(acts, default=date.min)
