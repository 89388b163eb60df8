"""A year's problems as spreadsheet sheets: 问题清单, 整改责任清单 and 整改情况清单, and the values
as exported for the hidden baseline sheet. May import: model, interchange.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from auditledger.i18n import _, listed
from auditledger.interchange.columns import BY_FIELD, METHOD
from auditledger.interchange.importing import EDITABLE, UNIT_FIELDS, plain
from auditledger.interchange.sheets import SheetData
from auditledger.model import Ledger, Problem, RectifyMethod, Status

METHODS = tuple(METHOD + m.value for m in RectifyMethod)
"""The rectified amount's columns, one per method (其中：追缴资金（万元）…)."""
LIST = ("id", *EDITABLE[: EDITABLE.index("status") + 1])
"""问题清单: the list as an audit office hands it over."""
DUTIES = ("unit", "id", "title", "type", "deadline", "milestones", "responsible_person", "status")
STATUS = (
    "id",
    "audit_no",
    "title",
    "unit",
    "amount",
    "deadline",
    "status",
    "completed_on",
    "rectified_amount",
    *METHODS,
    "measures",
    "rules_count",
    "accountable",
    "evidence",
    "reason",
    "next_steps",
)
"""整改情况清单: the sheet a unit fills in and sends back for `import --update`."""

HEADERS = {"milestones": "阶段目标", **{name: column.header for name, column in BY_FIELD.items()}}
AMOUNTS = ("amount", "rectified_amount", *METHODS)
CHECKS = {"deadline": "date", "completed_on": "date", "rules_count": "count", "accountable": "count"}
CHECKS.update(dict.fromkeys(AMOUNTS, "amount"))
UNIT_CHOICES = [s.zh for s in Status if s is not Status.closed]
"""The statuses a unit reports: closing (销号) is the audit office's."""


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


def _method(code: str) -> Getter:
    method = RectifyMethod.parse(code)
    return lambda ledger, p: p.rectified.get(method)


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
    **{name: _method(name.removeprefix(METHOD)) for name in METHODS},
}


def sheet(
    ledger: Ledger, problems: Sequence[Problem], name: str, fields: Sequence[str], title: str | None = None
) -> SheetData:
    """A sheet of `fields`, its rows made one at a time as the workbook is written. With a
    title, a sheet to print, numbered (序号) and with a 合计 row; 整改情况清单 is also one to fill
    in: protected, with only the unit's columns open, a dropdown for the status and checks on
    dates, amounts and counts."""
    if title is None:
        return SheetData(
            name, [HEADERS[f] for f in fields], _rows(ledger, problems, fields), key=fields.index("id")
        )
    columns = ("seq", *fields)
    index = {f: i for i, f in enumerate(columns)}
    fill_in = name == "整改情况清单"
    methods = [index[m] for m in METHODS if m in index]
    return SheetData(
        name,
        ["序号" if f == "seq" else HEADERS[f] for f in columns],
        _rows(ledger, problems, fields, numbered=True),
        key=index["id"],
        title=title,
        unlocked=frozenset(i for f, i in index.items() if f in UNIT_FIELDS and f != "rectified_amount")
        if fill_in
        else frozenset(),
        protect=fill_in,
        choices={index["status"]: UNIT_CHOICES} if fill_in else {},
        checks={i: CHECKS[f] for f, i in index.items() if f in CHECKS},
        totals=[i for f, i in index.items() if f in AMOUNTS],
        row_total=(index["rectified_amount"], min(methods), max(methods)) if fill_in and methods else None,
    )


def _rows(
    ledger: Ledger, problems: Sequence[Problem], fields: Sequence[str], numbered: bool = False
) -> Iterator[list[Any]]:
    getters = [getter(f) for f in fields]
    for number, problem in enumerate(problems, start=1):
        cells = [get(ledger, problem) for get in getters]
        yield [number, *cells] if numbered else cells


def workbook_sheets(
    ledger: Ledger, problems: Sequence[Problem], year: int, as_of: date, units: Sequence[str] = ()
) -> list[SheetData]:
    """The three sheets of a year's workbook, each titled with the year, the units (when the
    export is for some) and the day its figures are of."""
    by_unit = sorted(problems, key=lambda p: (p.unit, p.id))

    def title(name: str) -> str:
        whose = listed(ledger.unit_name(u) for u in units)
        text = _("{place}{year} audit-found problems: {sheet}").format(
            place=ledger.settings.jurisdiction or "", year=year, sheet=name
        )
        if whose:
            text += _(" ({units})").format(units=whose)
        return text + _(" — as of {day}").format(day=as_of.isoformat())

    return [
        sheet(ledger, problems, "问题清单", LIST, title("问题清单")),
        sheet(ledger, by_unit, "整改责任清单", DUTIES, title("整改责任清单")),
        sheet(ledger, problems, "整改情况清单", STATUS, title("整改情况清单")),
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
