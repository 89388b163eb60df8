"""A year's problems as spreadsheet sheets: 问题清单, 整改责任清单 and 整改情况清单, and the values
as exported for the hidden baseline sheet. May import: model, interchange.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from auditledger.interchange.columns import BY_FIELD
from auditledger.interchange.importing import EDITABLE, plain
from auditledger.interchange.sheets import SheetData
from auditledger.model import Ledger, Problem

LIST = ("id", *EDITABLE[: EDITABLE.index("status") + 1])
"""问题清单: the list as an audit office hands it over."""
DUTIES = ("unit", "id", "title", "type", "deadline", "milestones", "responsible_person", "status")
STATUS = (
    "id",
    "audit_no",
    "title",
    "unit",
    "deadline",
    "status",
    "completed_on",
    "rectified_amount",
    "measures",
    "rules_count",
    "accountable",
    "evidence",
    "reason",
    "next_steps",
)
"""整改情况清单: the sheet a unit fills in and sends back for `import --update`."""

HEADERS = {"milestones": "阶段目标", **{name: column.header for name, column in BY_FIELD.items()}}


def value(ledger: Ledger, problem: Problem, name: str) -> Any:
    """A problem's field as a cell: units by name, choices by their Chinese label."""
    return getter(name)(ledger, problem)


Getter = Callable[[Ledger, Problem], Any]


def getter(name: str) -> Getter:
    """How the field `name` becomes a cell (`value`), chosen once for a whole column."""
    found = _GETTERS.get(name)
    if found is not None:
        return found

    def field(ledger: Ledger, problem: Problem) -> Any:
        found = getattr(problem, name)
        return found if found not in ([], "") else None

    return field


def _unit_name(name: str) -> Getter:
    def unit(ledger: Ledger, problem: Problem) -> Any:
        unit = getattr(problem, name)
        return ledger.unit_name(unit) if unit else None

    return unit


def _milestones(ledger: Ledger, problem: Problem) -> Any:
    return [
        f"{m.due} {m.text}" + (f"（已完成 {m.done}）" if m.done else "") for m in problem.milestones
    ] or None


_GETTERS: dict[str, Getter] = {
    "unit": _unit_name("unit"),
    "supervisor": _unit_name("supervisor"),
    "cooperating": lambda ledger, p: "、".join(ledger.unit_name(u) for u in p.cooperating) or None,
    "rectified_amount": lambda ledger, p: p.rectified_amount,
    "rules_count": lambda ledger, p: p.rules_made,
    "type": lambda ledger, p: p.type.zh,
    "status": lambda ledger, p: p.status.zh,
    "prominent": lambda ledger, p: "是" if p.prominent else "否",
    "systemic": lambda ledger, p: "是" if p.systemic else "否",
    "milestones": _milestones,
}


def sheet(ledger: Ledger, problems: Sequence[Problem], name: str, fields: Sequence[str]) -> SheetData:
    """A sheet of `fields`, its rows made one at a time as the workbook is written."""
    return SheetData(
        name,
        [HEADERS[f] for f in fields],
        _rows(ledger, problems, fields),
        key=fields.index("id"),
    )


def _rows(ledger: Ledger, problems: Sequence[Problem], fields: Sequence[str]) -> Iterator[list[Any]]:
    getters = [getter(f) for f in fields]
    for problem in problems:
        yield [get(ledger, problem) for get in getters]


def workbook_sheets(ledger: Ledger, problems: Sequence[Problem]) -> list[SheetData]:
    by_unit = sorted(problems, key=lambda p: (p.unit, p.id))
    return [
        sheet(ledger, problems, "问题清单", LIST),
        sheet(ledger, by_unit, "整改责任清单", DUTIES),
        sheet(ledger, problems, "整改情况清单", STATUS),
    ]


def baseline(ledger: Ledger, problems: Sequence[Problem]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each problem's editable cells as exported, compared on import to find edits made in the
    ledger meanwhile: (id, cells) in id order, made one at a time as they are written."""
    codes: dict[str, Getter] = {
        "unit": lambda ledger, p: p.unit,
        "supervisor": lambda ledger, p: p.supervisor,
        "cooperating": lambda ledger, p: list(p.cooperating),
        "type": lambda ledger, p: p.type.value,
        "status": lambda ledger, p: p.status.value,
        "prominent": lambda ledger, p: p.prominent,
        "systemic": lambda ledger, p: p.systemic,
    }
    getters = [(name, codes.get(name) or getter(name)) for name in EDITABLE]
    for problem in sorted(problems, key=lambda p: p.id):
        yield problem.id, {name: plain(get(ledger, problem)) for name, get in getters}
