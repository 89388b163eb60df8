"""Pure filters and flat views of problems that commands and reports share, and the names a
user gives them resolved against the ledger.

May import: model, diagnostics, i18n.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from auditledger import i18n
from auditledger.diagnostics import AuditLedgerError, did_you_mean
from auditledger.i18n import _
from auditledger.model import Ledger, Problem, RectificationType, Row, Status, Tag, money

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


# --- what a user names: a typo is an error, not an empty answer ---------------------------
# Each takes the ledger (or, with --with-lower, it and its lower-level ledgers) and the values
# given to an option, and returns what they name or raises one AuditLedgerError (exit 2) that
# says what there is.

Levels = Ledger | Sequence[Ledger]


def _levels(ledgers: Levels) -> list[Ledger]:
    return [ledgers] if isinstance(ledgers, Ledger) else list(ledgers)


def _unit_names(ledgers: Levels) -> dict[str, set[str]]:
    """Each id, full name and short name (without the jurisdiction) of a unit, with the ids it
    names: ids first, so that an id is never taken for another unit's name."""
    names: dict[str, set[str]] = defaultdict(set)
    levels = _levels(ledgers)
    for level in levels:
        for ident in level.units:
            names[ident].add(ident)
    for level in levels:
        for ident, unit in level.units.items():
            for name in (unit.name, level.unit_short_name(ident)):
                if not any(name in other.units for other in levels):
                    names[name].add(ident)
    return names


def unit_ids(ledgers: Levels, values: Iterable[str], option: str = "--unit") -> list[str]:
    """The ids of the units the values name: an id, a unit's full name (示例市财政局) or its name
    without the jurisdiction's (财政局)."""
    values = list(values)
    names = _unit_names(ledgers) if values else {}  # nothing named: no unit looked at
    found: list[str] = []
    for value in values:
        ids = names.get(value.strip())
        if not ids:
            raise AuditLedgerError(
                _("{option}: unit '{value}' is not in units.yaml").format(option=option, value=value),
                hint=did_you_mean(value, names) or _("give a unit's id or name, as in units.yaml"),
            )
        found += sorted(i for i in ids if i not in found)
    return found


def unit_id(ledgers: Levels, value: str, option: str = "--unit") -> str:
    """The id of the one unit a value names (see `unit_ids`)."""
    ids = unit_ids(ledgers, [value], option)
    if len(ids) > 1:
        raise AuditLedgerError(
            _("{option}: '{value}' names {count} units: {ids}").format(
                option=option, value=value, count=len(ids), ids=i18n.listed(ids)
            ),
            hint=_("give the unit's id"),
        )
    return ids[0]


def category_names(ledgers: Levels, values: Iterable[str], option: str = "--category") -> list[str]:
    """The categories named, each one of the ledger's `categories` or used by a problem."""
    known: dict[str, None] = {}
    for level in _levels(ledgers):
        known.update(dict.fromkeys(level.settings.categories))
        known.update(dict.fromkeys(sorted({r.category for r in level.rows() if r.category})))
    found: list[str] = []
    for value in values:
        if value not in known:
            raise AuditLedgerError(
                _("{option}: no category '{value}' in the ledger").format(option=option, value=value),
                hint=did_you_mean(value, known)
                or _("use one of: {choices}").format(choices=i18n.listed(known)),
            )
        found.append(value)
    return found


def audit_years(ledgers: Levels, values: Iterable[int | range], option: str = "--year") -> list[int]:
    """The years named (a range's every year), sorted; each year, and some year of each range,
    has problems or a `_year.yaml` in the ledger."""
    values = list(values)
    if not values:  # nothing named: no file's keys read (a province has thousands of files)
        return []
    known = sorted({y for level in _levels(ledgers) for y in (*level.audit_years, *level.years)})
    found: set[int] = set()
    for value in values:
        years = value if isinstance(value, range) else range(value, value + 1)
        if not any(y in known for y in years):
            shown = f"{years.start}-{years.stop - 1}" if len(years) > 1 else str(years.start)
            raise AuditLedgerError(
                _("{option}: the ledger has no problems of {years}").format(option=option, years=shown),
                hint=_("years in the ledger: {years}").format(years=i18n.listed(map(str, known)))
                if known
                else _("add problems first"),
            )
        found.update(years)
    return sorted(found)


def tag_codes(ledgers: Levels, values: Iterable[str], option: str = "--tag") -> list[str]:
    """The tags named: a known tag by its code or label (预算审查重点 → budget_focus), or a tag
    a problem of the ledger already has."""
    used = sorted({t for level in _levels(ledgers) for p in level.problems for t in p.tags})
    found: list[str] = []
    for value in values:
        try:
            code = Tag.parse(value).value
        except ValueError:
            if value not in used:
                candidates = [*(t.value for t in Tag), *(t.zh for t in Tag), *used]
                hint = did_you_mean(value, candidates) or (
                    _("use one of: {choices}; or one the ledger uses: {used}").format(
                        choices=Tag.choices(), used=i18n.listed(used)
                    )
                    if used
                    else _("use one of: {choices}").format(choices=Tag.choices())
                )
                raise AuditLedgerError(
                    _("{option}: '{value}' is not a known tag").format(option=option, value=value), hint=hint
                ) from None
            code = value
        if code not in found:
            found.append(code)
    return found


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
    year, letter, _number, question, report = match.groups()
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
