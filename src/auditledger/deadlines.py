"""Everything that depends on a date: what is overdue or due soon as of a day, and the vote rule.

Pure functions of the ledger and an explicit `as_of` date. May import: model.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import NamedTuple

from auditledger.model import Ledger, Settings, VoteResult


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day
    (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Level(str, Enum):
    overdue = "overdue"
    due_soon = "due_soon"


class Kind(str, Enum):
    problem = "problem"
    milestone = "milestone"
    resolution = "resolution"
    opinion = "opinion"
    suggestion = "suggestion"
    vote = "vote"
    question = "question"
    disclosure = "disclosure"


class Due(NamedTuple):
    """One thing that is overdue or due soon. (A named tuple: at 50,000 problems there are
    55,000 of them, and a frozen dataclass took three times as long to make.)"""

    kind: Kind
    id: str
    year: int
    unit: str | None
    due: date
    days_overdue: int
    """Days past due; 0 on the day it is due, negative while it is still ahead."""
    level: Level
    what: str
    """The record's own words: a problem's title, a resolution's text, a deputy and suggestion;
    for a vote, the day it was taken."""
    reason: str | None = None
    """For rows not about the record's own deadline: `not_copied` (an answer to a deputy not
    copied to the budget working committee) or `rereport` (after a 不满意 vote)."""

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "id": self.id,
            "year": self.year,
            "unit": self.unit,
            "due": self.due.isoformat(),
            "days_overdue": self.days_overdue,
            "level": self.level.value,
            "what": self.what,
            "reason": self.reason,
        }


def watch(ledger: Ledger, as_of: date, within: int | None = None) -> list[Due]:
    """Everything overdue or due within `within` days as of `as_of`, most overdue first
    within each unit; units in id order, things without a unit last."""
    window = ledger.settings.due_soon_days if within is None else within
    found: list[Due] = []

    # Due on or before the horizon: due soon, or overdue. (A window beyond the calendar: all.)
    horizon = as_of + timedelta(days=min(window, (date.max - as_of).days))

    def add(
        kind: Kind, ident: str, year: int, unit: str | None, due: date, what: str, reason: str | None = None
    ) -> None:
        if due <= horizon:
            late = (as_of - due).days
            level = Level.overdue if late > 0 else Level.due_soon
            found.append(Due(kind, ident, year, unit, due, late, level, what, reason))

    settings = ledger.settings
    disclosure = timedelta(days=settings.disclosure_days)
    # A province's 100,000 problems: the common case, an open problem's deadline, is written out,
    # compared as ISO text; its date and lateness are worked out once per distinct day.
    overdue, due_soon, problem, keep = Level.overdue, Level.due_soon, Kind.problem, found.append
    last = horizon.isoformat()
    days = _Days(as_of)
    for ident, year, lead, title, finished, deadline, completed_on, published, milestones in ledger.dates():
        if finished:
            if completed_on is not None and not published:
                add(Kind.disclosure, ident, year, lead, days[completed_on][0] + disclosure, title)
            continue
        if deadline <= last:
            day, late = days[deadline]
            keep(Due(problem, ident, year, lead, day, late, overdue if late > 0 else due_soon, title, None))
        for number, due, text in milestones:
            if due <= last:
                add(Kind.milestone, f"{ident}/M{number}", year, lead, days[due][0], text)
    for meta in ledger.years.values():
        for name, report in (
            ("audit_report", meta.audit_report),
            ("rectification_report", meta.rectification_report),
        ):
            if report is not None and report.heard_on is not None and report.disclosure is None:
                add(
                    Kind.disclosure,
                    f"{meta.year}/{name}",
                    meta.year,
                    None,
                    report.heard_on + timedelta(days=settings.disclosure_days),
                    report.title or name,
                )
        for hearing in meta.hearings:
            for number, question in enumerate(hearing.questions, start=1):
                if question.due is not None and question.answered is None:
                    add(
                        Kind.question,
                        f"{hearing.id}/Q{number}",
                        meta.year,
                        question.to,
                        question.due,
                        question.text,
                    )
        for resolution in meta.resolutions:
            if resolution.reported is None:
                add(
                    Kind(resolution.kind.value),
                    resolution.id,
                    meta.year,
                    _unit_of(ledger, resolution.problems),
                    add_months(resolution.adopted, settings.report_back_months),
                    resolution.text,
                )
        for suggestion in meta.suggestions:
            unit = _unit_of(ledger, suggestion.problems)
            if suggestion.answered is None:
                add(
                    Kind.suggestion,
                    suggestion.id,
                    meta.year,
                    unit,
                    add_months(suggestion.received, settings.suggestion_months),
                    f"{suggestion.deputy}: {suggestion.text}",
                )
            elif suggestion.copied is None:
                add(
                    Kind.suggestion,
                    suggestion.id,
                    meta.year,
                    unit,
                    suggestion.answered,
                    f"{suggestion.deputy}: {suggestion.text}",
                    "not_copied",
                )
        for vote in meta.votes:
            if vote.result is VoteResult.unsatisfied and vote.rereported is None and vote.rereport_due:
                add(
                    Kind.vote,
                    vote.id,
                    meta.year,
                    None if vote.target == "report" else vote.target,
                    vote.rereport_due,
                    vote.date.isoformat(),
                    "rereport",
                )
    return _in_order(found)


class _Days(dict[str, tuple[date, int]]):
    """ISO day → (the day, days it is past `as_of`): a ledger's deadlines share few days."""

    def __init__(self, as_of: date) -> None:
        super().__init__()
        self.as_of = as_of

    def __missing__(self, text: str) -> tuple[date, int]:
        day = date.fromisoformat(text)
        self[text] = found = (day, (self.as_of - day).days)
        return found


def _in_order(found: list[Due]) -> list[Due]:
    """Units in id order, things without a unit last; in each, most overdue first, then by kind
    (a str enum: its members order as their values) and id. As stable sorts by keys that run in
    C, unit by unit: a key function of Python's costs a call per item, and a province's ledger
    has a hundred thousand."""
    by_unit: dict[str | None, list[Due]] = defaultdict(list)
    for due in found:
        by_unit[due.unit].append(due)
    ordered: list[Due] = []
    for unit in [*sorted(u for u in by_unit if u is not None), *([None] if None in by_unit else [])]:
        items = sorted(by_unit[unit], key=attrgetter("kind", "id"))
        ordered += sorted(items, key=attrgetter("days_overdue"), reverse=True)
    return ordered


def _unit_of(ledger: Ledger, problem_ids: list[str]) -> str | None:
    units = {ledger.ids[p][2] for p in problem_ids if p in ledger.ids}
    return units.pop() if len(units) == 1 else None


# --- the satisfaction vote ---------------------------------------------------------------


def vote_result(settings: Settings, members: int, satisfied: int, basic: int) -> VoteResult:
    """满意 when satisfied votes reach the threshold share of ALL members; else 基本满意 when
    satisfied and basically-satisfied votes together reach it; else 不满意. Whether exactly
    the threshold passes is a setting (`vote_tie_passes`)."""
    needed = settings.vote_threshold * members

    def reaches(votes: int) -> bool:
        return Decimal(votes) >= needed if settings.vote_tie_passes else Decimal(votes) > needed

    if reaches(satisfied):
        return VoteResult.satisfied
    if reaches(satisfied + basic):
        return VoteResult.basically_satisfied
    return VoteResult.unsatisfied


def rereport_due(settings: Settings, voted: date, next_meeting: date | None) -> date:
    return next_meeting or voted + timedelta(days=settings.rereport_days)
