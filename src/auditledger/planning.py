"""The tracking-supervision plan (跟踪监督工作方案): the year's problems ranked as candidates for
prominent problems by the seed's criteria, each score with its reasons, and the plan's data.

Every criterion gives a share between 0 and 1, multiplied by its weight (a setting); the score
is their sum. May import: model, deadlines, recurrence, reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from auditledger.model import AmountKind, Ledger, Problem, TrackingMethod
from auditledger.recurrence import matches
from auditledger.reports import Heading, Kind, Provenance, heading, percent

CRITERIA = ("prevalent", "recurring", "nature", "amount", "record", "public_concern", "budget_focus")
CRITERION_NAMES = {
    "prevalent": ("普遍存在", "prevalent"),
    "recurring": ("反复出现", "recurring"),
    "nature": ("问题性质", "nature"),
    "amount": ("资金规模", "amount"),
    "record": ("以往整改情况", "past record"),
    "public_concern": ("代表和群众关心", "public concern"),
    "budget_focus": ("预算审查重点", "budget-review focus"),
}
LAWBREAKING = "违纪违法问题线索"


@dataclass(frozen=True)
class Reason:
    criterion: str
    share: Decimal
    """Between 0 and 1."""
    points: Decimal
    """share × weight."""
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Candidate:
    problem: Problem
    unit_name: str
    score: Decimal
    reasons: list[Reason]
    rank: int
    lower_name: str | None = None
    """The lower-level government involved, by name."""

    def points(self, criterion: str) -> Decimal:
        return next((r.points for r in self.reasons if r.criterion == criterion), Decimal("0.00"))

    @property
    def confirmed(self) -> bool:
        """The committee flagged it prominent (`update ID --prominent`)."""
        return self.problem.prominent


@dataclass(frozen=True)
class Plan:
    heading: Heading
    weights: dict[str, Decimal]
    candidates: list[Candidate]
    selected: list[Candidate]
    """The problems flagged prominent; the top candidates when none is flagged yet."""
    confirmed: bool
    """Whether `selected` are the committee's confirmed choice."""
    methods: list[TrackingMethod]
    lower: list[Candidate]
    """Selected problems that involve a lower-level government: supervised jointly with its committee."""


def _points(share: Decimal, weight: Decimal) -> Decimal:
    return (share * weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rank(ledger: Ledger, year: int, as_of: date) -> list[Candidate]:
    """Every problem of `year`, highest score first (then by id)."""
    problems = [p for p in ledger.problems if p.year == year]
    weights = ledger.settings.plan_weights
    units_by_category: dict[str, set[str]] = defaultdict(set)
    for problem in problems:
        if problem.category:
            units_by_category[problem.category].add(problem.unit)
    by_amount = sorted((p for p in problems if p.amount > 0), key=lambda p: (-p.amount, p.id))
    amount_rank = {p.id: n for n, p in enumerate(by_amount, start=1)}
    recurring: dict[str, list[tuple[str, float, bool]]] = defaultdict(list)
    for match in matches(ledger, [year]):
        recurring[match.problem.id].append((match.earlier.id, match.score, match.confirmed))
    asked: dict[str, list[str]] = defaultdict(list)
    for meta in ledger.years.values():
        for suggestion in meta.suggestions:
            for problem_id in suggestion.problems:
                asked[problem_id].append(f"{suggestion.deputy}（{suggestion.id}）")
    earlier = [p for p in ledger.problems if p.year < year]
    record: dict[str, tuple[int, int, int]] = {}
    for unit in {p.unit for p in problems}:
        own = [p for p in earlier if p.unit == unit]
        done = sum(
            1 for p in own if p.status.finished and (p.completed_on is None or p.completed_on <= as_of)
        )
        late = sum(1 for p in own if not p.status.finished and p.deadline < as_of)
        record[unit] = (len(own), done, late)

    found = []
    for problem in problems:
        reasons: list[Reason] = []

        def add(criterion: str, share: Decimal, zh: str, en: str, found: list[Reason] = reasons) -> None:
            if share > 0:
                found.append(Reason(criterion, share, _points(share, weights[criterion]), zh, en))

        units = len(units_by_category.get(problem.category or "", ()))
        if units >= 2:
            add(
                "prevalent",
                min(Decimal(1), Decimal(units - 1) / 4),
                f"同类问题（{problem.category}）本年度在{units}个单位存在",
                f"{units} units have problems of this category ({problem.category}) this year",
            )
        links = recurring.get(problem.id, [])
        if links:
            best = max(Decimal(1) if confirmed else Decimal(str(round(s, 2))) for _, s, confirmed in links)
            ids = "、".join(i for i, _, _ in links)
            add(
                "recurring",
                best,
                f"与以往年度问题{ids}重复或相似",
                f"repeats or resembles earlier problem(s) {ids}",
            )
        if problem.systemic or problem.category == LAWBREAKING:
            why_zh = "体制机制性问题" if problem.systemic else "违纪违法问题线索"
            add(
                "nature",
                Decimal(1),
                why_zh,
                "systemic problem" if problem.systemic else "leads of lawbreaking",
            )
        elif problem.amount_kind in (AmountKind.violation, AmountKind.loss):
            add(
                "nature",
                Decimal("0.5"),
                f"涉及{problem.amount_kind.zh}",
                f"involves {problem.amount_kind.en}",
            )
        position = amount_rank.get(problem.id)
        if position is not None:
            count = len(by_amount)
            share = Decimal(1) if count == 1 else Decimal(count - position) / (count - 1)
            add(
                "amount",
                share,
                f"问题金额{problem.amount}万元，居本年度第{position}位",
                f"amount {problem.amount} (10k yuan), number {position} this year",
            )
        before, done, late = record.get(problem.unit, (0, 0, 0))
        if before:
            rate = percent(done, before)
            assert rate is not None
            add(
                "record",
                (Decimal(100) - rate) / 100,
                f"该单位以往年度问题{before}个，完成率{rate}%，逾期未完成{late}个",
                f"the unit's {before} earlier problems: {rate}% done, {late} overdue",
            )
        if asked.get(problem.id) or "public_concern" in problem.tags:
            who = "、".join(asked.get(problem.id, [])) or "标注为群众关心"
            add(
                "public_concern",
                Decimal(1),
                f"代表和群众关心：{who}",
                f"concern of deputies and the public: {who}",
            )
        if "budget_focus" in problem.tags:
            add("budget_focus", Decimal(1), "预算审查监督重点", "a focus of the budget review")
        score = sum((r.points for r in reasons), Decimal(0))
        found.append((problem, score, reasons))
    found.sort(key=lambda item: (-item[1], item[0].id))
    return [
        Candidate(
            problem,
            ledger.unit_name(problem.unit),
            score,
            reasons,
            n,
            ledger.unit_name(problem.lower_government) if problem.lower_government else None,
        )
        for n, (problem, score, reasons) in enumerate(found, start=1)
    ]


def plan(ledger: Ledger, year: int, top: int, provenance: Provenance) -> Plan:
    from auditledger.reports import year_items

    year_items(ledger, year, provenance.as_of)  # refuses a year without problems, with a hint
    candidates = rank(ledger, year, provenance.as_of)
    flagged = [c for c in candidates if c.confirmed]
    selected = flagged or candidates[:top]
    return Plan(
        heading=heading(ledger, Kind.plan, year, provenance),
        weights=dict(ledger.settings.plan_weights),
        candidates=sorted(
            {c.problem.id: c for c in [*flagged, *candidates[:top]]}.values(), key=lambda c: c.rank
        ),
        selected=selected,
        confirmed=bool(flagged),
        methods=list(ledger.settings.plan_methods),
        lower=[c for c in selected if c.problem.lower_government],
    )
