"""Property tests of the as-of view (`asof`), as the issue asks: for random sequences of dated
changes that the workflow makes to random records, the view on every day equals the state built
by applying only the changes dated up to that day, and the view on any day after the last change
equals the present ledger.

The test keeps the record after each step (the "state built by applying only the changes dated up
to that day" is the one after the last step dated on or before the day) and compares it with the
view of the present record on each day. Steps are drawn as plain data (`Step`), so that Hypothesis
prints a falsifying example that can be replayed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditledger import asof, workflow
from auditledger.diagnostics import AuditLedgerError
from auditledger.model import (
    CauseLink,
    Ledger,
    Located,
    Origin,
    Problem,
    ProblemFile,
    RecommendationStatus,
    Recommendation,
    RectificationType,
    RectifyMethod,
    Resolution,
    Settings,
    Status,
    TrackingMethod,
    YearMeta,
)
from auditledger.workflow import Update

# --- strategies ---------------------------------------------------------------------------

# A small pool, so that the same text is often added twice (undoing must take the right one).
words = st.sampled_from(["整改", "追缴资金", "制定制度", "a", "b: c", "#1", "问题 2"])
people = st.sampled_from(["张三", "李四", "审计局"])
first_days = st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31))
# Mostly the same day or a few days later, sometimes weeks: same-day steps and long gaps both.
gaps = st.one_of(st.just(0), st.integers(1, 3), st.integers(4, 45))
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)


@dataclass(frozen=True)
class Step:
    """One dated change: `gap` days after the previous step, of `kind`, with `args`."""

    gap: int
    kind: str
    args: dict[str, Any]


@st.composite
def problems(draw: st.DrawFn, d0: date) -> Problem:
    """A valid problem that came into the ledger on `d0`."""
    year = d0.year - 1
    fields: dict[str, Any] = {
        "id": f"{year}-{draw(st.integers(1, 999)):03d}",
        "year": year,
        "title": "专项资金下达不及时",
        "unit": "czj",
        "type": draw(st.sampled_from(list(RectificationType))),
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
    return Problem.model_validate(fields)


@st.composite
def years(draw: st.DrawFn, d0: date) -> YearMeta:
    """The problem's audit year, with a resolution, a suggestion, a vote, a recommendation and a
    hearing with questions, each dated (adopted, received, taken, created, held) on or before
    `d0`; its reports may be there or not."""
    year = d0.year - 1

    def before() -> date:
        return d0 - timedelta(days=draw(st.integers(0, 20)))

    def report(title: str) -> dict[str, Any] | None:
        return draw(st.sampled_from([None, {"title": title, "heard_on": before()}]))

    created = draw(st.booleans())
    return YearMeta.model_validate(
        {
            "year": year,
            "audit_report": report("审计工作报告"),
            "rectification_report": report("整改情况报告"),
            "resolutions": [
                {"id": f"{year}-R1", "kind": "opinion", "adopted": before(), "text": "审议意见"}
            ],
            "suggestions": [{"id": f"{year}-S1", "deputy": "王五", "text": "建议", "received": before()}],
            "votes": [
                {
                    "id": f"{year}-V1",
                    "date": before(),
                    "target": "report",
                    "members": 30,
                    "satisfied": 20,
                    "basic": 5,
                    "unsatisfied": 2,
                    "result": "satisfied",
                }
            ],
            "recommendations": [
                {
                    "id": f"{year}-A1",
                    "text": "健全制度",
                    "history": [{"date": before(), "action": "create"}] if created else [],
                }
            ],
            "hearings": [
                {
                    "id": f"{year}-H1",
                    "date": before(),
                    "kind": "inquiry",
                    "questions": [
                        {"to": "czj", "text": f"问题{n}"} for n in range(1, draw(st.integers(1, 2)) + 1)
                    ],
                }
            ],
        }
    )


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


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
    tags=st.lists(st.sampled_from(["public_concern", "budget_focus"]), max_size=2).map(tuple),
    counterpart=optional(st.tuples(st.sampled_from(["东山区", "西山区"]), st.sampled_from(["2023-1", "2023-2"]))),
)

# Each kind of step and what it needs; `back` dates a record's own date (an answer, a report
# back) that many days before the step that records it, never after (as the CLI does).
KINDS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "update": st.fixed_dictionaries({"request": updates, "by": optional(people), "note": optional(words)}),
    "extend": st.fixed_dictionaries(
        {"days": st.integers(-10, 200), "reason": words, "approved_by": people}
    ),
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
            "which": st.integers(0, 7),  # which of the record's dated fields (bits)
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
    "add_year_record": st.fixed_dictionaries({"letter": st.sampled_from("RA"), "text": words}),
}

steps = st.sampled_from(sorted(KINDS)).flatmap(
    lambda kind: st.builds(Step, gap=gaps, kind=st.just(kind), args=KINDS[kind])
)

# The dated fields `update_year_record` sets, by the record's letter.
DATED = {
    "R": ("reported",),
    "S": ("answered", "copied"),
    "A": ("responded",),
    "V": ("sent_to_party", "copied_to_government", "rereported"),
}
LIST = {"R": "resolutions", "S": "suggestions", "A": "recommendations", "V": "votes"}


# --- applying a step ----------------------------------------------------------------------


def apply(problem: Problem, meta: YearMeta, step: Step, on: date) -> tuple[Problem, YearMeta]:
    """The problem and the year after `step`, dated `on`; refused steps raise AuditLedgerError."""
    a = step.args
    match step.kind:
        case "update":
            return workflow.update(problem, a["request"], on, a["by"], a["note"]), meta
        case "extend":
            to = problem.deadline + timedelta(days=a["days"])
            return workflow.extend(problem, to, a["reason"], a["approved_by"], on), meta
        case "add_milestone":
            due = on + timedelta(days=a["due"])
            return workflow.add_milestone(problem, due, a["text"], on, None), meta
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
            record = records[a["pick"] % len(records)]
            own = on - timedelta(days=a["back"])
            names = DATED[a["letter"]]
            fields: dict[str, Any] = {n: own for i, n in enumerate(names) if a["which"] >> i & 1}
            if a["letter"] == "A":
                fields = {**fields, "response": a["response"], "status": a["status"]}
            return problem, workflow.update_year_record(meta, record.id, fields, on)
        case "answer_question":
            hearing = meta.hearings[a["pick"] % len(meta.hearings)]
            return problem, workflow.answer_question(meta, hearing.id, a["number"], a["text"], on)
        case "disclose_report":
            return problem, workflow.disclose_report(meta, a["name"], on, a["where"])
        case "add_year_record":
            if a["letter"] == "R":
                fields = {"kind": "resolution", "adopted": on, "text": a["text"]}
                return problem, workflow.add_year_record(meta, "R", fields, Resolution)[0]
            return problem, workflow.add_year_record(meta, "A", {"text": a["text"]}, Recommendation, on)[0]
    raise AssertionError(step.kind)


@dataclass(frozen=True)
class Timeline:
    """The records as they stood after each step that was not refused, with its date; the
    first is the records as they came into the ledger (the problem on `d0`)."""

    states: list[tuple[date, Problem, YearMeta]]

    @property
    def present(self) -> tuple[Problem, YearMeta]:
        return self.states[-1][1], self.states[-1][2]

    @property
    def last(self) -> date:
        return self.states[-1][0]

    def on(self, day: date) -> tuple[Problem | None, YearMeta]:
        """The records after the last step dated on or before `day` (no problem before `d0`)."""
        found = [(p, m) for d, p, m in self.states if d <= day]
        if not found:
            return None, self.states[0][2]
        return found[-1]


def run(problem: Problem, meta: YearMeta, d0: date, plan: list[Step]) -> Timeline:
    states = [(d0, problem, meta)]
    on = d0
    for step in plan:
        on += timedelta(days=step.gap)
        try:
            problem, meta = apply(problem, meta, step, on)
        except AuditLedgerError:
            continue  # a refused transition: the records stay as they were
        states.append((on, problem, meta))
    return Timeline(states)


# --- what the view should be --------------------------------------------------------------


def expected_problem(timeline: Timeline, day: date) -> dict[str, Any] | None:
    """The problem after the steps dated up to `day`, with the tracking records dated up to it
    (tracking records may be dated before the step that adds them: they are dated records, not
    history, and count from their own date)."""
    problem, _ = timeline.on(day)
    if problem is None:
        return None
    present, _ = timeline.present
    data = problem.model_dump(mode="json")
    data["tracking"] = [t.model_dump(mode="json") for t in present.tracking if t.date <= day]
    assert all(entry["date"] <= day.isoformat() for entry in data["history"])
    return data


def expected_year(timeline: Timeline, day: date) -> dict[str, Any]:
    """The year after the steps dated up to `day`, with the resolutions adopted, suggestions
    received, votes taken, hearings held and recommendations created by then."""
    _, meta = timeline.on(day)
    held = meta.model_copy(
        update={
            "resolutions": [r for r in meta.resolutions if r.adopted <= day],
            "suggestions": [s for s in meta.suggestions if s.received <= day],
            "votes": [v for v in meta.votes if v.date <= day],
            "hearings": [h for h in meta.hearings if h.date <= day],
            "recommendations": [
                r
                for r in meta.recommendations
                if not any(e.action == "create" and e.date > day for e in r.history)
            ],
        }
    )
    return held.model_dump(mode="json")


def dates_in(value: Any) -> set[date]:
    """Every ISO date written anywhere in JSON data."""
    if isinstance(value, dict):
        return {d for v in value.values() for d in dates_in(v)}
    if isinstance(value, list):
        return {d for v in value for d in dates_in(v)}
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return {date.fromisoformat(value)}
        except ValueError:
            return set()
    return set()


def days_to_check(timeline: Timeline) -> list[date]:
    """Every day from two days before the problem came in to two days after the last step when
    that is short; else, around every date the records hold, the day before, the day itself and
    the day after. The view can change only on a date the records hold, so the second covers
    every different view too (and off-by-one mistakes around each)."""
    first, last = timeline.states[0][0] - timedelta(days=2), timeline.last + timedelta(days=2)
    if (last - first).days <= 120:
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    problem, meta = timeline.present
    around = dates_in(problem.model_dump(mode="json")) | dates_in(meta.model_dump(mode="json"))
    around |= {first, last}
    return sorted({d + timedelta(days=k) for d in around for k in (-1, 0, 1)})


def ledger_of(problem: Problem, meta: YearMeta) -> Ledger:
    root = Path("/ledger")
    return Ledger(
        root,
        Settings(name="示例市人大常委会预算工作委员会"),
        Origin(root / "auditledger.yaml"),
        year_entries=[Located(meta, Origin(root / str(meta.year) / "_year.yaml"))],
        problem_files=[
            ProblemFile(
                root / str(problem.year) / "czj.yaml",
                [Located(problem, Origin(root / str(problem.year) / "czj.yaml", ("problems", 0)))],
            )
        ],
    )


# --- the properties -----------------------------------------------------------------------

TIMELINES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    d0 = draw(first_days)
    return run(draw(problems(d0)), draw(years(d0)), d0, draw(st.lists(steps, max_size=25)))


@TIMELINES
@given(timelines())
def test_the_view_on_each_day_is_the_record_after_the_changes_dated_up_to_it(timeline: Timeline) -> None:
    problem, meta = timeline.present
    for day in days_to_check(timeline):
        seen = asof.problem_on(problem, day)
        want = expected_problem(timeline, day)
        assert (None if seen is None else seen.model_dump(mode="json")) == want, day
        assert asof.year_on(meta, day).model_dump(mode="json") == expected_year(timeline, day), day


@TIMELINES
@given(timelines(), st.integers(0, 3000))
def test_the_view_after_the_last_change_is_the_present_record(timeline: Timeline, later: int) -> None:
    problem, meta = timeline.present
    day = timeline.last + timedelta(days=later)
    assert asof.problem_on(problem, day) == problem
    assert asof.year_on(meta, day) == meta
    ledger = ledger_of(problem, meta)
    view = asof.ledger_on(ledger, day)
    assert view.problems == [problem]
    assert view.years == {meta.year: meta}
    assert asof.digest_of(view) == asof.digest_of(ledger)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines())
def test_the_ledger_on_a_day_has_the_digest_of_the_ledger_as_it_then_stood(timeline: Timeline) -> None:
    """`ledger_on` (what every report reads) agrees with the records viewed one by one, and the
    ledger as it stood on a day has the same digest before and after the changes dated later."""
    present = ledger_of(*timeline.present)
    for day, _, meta in timeline.states:
        view = asof.ledger_on(present, day)
        want = expected_problem(timeline, day)
        assert want is not None
        assert [p.model_dump(mode="json") for p in view.problems] == [want]
        assert view.years[meta.year].model_dump(mode="json") == expected_year(timeline, day)
        then = asof.ledger_on(ledger_of(Problem.model_validate(want), timeline.on(day)[1]), day)
        assert asof.digest_of(view) == asof.digest_of(then), day
    before = asof.ledger_on(present, timeline.states[0][0] - timedelta(days=1))
    assert before.problems == []
