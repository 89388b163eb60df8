"""Pure filters and flat views of problems that commands and reports share.

May import: model.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditledger.model import Ledger, Problem, RectificationType, Status


@dataclass(frozen=True)
class Filter:
    """Which problems to keep; an empty criterion keeps everything."""

    years: Sequence[int] = ()
    units: Sequence[str] = ()
    statuses: Sequence[Status] = ()
    types: Sequence[RectificationType] = ()
    categories: Sequence[str] = ()
    prominent: bool | None = None
    unfinished: bool = False

    def keeps(self, problem: Problem) -> bool:
        return (
            (not self.years or problem.year in self.years)
            and (not self.units or problem.unit in self.units)
            and (not self.statuses or problem.status in self.statuses)
            and (not self.types or problem.type in self.types)
            and (not self.categories or problem.category in self.categories)
            and (self.prominent is None or problem.prominent is self.prominent)
            and (not self.unfinished or not problem.status.finished)
        )


def select(problems: Iterable[Problem], criteria: Filter) -> list[Problem]:
    """The problems that pass, sorted by year then id."""
    return sorted((p for p in problems if criteria.keeps(p)), key=lambda p: (p.year, p.id))


def draw(problems: Sequence[Problem], count: int, seed: int, *, by_unit: bool = False) -> list[Problem]:
    """A reproducible random draw: `count` problems, or `count` from each lead unit; sorted by id."""
    rng = random.Random(seed)
    if not by_unit:
        return sorted(rng.sample(list(problems), min(count, len(problems))), key=lambda p: p.id)
    groups: dict[str, list[Problem]] = defaultdict(list)
    for problem in sorted(problems, key=lambda p: p.id):
        groups[problem.unit].append(problem)
    drawn = [p for unit in sorted(groups) for p in rng.sample(groups[unit], min(count, len(groups[unit])))]
    return sorted(drawn, key=lambda p: p.id)


ROW_FIELDS = (
    "id",
    "year",
    "audit_no",
    "title",
    "unit",
    "unit_name",
    "category",
    "type",
    "status",
    "deadline",
    "amount",
    "rectified_amount",
    "prominent",
    "systemic",
    "cooperating",
    "completed_on",
)


def problem_row(ledger: Ledger, problem: Problem) -> dict[str, Any]:
    """One problem as a flat row with English keys, codes for enumerations, ISO dates and
    amounts as exact decimal strings."""
    return {
        "id": problem.id,
        "year": problem.year,
        "audit_no": problem.audit_no,
        "title": problem.title,
        "unit": problem.unit,
        "unit_name": ledger.unit_name(problem.unit),
        "category": problem.category,
        "type": problem.type.value,
        "status": problem.status.value,
        "deadline": problem.deadline.isoformat(),
        "amount": money(problem.amount),
        "rectified_amount": money(problem.rectified_amount),
        "prominent": problem.prominent,
        "systemic": problem.systemic,
        "cooperating": list(problem.cooperating),
        "completed_on": problem.completed_on.isoformat() if problem.completed_on else None,
    }


def problem_record(ledger: Ledger, problem: Problem) -> dict[str, Any]:
    """Every field of one problem, JSON-ready, with the derived totals added."""
    data: dict[str, Any] = problem.model_dump(mode="json")
    data["amount"] = money(problem.amount)
    data["rectified"] = {method.value: money(value) for method, value in problem.rectified.items()}
    data["rectified_amount"] = money(problem.rectified_amount)
    data["rules_made"] = problem.rules_made
    data["unit_name"] = ledger.unit_name(problem.unit)
    return data


def money(value: Any) -> str:
    """An amount in 万元 as a decimal string that keeps every digit, never in exponent form."""
    return format(value, "f")
