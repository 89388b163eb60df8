"""The data of the reports: every figure a report prints, computed once, before any rendering.

Templates only format what is built here; they never sum. A problem counts as done as of the
report's date when it is 已整改 or 已销号 and was completed on or before that date. Percentages
are rounded half up to one decimal place (as `render.format.WORDS["percent_rule"]` says). May
import: model, deadlines, checks (for its hints).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from auditledger.deadlines import add_months
from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import _, listed
from auditledger.model import (
    DeputyKind,
    FigureStyle,
    Hearing,
    Ledger,
    Located,
    Problem,
    ProblemFile,
    Question,
    Recommendation,
    RectificationType,
    RectifyMethod,
    Resolution,
    Status,
    Suggestion,
    Vote,
    YearMeta,
)

TOP_UNITS = 10


class Kind(str, Enum):
    """`report --kind`."""

    rectification = "rectification"
    unit = "unit"
    plan_status = "plan-status"
    plan = "plan"
    stats = "stats"
    cases = "cases"
    rollup = "rollup"
    budget_review = "budget-review"
    assets = "assets"
    supervision = "supervision"
    notice = "notice"


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent, rounded half up to one decimal place; None for 0 of 0."""
    if whole == 0:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def total(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


@dataclass(frozen=True)
class Item:
    """One problem as the reports show it."""

    problem: Problem
    unit_name: str
    done: bool
    """已整改 or 已销号, completed on or before the report's date."""
    days_overdue: int
    """Days past the deadline for an unfinished problem; 0 when not late or done."""
    cooperating: tuple[str, ...] = ()
    """The cooperating units' names."""

    @property
    def rectified(self) -> Decimal:
        return self.problem.rectified_amount

    @property
    def outstanding(self) -> Decimal:
        """The problem amount not yet rectified (never below 0)."""
        return max(self.problem.amount - self.problem.rectified_amount, Decimal(0))


@dataclass(frozen=True)
class Totals:
    amount: Decimal
    rectified: Decimal


def totals(items: Iterable[Item]) -> Totals:
    listed = list(items)
    return Totals(total(i.problem.amount for i in listed), total(i.rectified for i in listed))


@dataclass(frozen=True)
class Share:
    """How many of a group are done."""

    count: int
    done: int

    @property
    def open(self) -> int:
        return self.count - self.done

    @property
    def percent(self) -> Decimal | None:
        return percent(self.done, self.count)


@dataclass(frozen=True)
class TypeLine:
    type: RectificationType
    share: Share


@dataclass(frozen=True)
class MethodLine:
    method: RectifyMethod
    amount: Decimal


@dataclass(frozen=True)
class UnitLine:
    unit: str
    name: str
    short_name: str
    share: Share
    amount: Decimal
    rectified: Decimal


@dataclass(frozen=True)
class CategoryBlock:
    name: str
    """The category, or "" for problems without one."""
    items: list[Item]
    share: Share
    amount: Decimal
    rectified: Decimal

    @property
    def done(self) -> list[Item]:
        return [i for i in self.items if i.done]

    @property
    def remaining(self) -> list[Item]:
        return [i for i in self.items if not i.done]

    @property
    def partly(self) -> int:
        """Unfinished problems partly rectified (部分整改)."""
        return sum(1 for i in self.items if not i.done and i.problem.status is Status.partial)

    @property
    def by_method(self) -> list[MethodLine]:
        return method_lines(self.items)

    @property
    def rules(self) -> int:
        return sum(i.problem.rules_made for i in self.items)

    @property
    def rules_government(self) -> int:
        return sum(i.problem.rules_government for i in self.items)

    @property
    def accountable(self) -> int:
        return sum(i.problem.accountable for i in self.items)


@dataclass(frozen=True)
class Overall:
    share: Share
    by_type: list[TypeLine]
    amount: Decimal
    rectified: Decimal
    outstanding: Decimal
    by_method: list[MethodLine]
    rules: int
    accountable: int
    units: int
    prominent: list[Item]
    prominent_share: Share
    rules_government: int = 0
    """Of `rules`, the government's own (市级制度)."""
    partly: int = 0
    """Unfinished problems partly rectified (部分整改)."""

    def of_type(self, kind: str) -> Share:
        """The share of the problems of one rectification type, by code (0 of 0 when none)."""
        return next((line.share for line in self.by_type if line.type.value == kind), Share(0, 0))

    @property
    def longer(self) -> Share:
        """分阶段整改 and 持续整改 together: reports say "分阶段和持续整改的N个问题中M个已完成"."""
        phased, ongoing = self.of_type("phased"), self.of_type("ongoing")
        return Share(phased.count + ongoing.count, phased.done + ongoing.done)


@dataclass(frozen=True)
class ResolutionLine:
    """A resolution or deliberation opinions and where its report-back stands."""

    resolution: Resolution
    due: date
    state: str
    """`reported` (on time), `reported_late`, `overdue` or `pending`."""
    days: int
    """Days late (reported_late, overdue) or days left (pending); 0 otherwise."""


@dataclass(frozen=True)
class VoteLine:
    vote: Vote
    target: str
    """"report" for the whole report, otherwise the unit's name."""


@dataclass(frozen=True)
class RecommendationLine:
    recommendation: Recommendation
    units: list[str]
    """The departments addressed, by name."""


@dataclass(frozen=True)
class QuestionLine:
    question: Question
    to: str
    """The unit asked, by name."""


@dataclass(frozen=True)
class HearingLine:
    hearing: Hearing
    attendees: list[tuple[str, str | None]]
    """(unit name, head) of each unit that attended."""
    questions: list[QuestionLine]


@dataclass(frozen=True)
class DeputyLine:
    """A deputy's part in the year's tracking."""

    name: str
    kind: DeputyKind
    activities: int
    problems: list[str]


def deputy_lines(items: Sequence[Item]) -> list[DeputyLine]:
    found: dict[tuple[str, DeputyKind], tuple[int, set[str]]] = {}
    for item in items:
        for entry in item.problem.tracking:
            if entry.internal:
                continue
            for deputy in entry.deputies:
                count, problems = found.get((deputy.name, deputy.kind), (0, set()))
                found[(deputy.name, deputy.kind)] = (count + 1, problems | {item.problem.id})
    ordered = sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1].value))
    return [DeputyLine(name, kind, count, sorted(problems)) for (name, kind), (count, problems) in ordered]


@dataclass(frozen=True)
class Provenance:
    version: str
    as_of: date
    digest: str
    """sha256 over the ledger's data as of the day (`asof.digest_of`): the same data, the same
    digest, whatever the files' layout, the git commit or later changes."""
    left_out: tuple[str, ...] = ()
    """Errors of records the document leaves out (made with `--allow-errors`): it says so at its top."""
    templates: str | None = None
    """sha256 of the templates that replaced shipped ones (`--templates`, the `templates` setting);
    None when the document was made with the shipped templates alone."""


@dataclass(frozen=True)
class Heading:
    """What every report states about itself."""

    kind: Kind
    body: str
    jurisdiction: str
    year: int
    as_of: date
    meta: YearMeta | None
    provenance: Provenance
    public: bool = False
    """The version for publication: no personal names, contact details or internal notes."""
    style: FigureStyle = field(default_factory=FigureStyle)
    """How figures read in the prose (the `figures` setting)."""
    government: str = ""
    """Who delivers the rectification report, e.g. 示例市人民政府."""


@dataclass(frozen=True)
class Address:
    """How the government's rectification report is delivered: salutation, on whose behalf,
    the byline, and the prose the staff wrote in `_year.yaml` (one paragraph a line; empty when
    they wrote none, and the report then says 【待补充】)."""

    salutation: str
    entrusted_by: str
    meeting: str | None
    """The byline's meeting as written in `_year.yaml`, e.g. 在示例市第十七届人民代表大会常务委员会
    第二十五次会议上; its date comes first. None: the template says the standing committee's meeting."""
    heard_on: date | None
    reporter: str | None
    deployment: list[str]
    next_work: list[str]


@dataclass(frozen=True)
class ReasonGroup:
    """Unfinished problems that share why they are unfinished, with their next steps."""

    reason: str
    """The reason the staff wrote, or a standing one (`PENDING`, `LONGER`) or "" when none is known."""
    items: list[Item]
    next_steps: list[str]
    """Distinct next steps of the group, in the order of its problems."""


PENDING = "pending"
"""Reason group of unfinished immediate problems still within their deadline."""
LONGER = "longer"
"""Reason group of unfinished phased and ongoing problems still within their deadline."""


@dataclass(frozen=True)
class UnitBlock:
    """One responsible unit's problems, for the annex 单项整改结果."""

    unit: str
    name: str
    items: list[Item]


@dataclass(frozen=True)
class RectificationReport:
    """The government's report on the rectification (整改情况报告), as it is delivered to the
    standing committee: 一 deployment and results, 二 by area, 三 the unfinished problems by
    reason, then the annexes by unit and the detailed list."""

    heading: Heading
    address: Address
    overall: Overall
    categories: list[CategoryBlock]
    unfinished: list[Item]
    reasons: list[ReasonGroup]
    items: list[Item]
    units: list[UnitLine]
    by_unit: list[UnitBlock]
    rollup: list[Any] = field(default_factory=list)
    """With --with-lower: levels.RollupRow per jurisdiction."""

    @property
    def top_units(self) -> list[UnitLine]:
        """Units with the most open problems first (then by id), at most `TOP_UNITS`."""
        ranked = sorted((u for u in self.units if u.share.open), key=lambda u: (-u.share.open, u.unit))
        return ranked[:TOP_UNITS]


@dataclass(frozen=True)
class UnitReport:
    """One unit's 整改责任清单: the problems it leads and those it cooperates on."""

    heading: Heading
    unit: str
    name: str
    items: list[Item]
    cooperating: list[Item]
    share: Share
    amount: Decimal
    rectified: Decimal

    @property
    def cooperating_totals(self) -> Totals:
        return totals(self.cooperating)


@dataclass(frozen=True)
class PlanStatus:
    """A one-page status for a hearing."""

    heading: Heading
    overall: Overall
    overdue: list[Item]
    resolutions: list[ResolutionLine]
    votes: list[VoteLine]
    hearings: list[HearingLine]

    @property
    def prominent_totals(self) -> Totals:
        return totals(self.overall.prominent)


@dataclass(frozen=True)
class TrackingLine:
    """One tracking record of the committee's (not internal), with its problem."""

    date: date
    method: Any
    finding: str
    problem: str
    unit: str


@dataclass(frozen=True)
class SupervisionReport:
    """The budget working committee's own report on its tracking supervision (预算工作委员会关于
    审计查出突出问题整改情况跟踪监督的报告): what the committee did, heard, voted and resolved,
    what deputies said and did, and how audit recommendations were taken up."""

    heading: Heading
    overall: Overall
    tracking: list[TrackingLine]
    by_method: list[tuple[Any, int]]
    """Tracking records by method, in the order of the methods, with their counts."""
    resolutions: list[ResolutionLine]
    suggestions: list[Suggestion]
    votes: list[VoteLine]
    recommendations: list[RecommendationLine]
    hearings: list[HearingLine]
    deputies: list[DeputyLine]


def item(ledger: Ledger, problem: Problem, as_of: date) -> Item:
    done = problem.status.finished and (problem.completed_on is None or problem.completed_on <= as_of)
    late = 0 if done else max((as_of - problem.deadline).days, 0)
    cooperating = tuple(ledger.unit_name(u) for u in problem.cooperating)
    return Item(problem, ledger.unit_name(problem.unit), done, late, cooperating)


def heading(ledger: Ledger, kind: Kind, year: int, provenance: Provenance) -> Heading:
    return Heading(
        public=ledger.public,
        kind=kind,
        body=ledger.settings.name,
        jurisdiction=ledger.settings.jurisdiction or "",
        year=year,
        as_of=provenance.as_of,
        meta=ledger.years.get(year),
        provenance=provenance,
        style=ledger.settings.figures,
        government=ledger.settings.government_name,
    )


def year_items(ledger: Ledger, year: int, as_of: date) -> list[Item]:
    problems = ledger.problems_of(year)
    if not problems:
        years = ledger.audit_years
        raise AuditLedgerError(
            _("the ledger has no problems of {year}").format(year=year),
            hint=_("years with problems: {years}").format(years=listed(map(str, years)))
            if years
            else _("add problems first"),
        )
    return [item(ledger, p, as_of) for p in problems]


def share(items: Sequence[Item]) -> Share:
    return Share(len(items), sum(1 for i in items if i.done))


def method_lines(items: Iterable[Item]) -> list[MethodLine]:
    """The rectified amount by method, in the order of the methods, those with an amount."""
    methods: dict[RectifyMethod, Decimal] = defaultdict(Decimal)
    for entry in items:
        for method, amount in entry.problem.rectified.items():
            methods[method] += amount
    return [MethodLine(m, methods[m]) for m in RectifyMethod if methods.get(m)]


def overall(items: Sequence[Item]) -> Overall:
    prominent = [i for i in items if i.problem.prominent]
    return Overall(
        share=share(items),
        by_type=[
            TypeLine(kind, share([i for i in items if i.problem.type is kind]))
            for kind in RectificationType
            if any(i.problem.type is kind for i in items)
        ],
        amount=total(i.problem.amount for i in items),
        rectified=total(i.rectified for i in items),
        outstanding=total(i.outstanding for i in items),
        by_method=method_lines(items),
        rules=sum(i.problem.rules_made for i in items),
        accountable=sum(i.problem.accountable for i in items),
        units=len({i.problem.unit for i in items}),
        prominent=prominent,
        prominent_share=share(prominent),
        rules_government=sum(i.problem.rules_government for i in items),
        partly=sum(1 for i in items if not i.done and i.problem.status is Status.partial),
    )


def categories(ledger: Ledger, items: Sequence[Item]) -> list[CategoryBlock]:
    """Blocks in the order of the ledger's categories, then any others by name, then problems
    without a category."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for entry in items:
        groups[entry.problem.category or ""].append(entry)
    known = [c for c in ledger.settings.categories if c in groups]
    others = sorted(c for c in groups if c and c not in ledger.settings.categories)
    order = known + others + ([""] if "" in groups else [])
    return [
        CategoryBlock(
            name,
            groups[name],
            share(groups[name]),
            total(i.problem.amount for i in groups[name]),
            total(i.rectified for i in groups[name]),
        )
        for name in order
    ]


def units(ledger: Ledger, items: Sequence[Item]) -> list[UnitLine]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for entry in items:
        groups[entry.problem.unit].append(entry)
    return [
        UnitLine(
            unit,
            group[0].unit_name,
            ledger.unit_short_name(unit),
            share(group),
            total(i.problem.amount for i in group),
            total(i.rectified for i in group),
        )
        for unit, group in sorted(groups.items())
    ]


def resolution_lines(ledger: Ledger, meta: YearMeta | None, as_of: date) -> list[ResolutionLine]:
    lines = []
    for resolution in meta.resolutions if meta else []:
        due = add_months(resolution.adopted, ledger.settings.report_back_months)
        if resolution.reported is not None and resolution.reported <= as_of:
            late = (resolution.reported - due).days
            state, days = ("reported_late", late) if late > 0 else ("reported", 0)
        elif as_of > due:
            state, days = "overdue", (as_of - due).days
        else:
            state, days = "pending", (due - as_of).days
        lines.append(ResolutionLine(resolution, due, state, days))
    return lines


def vote_lines(ledger: Ledger, meta: YearMeta | None, as_of: date) -> list[VoteLine]:
    return [
        VoteLine(vote, "report" if vote.target == "report" else ledger.unit_name(vote.target))
        for vote in (meta.votes if meta else [])
        if vote.date <= as_of
    ]


def recommendation_lines(ledger: Ledger, meta: YearMeta | None) -> list[RecommendationLine]:
    return [
        RecommendationLine(r, [ledger.unit_name(u) for u in r.units])
        for r in (meta.recommendations if meta else [])
    ]


def hearing_lines(ledger: Ledger, meta: YearMeta | None, as_of: date) -> list[HearingLine]:
    return [
        HearingLine(
            h,
            [(ledger.unit_name(a.unit), a.head) for a in h.attendees],
            [QuestionLine(q, ledger.unit_name(q.to)) for q in h.questions],
        )
        for h in sorted(meta.hearings if meta else [], key=lambda h: (h.date, h.id))
        if h.date <= as_of
    ]


def paragraphs(text: str | None) -> list[str]:
    """The staff's prose, one paragraph a non-blank line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def address(ledger: Ledger, meta: YearMeta | None) -> Address:
    report = meta.rectification_report if meta else None
    settings = ledger.settings
    heard_on = report.heard_on if report else None
    meeting = report.meeting if report and report.meeting else None
    return Address(
        salutation=(report.salutation if report and report.salutation else settings.salutation),
        entrusted_by=(report.entrusted_by if report and report.entrusted_by else settings.government_name),
        meeting=meeting,
        heard_on=heard_on,
        reporter=report.reporter if report else None,
        deployment=paragraphs(report.deployment if report else None),
        next_work=paragraphs(report.next_work if report else None),
    )


def reason_groups(unfinished: Sequence[Item]) -> list[ReasonGroup]:
    """Unfinished problems grouped by why: the reason written in the ledger (the same words, one
    group); without one, those still within their deadline as `PENDING` (立行立改) or `LONGER`
    (分阶段和持续整改), and the overdue ones without a reason under "" (the report asks for it).
    Groups with more problems first, then by their first problem's id."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for entry in unfinished:
        written = (entry.problem.reason or "").strip()
        if written:
            key = written
        elif entry.days_overdue:
            key = ""
        elif entry.problem.type is RectificationType.immediate:
            key = PENDING
        else:
            key = LONGER
        groups[key].append(entry)
    found = []
    for key, members in groups.items():
        ordered = sorted(members, key=lambda i: i.problem.id)
        steps = list(dict.fromkeys(s for s in (i.problem.next_steps for i in ordered) if s))
        found.append(ReasonGroup(key, ordered, steps))
    return sorted(found, key=lambda g: (g.reason == "", -len(g.items), g.items[0].problem.id))


def unit_blocks(ledger: Ledger, items: Sequence[Item]) -> list[UnitBlock]:
    """The problems by responsible unit, units in the order of units.yaml (others after, by id)."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for entry in items:
        groups[entry.problem.unit].append(entry)
    order = {unit: index for index, unit in enumerate(ledger.units)}
    return [
        UnitBlock(unit, groups[unit][0].unit_name, sorted(groups[unit], key=lambda i: i.problem.id))
        for unit in sorted(groups, key=lambda u: (order.get(u, len(order)), u))
    ]


def rectification(ledger: Ledger, year: int, provenance: Provenance) -> RectificationReport:
    as_of = provenance.as_of
    items = year_items(ledger, year, as_of)
    meta = ledger.years.get(year)
    unfinished = sorted((i for i in items if not i.done), key=lambda i: (-i.days_overdue, i.problem.id))
    return RectificationReport(
        heading=heading(ledger, Kind.rectification, year, provenance),
        address=address(ledger, meta),
        overall=overall(items),
        categories=categories(ledger, items),
        unfinished=unfinished,
        reasons=reason_groups(unfinished),
        items=items,
        units=units(ledger, items),
        by_unit=unit_blocks(ledger, items),
    )


def supervision(ledger: Ledger, year: int, provenance: Provenance) -> SupervisionReport:
    as_of = provenance.as_of
    items = year_items(ledger, year, as_of)
    meta = ledger.years.get(year)
    tracking = sorted(
        (
            TrackingLine(entry.date, entry.method, entry.finding, i.problem.id, i.unit_name)
            for i in items
            for entry in i.problem.tracking
            if not entry.internal and entry.date <= as_of
        ),
        key=lambda line: (line.date, line.problem),
    )
    counts: dict[Any, int] = defaultdict(int)
    for line in tracking:
        counts[line.method] += 1
    return SupervisionReport(
        heading=heading(ledger, Kind.supervision, year, provenance),
        overall=overall(items),
        tracking=tracking,
        by_method=[(m, counts[m]) for m in type(tracking[0].method) if counts.get(m)] if tracking else [],
        resolutions=resolution_lines(ledger, meta, as_of),
        suggestions=[s for s in (meta.suggestions if meta else []) if s.received <= as_of],
        votes=vote_lines(ledger, meta, as_of),
        recommendations=recommendation_lines(ledger, meta),
        hearings=hearing_lines(ledger, meta, as_of),
        deputies=deputy_lines(items),
    )


def unit_report(ledger: Ledger, year: int, unit: str, provenance: Provenance) -> UnitReport:
    as_of = provenance.as_of
    if unit not in ledger.units:
        from auditledger.diagnostics import did_you_mean

        raise AuditLedgerError(
            _("--unit: unit '{unit}' is not in units.yaml").format(unit=unit),
            hint=did_you_mean(unit, ledger.units) or _("see units.yaml for the ids"),
        )
    items = year_items(ledger, year, as_of)
    own = [i for i in items if i.problem.unit == unit]
    return UnitReport(
        heading=heading(ledger, Kind.unit, year, provenance),
        unit=unit,
        name=ledger.unit_name(unit),
        items=own,
        cooperating=[i for i in items if unit in i.problem.cooperating],
        share=share(own),
        amount=total(i.problem.amount for i in own),
        rectified=total(i.rectified for i in own),
    )


def plan_status(ledger: Ledger, year: int, provenance: Provenance) -> PlanStatus:
    as_of = provenance.as_of
    items = year_items(ledger, year, as_of)
    meta = ledger.years.get(year)
    return PlanStatus(
        heading=heading(ledger, Kind.plan_status, year, provenance),
        overall=overall(items),
        overdue=sorted(
            (i for i in items if i.days_overdue > 0), key=lambda i: (-i.days_overdue, i.problem.id)
        ),
        resolutions=resolution_lines(ledger, meta, as_of),
        votes=vote_lines(ledger, meta, as_of),
        hearings=hearing_lines(ledger, meta, as_of),
    )


# --- typical cases -----------------------------------------------------------------------


@dataclass(frozen=True)
class CasesReport:
    """The typical-case analysis (典型案例剖析) of a year."""

    heading: Heading
    cases: list[Item]


def cases(ledger: Ledger, year: int, provenance: Provenance) -> CasesReport:
    items = year_items(ledger, year, provenance.as_of)
    return CasesReport(heading(ledger, Kind.cases, year, provenance), [i for i in items if i.problem.case])


# --- the version for publication ---------------------------------------------------------

_GAP = r"[\s\-.\u2010-\u2015\u2212()/\u200b-\u200d\u2060\ufeff\u00ad\u00b7_*~\u301c]{0,5}"
"""What people put between the digits of a number: spaces (zero-width ones too), hyphens and
dashes, dots, brackets, slashes, ·_*~～. Not 、，。： — they separate the items of a list, whose
numbers (years, ids) must stay."""
_CONTACTS = re.compile(
    # identity card numbers: 17 digits and a check digit or X, however grouped; or the 15 digits
    # of the first generation
    rf"(?<![0-9])[1-9](?:{_GAP}[0-9]){{16}}{_GAP}[0-9Xx](?![0-9A-Za-z])"
    rf"|(?<![0-9])[1-9](?:{_GAP}[0-9]){{14}}(?![0-9A-Za-z])"
    # mobile numbers, with or without +86 / 0086 / (+86)
    rf"|(?:\(?(?:\+|00){_GAP}86\)?{_GAP}|(?<![0-9]))1{_GAP}[3-9](?:{_GAP}[0-9]){{9}}(?![0-9])"
    # landlines: an area code (0 and two or three digits, or without the 0 after +86) and 7-8 digits
    rf"|(?:\(?(?:\+|00){_GAP}86\)?{_GAP}\(?[1-9][0-9]{{1,2}}\)?|(?<![0-9])\(?0[1-9][0-9]{{1,2}}\)?)"
    rf"{_GAP}[1-9](?:{_GAP}[0-9]){{6,7}}(?![0-9])"
    # e-mail addresses, also with a name of up to four Chinese characters before @ and a domain
    # in Chinese (例子.中国)
    r"|(?:[A-Za-z0-9._%+\-]+|[\u4e00-\u9fff]{1,4})\s?@\s?[\w\-]+(?:\s?\.\s?[\w\-]+)*\s?\.\s?(?:[A-Za-z]{2,}|[\u4e00-\u9fff]{2,})"
)
_MAYBE_CONTACT = re.compile(r"[\d@\uff20\ufe6b]")
"""A text without a digit (ASCII, full-width or other) or an at sign holds no contact."""
REDACTED = "［已隐去］"


def scrub(text: str) -> str:
    """Text with telephone numbers, e-mail addresses and identity numbers taken out, however
    they are written: the search runs on the text folded by NFKC (full-width digits, letters,
    ＋ and ＠ become ASCII) one character at a time, so that what is kept keeps its own form."""
    if not _MAYBE_CONTACT.search(text):
        return text
    folded, origin = _folded(text)
    parts, kept = [], 0
    for match in _CONTACTS.finditer(folded):
        if match.end() == match.start():
            continue
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        parts += [text[kept:start], REDACTED]
        kept = end
    return "".join([*parts, text[kept:]]) if parts else text


_WIDE = {0x3000: " ", **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}}
"""The full-width forms NFKC folds one for one into ASCII (most of what people type)."""


def _folded(text: str) -> tuple[str, range | list[int]]:
    """`text` under NFKC character by character, and for each folded character the index of
    the character it came from. Fast path: when folding the full-width forms leaves a text NFKC
    has nothing more to do to, every character stayed one character."""
    quick = text.translate(_WIDE)
    if unicodedata.is_normalized("NFKC", quick):
        return quick, range(len(quick) + 1)
    pieces, origin = [], []
    for index, char in enumerate(text):
        piece = char if char.isascii() else _fold(char)
        pieces.append(piece)
        origin += [index] * len(piece)
    return "".join(pieces), origin


@functools.cache
def _fold(char: str) -> str:
    return unicodedata.normalize("NFKC", char) or char


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


PRIVATE_FIELDS = frozenset(
    {"responsible_person", "checked_by", "deputy", "by", "head", "attendees", "questions", "tracking"}
)
"""Fields whose values name people or hold internal records: their changes leave the history
of the public version (the fields themselves are blanked or replaced)."""


def _anonymous(value: Any) -> Any:
    """Every `history` in a dumped record, at any depth, without its authors, notes and the
    changes of private fields."""
    if isinstance(value, list):
        return [_anonymous(v) for v in value]
    if not isinstance(value, dict):
        return value
    found = {k: _anonymous(v) for k, v in value.items()}
    if isinstance(found.get("history"), list):
        found["history"] = [
            {
                **entry,
                "by": None,
                "note": None,
                "changes": [c for c in entry["changes"] if c["field"].split(".")[0] not in PRIVATE_FIELDS],
            }
            for entry in found["history"]
        ]
    return found


def public_ledger(ledger: Ledger) -> Ledger:
    """The ledger as a published report may show it: no responsible persons, checkers, authors of
    changes, deputies', askers' or heads' names, no internal tracking records or history notes
    (of problems and of every record of a year), and no telephone numbers, e-mail addresses or
    identity numbers in any text."""
    files = []
    for file in ledger.problem_files:
        problems = []
        for entry in file.entries:
            p = entry.record
            data = p.model_dump()
            data.update(
                responsible_person=None,
                checked_by=None,
                tracking=[
                    {**t, "by": None, "deputies": [{**d, "name": "人大代表"} for d in t["deputies"]]}
                    for t in data["tracking"]
                    if not t["internal"]
                ],
            )
            problems.append(Located(Problem.model_validate(_scrubbed(_anonymous(data))), entry.origin))
        files.append(ProblemFile(file.path, problems))
    years = []
    for year_entry in ledger.year_entries:
        data = year_entry.record.model_dump()
        for suggestion in data["suggestions"]:
            suggestion["deputy"] = "人大代表"
        for hearing in data["hearings"]:
            for attendee in hearing["attendees"]:
                attendee["head"] = None
            for question in hearing["questions"]:
                question["by"] = None
        years.append(Located(YearMeta.model_validate(_scrubbed(_anonymous(data))), year_entry.origin))
    clean = Ledger(ledger.root, ledger.settings, ledger.settings_origin, ledger.unit_entries, years, files)
    clean.digest = ledger.digest
    clean.public = True
    clean.as_of = ledger.as_of
    clean.left_out = ledger.left_out
    return clean


# --- budget review and state-owned assets ---------------------------------------------------


@dataclass(frozen=True)
class DepartmentBlock:
    """One budget department's open or recurring problems and what the committee said of them."""

    unit: str
    name: str
    items: list[Item]
    amount: Decimal
    outstanding: Decimal
    opinions: list[Resolution]


@dataclass(frozen=True)
class BudgetReview:
    """Input to the preliminary review of the next budget (初步审查意见): the problems of this and
    earlier years still open, or recurring, by budget department."""

    heading: Heading
    departments: list[DepartmentBlock]


def budget_review(ledger: Ledger, year: int, provenance: Provenance) -> BudgetReview:
    as_of = provenance.as_of
    year_items(ledger, year, as_of)  # refuses a year without problems
    chosen = [
        item(ledger, p, as_of)
        for p in ledger.problems
        if p.year <= year and (not item(ledger, p, as_of).done or p.recurring_from)
    ]
    opinions: dict[str, list[Resolution]] = defaultdict(list)
    for meta in ledger.years.values():
        for resolution in meta.resolutions:
            for problem_id in resolution.problems:
                opinions[problem_id].append(resolution)
    groups: dict[str, list[Item]] = defaultdict(list)
    for entry in chosen:
        groups[entry.problem.budget_department or entry.problem.unit].append(entry)
    blocks = []
    for unit, group in sorted(groups.items(), key=lambda kv: (-total(i.outstanding for i in kv[1]), kv[0])):
        said = {r.id: r for i in group for r in opinions.get(i.problem.id, [])}
        blocks.append(
            DepartmentBlock(
                unit,
                ledger.unit_name(unit),
                sorted(group, key=lambda i: (i.problem.year, i.problem.id)),
                total(i.problem.amount for i in group),
                total(i.outstanding for i in group),
                [said[k] for k in sorted(said)],
            )
        )
    return BudgetReview(heading(ledger, Kind.budget_review, year, provenance), blocks)


@dataclass(frozen=True)
class AssetsReport:
    """The state-owned assets section (国有资产管理情况): problems of the asset categories."""

    heading: Heading
    categories: list[CategoryBlock]
    accountable: dict[str, int]
    overall: Overall | None
    earlier: list[Item] = field(default_factory=list)
    """Asset problems of earlier years still unfinished on the report's day, oldest first."""

    @property
    def earlier_totals(self) -> Totals:
        return totals(self.earlier)


def assets(ledger: Ledger, year: int, provenance: Provenance) -> AssetsReport:
    """The asset categories are those the `asset_pattern` setting finds, and those listed in
    `asset_categories`: users write 国有资产, 企业国有资产, 国有企业资产, 金融企业国有资产, …"""
    settings = ledger.settings
    items = [
        i
        for i in year_items(ledger, year, provenance.as_of)
        if settings.is_asset_category(i.problem.category)
    ]
    blocks = [b for b in categories(ledger, items) if settings.is_asset_category(b.name)]
    earlier = [
        i
        for i in (
            item(ledger, p, provenance.as_of)
            for p in ledger.problems
            if p.year < year and settings.is_asset_category(p.category)
        )
        if not i.done
    ]
    return AssetsReport(
        heading(ledger, Kind.assets, year, provenance),
        blocks,
        {b.name: sum(i.problem.accountable for i in b.items) for b in blocks},
        overall(items) if items else None,
        sorted(earlier, key=lambda i: (i.problem.year, i.problem.id)),
    )


# --- reminders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What one responsible unit owes: its overdue and due-soon items (problems, milestones,
    answers to questions and deputies, report-backs), each with its deadline."""

    unit: str
    name: str
    overdue: list[Any]
    """deadlines.Due rows past their deadline, most overdue first."""
    due_soon: list[Any]
    """deadlines.Due rows due within the `due_soon_days` setting, soonest first."""


@dataclass(frozen=True)
class NoticeReport:
    """The 整改督办通知: one notice per responsible unit (one unit with `--unit`, else every unit
    that owes something), from the ledger as of the report's day. Items of every year count: a
    reminder is about all that is owed."""

    heading: Heading
    notices: list[Notice]
    within: int
    """The due-soon window in days."""


def notice(ledger: Ledger, year: int, provenance: Provenance, unit: str | None = None) -> NoticeReport:
    from auditledger.deadlines import Level, watch

    if unit is not None and unit not in ledger.units:
        from auditledger.diagnostics import did_you_mean

        raise AuditLedgerError(
            _("--unit: unit '{unit}' is not in units.yaml").format(unit=unit),
            hint=did_you_mean(unit, ledger.units) or _("see units.yaml for the ids"),
        )
    found: dict[str, list[Any]] = defaultdict(list)
    for row in watch(ledger, provenance.as_of):
        if row.unit is not None and (unit is None or row.unit == unit):
            found[row.unit].append(row)
    wanted = [unit] if unit is not None else sorted(found)
    notices = [
        Notice(
            u,
            ledger.unit_name(u),
            sorted((r for r in found[u] if r.level is Level.overdue), key=lambda r: (-r.days_overdue, r.id)),
            sorted((r for r in found[u] if r.level is Level.due_soon), key=lambda r: (r.due, r.id)),
        )
        for u in wanted
    ]
    return NoticeReport(
        heading(ledger, Kind.notice, year, provenance), notices, ledger.settings.due_soon_days
    )


DOCUMENTS = (
    Kind.rectification,
    Kind.supervision,
    Kind.unit,
    Kind.notice,
    Kind.plan_status,
    Kind.cases,
    Kind.budget_review,
    Kind.assets,
)
"""The kinds `report --kind` makes (the others are made by `plan`, `stats` and `rollup`)."""

Document = (
    RectificationReport
    | SupervisionReport
    | UnitReport
    | NoticeReport
    | PlanStatus
    | CasesReport
    | BudgetReview
    | AssetsReport
)


def document(
    ledger: Ledger, kind: Kind, year: int, provenance: Provenance, unit: str | None = None
) -> Document:
    """The data of a report of `kind` (one of `DOCUMENTS`); `unit` is the unit's id for
    `Kind.unit`, and for `Kind.notice` the one unit to notify (default: every unit with items)."""
    if kind is Kind.unit:
        assert unit is not None
        return unit_report(ledger, year, unit, provenance)
    if kind is Kind.notice:
        return notice(ledger, year, provenance, unit)
    makers: dict[Kind, Callable[[Ledger, int, Provenance], Document]] = {
        Kind.rectification: rectification,
        Kind.supervision: supervision,
        Kind.plan_status: plan_status,
        Kind.cases: cases,
        Kind.budget_review: budget_review,
        Kind.assets: assets,
    }
    return makers[kind](ledger, year, provenance)
