"""Ledgers of several levels (上下联动): the lower-level ledgers a ledger names, the problems
linked across them (checked both ways), and their headline figures side by side.
May import: model, diagnostics, i18n, loader, asof, reports.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from auditledger import memo
from auditledger.asof import ledger_on
from auditledger.diagnostics import Diagnostic
from auditledger.i18n import _
from auditledger.loader import SETTINGS_FILE, load, locate_lines
from auditledger.model import Ledger, Located, Problem
from auditledger.reports import Heading, Kind, Provenance, Share, heading, percent, share, total, year_items

BROKEN = "broken-counterpart"


@dataclass
class Level:
    """One jurisdiction's ledger."""

    name: str
    ledger: Ledger
    diagnostics: list[Diagnostic]
    path: str = ""
    """The folder as the settings name it ("" for the ledger itself)."""


def own_name(ledger: Ledger) -> str:
    return ledger.settings.jurisdiction or ledger.settings.name


_READ: weakref.WeakKeyDictionary[Ledger, list[Level]] = weakref.WeakKeyDictionary()
"""The lower levels already read for a ledger: a command that checks them before it renders
reads each once."""


def lower_levels(ledger: Ledger, today: date | None = None) -> list[Level]:
    """The lower-level ledgers the settings name, each loaded and checked on its own (dates
    judged by `today`, default the real today); a missing one is a diagnostic of the settings
    file. For the ledger as it stood on a day, each lower ledger as it stood on that day."""
    known = _READ.get(ledger)
    if known is not None:
        return known
    levels = []
    for entry in ledger.settings.lower:
        root = ledger.root / entry.path
        memo.note("ledger", root)
        if not (root / SETTINGS_FILE).exists():
            missing = Diagnostic(
                ledger.root / SETTINGS_FILE,
                None,
                None,
                "missing-lower",
                _("lower-level ledger '{name}' is not at {path} (no {settings} there)").format(
                    name=entry.name, path=entry.path, settings=SETTINGS_FILE
                ),
                _("check out the submodule (`git submodule update --init`) or correct the path"),
            )
            empty = Ledger(root, ledger.settings.model_copy(update={"lower": []}), ledger.settings_origin)
            levels.append(Level(entry.name, empty, [missing], entry.path))
            continue
        lower, found = load(root, today=today)
        if ledger.as_of is not None:
            lower = ledger_on(lower, ledger.as_of)
        levels.append(Level(entry.name, lower, found, entry.path))
    _READ[ledger] = levels
    return levels


def checked(
    ledger: Ledger, diagnostics: list[Diagnostic], today: date
) -> tuple[list[Level], list[Diagnostic]]:
    """`check`'s findings: the ledger's, then its lower-level ledgers' and their counterparts'."""
    if not ledger.settings.lower:
        return [], diagnostics
    lowers = lower_levels(ledger, today)
    found = diagnostics + [d for level in lowers for d in level.diagnostics] + counterparts(ledger, lowers)
    return lowers, found


def counterparts(upper: Ledger, lowers: list[Level]) -> list[Diagnostic]:
    """Problems linked across levels, checked both ways: the other ledger is known, holds the
    id, and its problem links back."""
    here = own_name(upper)
    by_name = {level.name: level for level in lowers}
    found: list[Diagnostic] = []

    def broken(entry: Located[Problem], message: str, hint: str) -> None:
        found.append(
            Diagnostic.at(entry.origin.path, (*entry.origin.pointer, "counterpart"), BROKEN, message, hint)
        )

    for entry in upper.problem_entries:
        link = entry.record.counterpart
        if link is None:
            continue
        level = by_name.get(link.ledger)
        if level is None:
            broken(
                entry,
                _("{id} links to ledger '{ledger}', which is not a lower-level ledger here").format(
                    id=entry.record.id, ledger=link.ledger
                ),
                _("register it with `auditledger lower add PATH --name {ledger}`").format(ledger=link.ledger),
            )
            continue
        other = level.ledger.problems_by_id.get(link.id)
        if other is None:
            broken(
                entry,
                _("{id} links to {ledger} {other}, which is not in that ledger").format(
                    id=entry.record.id, ledger=link.ledger, other=link.id
                ),
                _("correct the id"),
            )
        elif other.counterpart is None or (other.counterpart.ledger, other.counterpart.id) != (
            here,
            entry.record.id,
        ):
            broken(
                entry,
                _("{ledger} {other} does not link back to {here} {id}").format(
                    ledger=link.ledger, other=link.id, here=here, id=entry.record.id
                ),
                _("add `counterpart: {{ledger: {here}, id: {id}}}` to {other} in {ledger}'s ledger").format(
                    here=here, id=entry.record.id, other=link.id, ledger=link.ledger
                ),
            )
    for level in lowers:
        for entry in level.ledger.problem_entries:
            link = entry.record.counterpart
            if link is None or link.ledger != here:
                continue
            mine = upper.problems_by_id.get(link.id)
            if mine is None:
                broken(
                    entry,
                    _("{id} links to {ledger} {other}, which is not in that ledger").format(
                        id=entry.record.id, ledger=here, other=link.id
                    ),
                    _("correct the id"),
                )
            elif mine.counterpart is None or (mine.counterpart.ledger, mine.counterpart.id) != (
                level.name,
                entry.record.id,
            ):
                broken(
                    entry,
                    _("{ledger} {other} does not link back to {here} {id}").format(
                        ledger=here, other=link.id, here=level.name, id=entry.record.id
                    ),
                    _("add `counterpart: {{ledger: {here}, id: {id}}}` to {other}").format(
                        here=level.name, id=entry.record.id, other=link.id
                    ),
                )
    return locate_lines(found)


@dataclass(frozen=True)
class RollupRow:
    """One jurisdiction's headline figures for a year."""

    name: str
    share: Share
    amount: Decimal
    rectified: Decimal
    rules: int
    accountable: int
    overdue: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.share.done, self.share.count)

    def to_json(self) -> dict[str, object]:
        return {
            "jurisdiction": self.name,
            "problems": self.share.count,
            "done": self.share.done,
            "percent": None if self.percent is None else format(self.percent, "f"),
            "amount": format(self.amount, "f"),
            "rectified": format(self.rectified, "f"),
            "rules": self.rules,
            "accountable": self.accountable,
            "overdue": self.overdue,
        }


def rollup(levels: list[Level], year: int, as_of: date) -> list[RollupRow]:
    """Each level's figures for `year` (levels without problems of that year show zeros)."""
    rows = []
    for level in levels:
        has_year = any(p.year == year for p in level.ledger.problems)
        items = year_items(level.ledger, year, as_of) if has_year else []
        rows.append(
            RollupRow(
                name=level.name,
                share=share(items),
                amount=total(i.problem.amount for i in items),
                rectified=total(i.rectified for i in items),
                rules=sum(i.problem.rules_made for i in items),
                accountable=sum(i.problem.accountable for i in items),
                overdue=sum(1 for i in items if i.days_overdue > 0),
            )
        )
    return rows


@dataclass(frozen=True)
class RollupReport:
    heading: Heading
    rows: list[RollupRow]


def rollup_report(ledger: Ledger, year: int, provenance: Provenance) -> RollupReport:
    levels = [Level(own_name(ledger), ledger, []), *lower_levels(ledger)]
    if not any(p.year == year for level in levels for p in level.ledger.problems):
        year_items(ledger, year, provenance.as_of)  # refuses, naming the years there are
    return RollupReport(
        heading(ledger, Kind.rollup, year, provenance), rollup(levels, year, provenance.as_of)
    )
