"""A year's problems as spreadsheet sheets: 问题清单, 整改责任清单 and 整改情况清单, and the values
as exported for the hidden baseline sheet. May import: model, interchange.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    if name in ("unit", "supervisor"):
        unit = getattr(problem, name)
        return ledger.unit_name(unit) if unit else None
    if name == "cooperating":
        return "、".join(ledger.unit_name(u) for u in problem.cooperating) or None
    if name == "rectified_amount":
        return problem.rectified_amount
    if name == "rules_count":
        return problem.rules_made
    if name in ("type", "status"):
        return getattr(problem, name).zh
    if name in ("prominent", "systemic"):
        return "是" if getattr(problem, name) else "否"
    if name == "milestones":
        return [
            f"{m.due} {m.text}" + (f"（已完成 {m.done}）" if m.done else "") for m in problem.milestones
        ] or None
    field = getattr(problem, name)
    return field if field not in ([], "") else None


def sheet(ledger: Ledger, problems: Sequence[Problem], name: str, fields: Sequence[str]) -> SheetData:
    return SheetData(
        name, [HEADERS[f] for f in fields], [[value(ledger, p, f) for f in fields] for p in problems]
    )


def workbook_sheets(ledger: Ledger, problems: Sequence[Problem]) -> list[SheetData]:
    by_unit = sorted(problems, key=lambda p: (p.unit, p.id))
    return [
        sheet(ledger, problems, "问题清单", LIST),
        sheet(ledger, by_unit, "整改责任清单", DUTIES),
        sheet(ledger, problems, "整改情况清单", STATUS),
    ]


def baseline(ledger: Ledger, problems: Sequence[Problem]) -> dict[str, dict[str, Any]]:
    """Each problem's editable cells as exported, compared on import to find edits made in the
    ledger meanwhile."""
    found = {}
    for problem in problems:
        cells = {}
        for name in EDITABLE:
            cell = value(ledger, problem, name)
            if name in ("unit", "supervisor"):
                cell = getattr(problem, name)
            elif name == "cooperating":
                cell = list(problem.cooperating)
            elif name in ("type", "status"):
                cell = getattr(problem, name).value
            elif name in ("prominent", "systemic"):
                cell = getattr(problem, name)
            cells[name] = plain(cell)
        found[problem.id] = cells
    return found
