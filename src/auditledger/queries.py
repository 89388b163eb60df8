"""Pure filters and flat views of problems that commands and reports share.

May import: model.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from auditledger.model import Ledger, Problem, RectificationType, Row, Status, money

FINISHED = frozenset(s for s in Status if s.finished)


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

    def keeps(self, row: Row) -> bool:
        # Status and RectificationType are str enums: a row's codes compare equal to them.
        return (
            (not self.years or row.year in self.years)
            and (not self.units or row.unit in self.units)
            and (not self.statuses or row.status in self.statuses)
            and (not self.types or row.type in self.types)
            and (not self.categories or row.category in self.categories)
            and (self.prominent is None or row.prominent is self.prominent)
            and (not self.unfinished or row.status not in FINISHED)
        )


def select(rows: Iterable[Row], criteria: Filter) -> list[Row]:
    """The problems' rows that pass, sorted by year then id."""
    return sorted((r for r in rows if criteria.keeps(r)), key=lambda r: (r.year, r.id))


def draw(rows: Sequence[Row], count: int, seed: int, *, by_unit: bool = False) -> list[Row]:
    """A reproducible random draw: `count` problems, or `count` from each lead unit; sorted by id."""
    rng = random.Random(seed)
    if not by_unit:
        return sorted(rng.sample(list(rows), min(count, len(rows))), key=lambda r: r.id)
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r.id):
        groups[row.unit].append(row)
    drawn = [r for unit in sorted(groups) for r in rng.sample(groups[unit], min(count, len(groups[unit])))]
    return sorted(drawn, key=lambda r: r.id)


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


def problem_row(ledger: Ledger, row: Row) -> dict[str, Any]:
    """One problem as a flat row with English keys (`ROW_FIELDS`), codes for enumerations, ISO
    dates and amounts as exact decimal strings."""
    return {
        "id": row.id,
        "year": row.year,
        "audit_no": row.audit_no,
        "title": row.title,
        "unit": row.unit,
        "unit_name": ledger.unit_name(row.unit),
        "category": row.category,
        "type": row.type,
        "status": row.status,
        "deadline": row.deadline,
        "amount": row.amount,
        "rectified_amount": row.rectified_amount,
        "prominent": row.prominent,
        "systemic": row.systemic,
        "cooperating": list(row.cooperating),
        "completed_on": row.completed_on,
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


RECORD_ID = re.compile(r"(\d{4})(?:-([RSVAH])(\d{1,4})(?:/Q(\d{1,4}))?|/(audit_report|rectification_report))")


def year_record(ledger: Ledger, ident: str) -> tuple[str, BaseModel] | None:
    """A record of a year's `_year.yaml` by the id `show` takes: `2025-R1` (resolution, S
    suggestion, V vote, A recommendation, H hearing), `2025-H1/Q2` (a hearing's question) or
    `2025/audit_report`, `2025/rectification_report`; with its title. None when there is none."""
    match = re.fullmatch(
        r"(\d{4})(?:-([RSVAH])(\d{1,4})(?:/Q(\d{1,4}))?|/(audit_report|rectification_report))", ident
    )
    if match is None:
        return None
    year, letter, _, question, report = match.groups()
    meta = ledger.years.get(int(year))
    if meta is None:
        return None
    if report:
        found = getattr(meta, report)
        return (ident, found) if found is not None else None
    head = ident.split("/")[0]
    for record in getattr(meta, LISTS[letter]):
        if record.id == head:
            if question is None:
                return ident, record
            number = int(question)
            if 1 <= number <= len(record.questions):
                return ident, record.questions[number - 1]
    return None


LISTS = {"R": "resolutions", "S": "suggestions", "V": "votes", "A": "recommendations", "H": "hearings"}
"""The lists of `YearMeta` by the letter of their records' ids."""
