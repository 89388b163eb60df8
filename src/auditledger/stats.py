"""Statistics of problems by unit, category, type, year or cause link, across years. Pure
aggregations with Decimal sums; rates rounded half up to one decimal place. May import: model,
reports (its rounding and done rule).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from auditledger.model import CauseLink, Figures, Ledger, Problem, RectificationType
from auditledger.reports import Heading, percent


class By(str, Enum):
    unit = "unit"
    category = "category"
    type = "type"
    year = "year"
    cause = "cause"


@dataclass(frozen=True)
class Row:
    key: str
    """The group: a unit id, a category, a type or cause code, a year."""
    label: str
    problems: int
    amount: Decimal
    rectified: Decimal
    done: int
    overdue: int
    days_to_rectify: Decimal | None
    """Average days from the audit work report's hearing to completion, over finished problems
    with both dates."""
    extensions: int
    """Deadline extensions recorded in the history."""
    recurring: int

    @property
    def completion(self) -> Decimal | None:
        return percent(self.done, self.problems)

    @property
    def recurrence(self) -> Decimal | None:
        return percent(self.recurring, self.problems)

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "problems": self.problems,
            "amount": format(self.amount, "f"),
            "rectified": format(self.rectified, "f"),
            "done": self.done,
            "completion_rate": None if self.completion is None else format(self.completion, "f"),
            "overdue": self.overdue,
            "average_days_to_rectify": None
            if self.days_to_rectify is None
            else format(self.days_to_rectify, "f"),
            "extensions": self.extensions,
            "recurring": self.recurring,
            "recurrence_rate": None if self.recurrence is None else format(self.recurrence, "f"),
        }


@dataclass(frozen=True)
class Page:
    """Statistics as a page (HTML)."""

    heading: Heading
    by: str
    rows: list[Row]
    total: Row
    years: Sequence[int]


def is_done(problem: Problem | Figures, as_of: date) -> bool:
    finished = problem.finished if isinstance(problem, Figures) else problem.status.finished
    return finished and (problem.completed_on is None or problem.completed_on <= as_of)


def keys(ledger: Ledger, problem: Figures, by: By, lang: str) -> list[tuple[str, str]]:
    """The groups a problem falls in, as (key, label); a problem with several cause links is
    counted under each."""
    if by is By.unit:
        return [(problem.unit, ledger.unit_short_name(problem.unit))]
    if by is By.category:
        return [(problem.category or "", problem.category or ("未分类" if lang == "zh" else "uncategorised"))]
    if by is By.type:
        return [(problem.type, RectificationType.parse(problem.type).label(lang))]
    if by is By.year:
        return [(str(problem.year), str(problem.year))]
    if not problem.causes:
        return [("", "未注明" if lang == "zh" else "not stated")]
    return [(cause, CauseLink.parse(cause).label(lang)) for cause in problem.causes]


def group(ledger: Ledger, by: By, as_of: date, years: Sequence[int] = (), lang: str = "zh") -> list[Row]:
    """One row per group, in a stable order: years ascending, otherwise most problems first.
    Made from the problems' figures (`Ledger.figures`): problems the read cache holds stay packed."""
    buckets: dict[tuple[str, str], list[Figures]] = defaultdict(list)
    labels: dict[str, list[tuple[str, str]]] = {}
    for problem in ledger.figures():
        if years and problem.year not in years:
            continue
        if by is By.unit:  # a label per unit, not per problem
            found = labels.get(problem.unit)
            if found is None:
                found = labels[problem.unit] = keys(ledger, problem, by, lang)
        else:
            found = keys(ledger, problem, by, lang)
        for key in found:
            buckets[key].append(problem)
    rows = [_row(ledger, key, label, problems, as_of) for (key, label), problems in buckets.items()]
    if by is By.year:
        return sorted(rows, key=lambda r: r.key)
    return sorted(rows, key=lambda r: (-r.problems, r.key))


def _row(ledger: Ledger, key: str, label: str, problems: list[Figures], as_of: date) -> Row:
    """The figures of a group, in one pass over its problems."""
    heard_on = {
        year: meta.audit_report.heard_on if meta.audit_report else None for year, meta in ledger.years.items()
    }
    days: list[int] = []
    amount = rectified = Decimal(0)
    done = overdue = extensions = recurring = 0
    for problem in problems:
        amount += problem.amount
        rectified += problem.rectified
        if problem.finished and (problem.completed_on is None or problem.completed_on <= as_of):
            done += 1
            heard = heard_on.get(problem.year)
            if problem.completed_on and heard:
                days.append((problem.completed_on - heard).days)
        elif problem.deadline < as_of:
            overdue += 1
        extensions += problem.extensions
        recurring += problem.recurring
    average = (
        (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if days else None
    )
    return Row(
        key=key,
        label=label,
        problems=len(problems),
        amount=amount,
        rectified=rectified,
        done=done,
        overdue=overdue,
        days_to_rectify=average,
        extensions=extensions,
        recurring=recurring,
    )


def totals(rows: Sequence[Row], ledger: Ledger, as_of: date, years: Sequence[int] = ()) -> Row:
    """The row of all problems (each counted once, whatever the grouping)."""
    problems = [p for p in ledger.figures() if not years or p.year in years]
    return _row(ledger, "", "合计", problems, as_of)
