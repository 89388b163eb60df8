"""What changed between two states of a ledger, for reviewers: problems added and removed,
status changes, deadline extensions, amounts, evidence and the rest field by field, and the
year's records. Pure: two Ledgers in, a list of changes out. May import: model, workflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditledger.model import Change, Ledger, Problem
from auditledger.workflow import changes


@dataclass(frozen=True)
class ProblemChange:
    kind: str
    """`added`, `removed` or `changed`."""
    problem: Problem
    unit_name: str
    changes: list[Change] = field(default_factory=list)
    tracking_added: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.problem.id,
            "title": self.problem.title,
            "unit": self.problem.unit,
            "changes": [c.model_dump(mode="json") for c in self.changes],
            "tracking_added": self.tracking_added,
        }


@dataclass(frozen=True)
class RecordChange:
    """A resolution, suggestion or vote of a year added, removed or changed."""

    kind: str
    year: int
    id: str
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "year": self.year,
            "id": self.id,
            "changes": [c.model_dump(mode="json") for c in self.changes],
        }


@dataclass(frozen=True)
class Review:
    problems: list[ProblemChange]
    records: list[RecordChange]

    def __bool__(self) -> bool:
        return bool(self.problems or self.records)


def compare(before: Ledger, after: Ledger) -> Review:
    found: list[ProblemChange] = []
    old, new = before.problems_by_id, after.problems_by_id
    for ident in sorted(old.keys() | new.keys()):
        if ident not in old:
            found.append(ProblemChange("added", new[ident], after.unit_name(new[ident].unit)))
        elif ident not in new:
            found.append(ProblemChange("removed", old[ident], before.unit_name(old[ident].unit)))
        elif old[ident] != new[ident]:
            a, b = old[ident], new[ident]
            grew = len(b.tracking) - len(a.tracking) if b.tracking[: len(a.tracking)] == a.tracking else 0
            found.append(ProblemChange("changed", b, after.unit_name(b.unit), changes(a, b), grew))
    records: list[RecordChange] = []
    for year in sorted(before.years.keys() | after.years.keys()):
        a_meta, b_meta = before.years.get(year), after.years.get(year)
        for name in ("resolutions", "suggestions", "votes"):
            a_items = {r.id: r for r in getattr(a_meta, name, [])}
            b_items = {r.id: r for r in getattr(b_meta, name, [])}
            for ident in sorted(a_items.keys() | b_items.keys()):
                if ident not in a_items:
                    records.append(RecordChange("added", year, ident))
                elif ident not in b_items:
                    records.append(RecordChange("removed", year, ident))
                elif a_items[ident] != b_items[ident]:
                    records.append(
                        RecordChange("changed", year, ident, changes(a_items[ident], b_items[ident]))
                    )
    return Review(found, records)
