"""The tracking-supervision plan (跟踪监督工作方案): the year's problems ranked as candidates for
prominent problems by the seed's criteria, each score with its reasons, and the plan's data —
its basis, the proposed problems with their methods, body and dates, the widespread problems,
joint supervision with lower-level committees, the division of work and deputies' part.

Every criterion gives a share between 0 and 1, multiplied by its weight (a setting); the score
is their sum. Equal facts give equal scores and equal ranks. May import: model, recurrence,
reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from auditledger.model import (
    AmountKind,
    Ledger,
    Problem,
    Resolution,
    Suggestion,
    TrackingMethod,
    UnitKind,
)
from auditledger.recurrence import Cluster, Matcher, clusters, matches, widest_cluster
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
class Step:
    """A dated step of a problem's tracking: a milestone or the deadline."""

    day: date
    zh: str
    en: str


@dataclass(frozen=True)
class Assignment:
    """How the committee proposes to track one prominent problem."""

    methods: list[TrackingMethod]
    body: str
    """The committee body that leads the tracking."""
    steps: list[Step]


@dataclass(frozen=True)
class Candidate:
    problem: Problem
    unit_name: str
    score: Decimal
    reasons: list[Reason]
    rank: int
    """Equal scores share a rank (1, 2, 2, 4)."""
    lower_names: list[str]
    """The lower-level governments involved, by name: the unit itself, the problem's
    lower_government, or a cooperating unit that is one."""
    assignment: Assignment

    def points(self, criterion: str) -> Decimal:
        return next((r.points for r in self.reasons if r.criterion == criterion), Decimal("0.00"))

    @property
    def flagged(self) -> bool:
        """The budget working committee marked it prominent (`update ID --prominent`)."""
        return self.problem.prominent


@dataclass(frozen=True)
class Basis:
    """What the plan rests on: the year's audit work report, and the committee's resolutions and
    deliberation opinions adopted by the as-of day."""

    audit_report: date | None
    resolutions: list[Resolution]


@dataclass(frozen=True)
class Plan:
    heading: Heading
    weights: dict[str, Decimal]
    candidates: list[Candidate]
    """Every problem of the year, best first: the annex (`--explain`)."""
    selected: list[Candidate]
    """The problems flagged prominent; the top candidates when none is flagged yet."""
    flagged: bool
    """Whether `selected` are the problems the budget working committee flagged."""
    methods: list[TrackingMethod]
    lower: list[Candidate]
    """Selected problems that involve a lower-level government: supervised jointly with its committee."""
    prevalent: list[Cluster]
    """The same problem (object and nature) at several units this year."""
    basis: Basis
    keeper: str
    """The body that keeps the ledger and drafts the plan."""
    bodies: list[str]
    """The committee bodies that lead the tracking of the selected problems."""
    suggestions: list[Suggestion]
    """Deputies' opinions and suggestions on the selected problems."""
    suggestion_months: int
    """Months within which units answer deputies (a setting)."""
    explain: bool
    """Whether the annex of scores is printed."""


def _points(share: Decimal, weight: Decimal) -> Decimal:
    return (share * weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def lower_governments(ledger: Ledger, problem: Problem) -> list[str]:
    """The lower-level governments a problem involves, by id: its lower_government field, its
    lead unit when that is a lower-level government, its cooperating units that are."""
    found = [problem.lower_government] if problem.lower_government else []
    for unit_id in (problem.unit, *problem.cooperating):
        unit = ledger.units.get(unit_id)
        if unit is not None and unit.kind is UnitKind.lower_government:
            found.append(unit_id)
    return list(dict.fromkeys(found))


def _kinds(problem: Problem, reasons: list[Reason], lower: bool) -> list[str]:
    """The kinds of problem (keys of the setting plan_method_rules) this one is."""
    kinds = [problem.type.value]
    criteria = {r.criterion for r in reasons}
    if problem.systemic:
        kinds.append("systemic")
    if "recurring" in criteria:
        kinds.append("recurring")
    if "prevalent" in criteria:
        kinds.append("prevalent")
    if lower:
        kinds.append("lower_government")
    if problem.category == LAWBREAKING:
        kinds.append("lawbreaking")
    if "public_concern" in criteria:
        kinds.append("public_concern")
    return kinds


def _assignment(ledger: Ledger, problem: Problem, kinds: list[str], as_of: date) -> Assignment:
    rules = ledger.settings.plan_method_rules
    wanted = {method for kind in kinds for method in rules.get(kind, ())}
    methods = [m for m in TrackingMethod if m in wanted]
    body = ledger.settings.plan_bodies.get(problem.category or "", ledger.settings.name)
    steps = [
        Step(m.due, f"阶段目标：{m.text}", f"milestone: {m.text}")
        for m in problem.milestones
        if m.done is None or m.done > as_of
    ]
    steps.append(Step(problem.deadline, "整改时限", "deadline"))
    return Assignment(methods, body, sorted(steps, key=lambda s: (s.day, s.zh)))


def rank(
    ledger: Ledger, year: int, as_of: date, matcher: Matcher | None = None
) -> tuple[list[Candidate], list[Cluster]]:
    """Every problem of `year`, highest score first (then by id; equal scores share a rank),
    and the widespread problems of the year."""
    problems = [p for p in ledger.problems if p.year == year]
    weights = ledger.settings.plan_weights
    matcher = matcher or Matcher.for_ledger(ledger)
    widespread = clusters(ledger, year, matcher)
    widest = widest_cluster(widespread)
    amounts = sorted((p.amount for p in problems if p.amount > 0), reverse=True)
    recurring: dict[str, list[tuple[str, str, str, Decimal]]] = defaultdict(list)
    for match in matches(ledger, [year], matcher=matcher):
        share = Decimal(1) if match.confirmed else Decimal(str(round(match.score, 2)))
        recurring[match.problem.id].append((match.earlier.id, match.why(True), match.why(False), share))
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

        cluster = widest.get(problem.id)
        if cluster is not None:
            units = len(cluster.units)
            add(
                "prevalent",
                min(Decimal(1), Decimal(units - 1) / 4),
                f"同一问题本年度在{units}个单位存在（{cluster.why(True)}）",
                f"the same problem at {units} units this year ({cluster.why(False)})",
            )
        links = recurring.get(problem.id, [])
        if links:
            sure = [i for i, _, _, share in links if share == 1]
            likely = [(i, zh, en) for i, zh, en, share in links if share < 1]
            zh_parts, en_parts = [], []
            if sure:
                zh_parts.append(f"与以往年度问题{'、'.join(sure)}重复（已确认）")
                en_parts.append(f"repeats earlier problem(s) {', '.join(sure)} (confirmed)")
            for earlier_id, why_zh, why_en in likely:
                zh_parts.append(f"经比对与以往年度问题{earlier_id}相同（{why_zh}），待确认")
                en_parts.append(f"matches earlier problem {earlier_id} ({why_en}), to be confirmed")
            add("recurring", max(share for *_, share in links), "；".join(zh_parts), "; ".join(en_parts))
        if problem.systemic or problem.category == LAWBREAKING:
            add(
                "nature",
                Decimal(1),
                "体制机制性问题" if problem.systemic else "违纪违法问题线索",
                "systemic problem" if problem.systemic else "leads of lawbreaking",
            )
        elif problem.amount_kind in (AmountKind.violation, AmountKind.loss):
            add(
                "nature",
                Decimal("0.5"),
                f"涉及{problem.amount_kind.zh}",
                f"involves {problem.amount_kind.en}",
            )
        if problem.amount > 0:
            position = 1 + sum(1 for a in amounts if a > problem.amount)
            larger_or_equal = len(amounts)
            share = (
                Decimal(1)
                if larger_or_equal == 1
                else Decimal(larger_or_equal - position) / (larger_or_equal - 1)
            )
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
        score = sum((r.points for r in reasons), Decimal("0.00"))
        found.append((problem, score, reasons))
    found.sort(key=lambda item: (-item[1], item[0].id))
    scores = [score for _, score, _ in found]
    candidates = []
    for problem, score, reasons in found:
        lower = lower_governments(ledger, problem)
        candidates.append(
            Candidate(
                problem,
                ledger.unit_name(problem.unit),
                score,
                reasons,
                1 + sum(1 for s in scores if s > score),
                [ledger.unit_name(u) for u in lower],
                _assignment(ledger, problem, _kinds(problem, reasons, bool(lower)), as_of),
            )
        )
    return candidates, widespread


def plan(ledger: Ledger, year: int, top: int, provenance: Provenance, explain: bool = False) -> Plan:
    """The plan of `year`: the flagged prominent problems, else the candidates ranked `top` or
    better (all of a tie at the edge)."""
    from auditledger.reports import year_items

    year_items(ledger, year, provenance.as_of)  # refuses a year without problems, with a hint
    candidates, widespread = rank(ledger, year, provenance.as_of)
    flagged = [c for c in candidates if c.flagged]
    selected = flagged or [c for c in candidates if c.rank <= top]
    chosen = {c.problem.id for c in selected}
    meta = ledger.years.get(year)
    resolutions = sorted(
        (
            r
            for y, m in ledger.years.items()
            if y <= year
            for r in m.resolutions
            if r.adopted <= provenance.as_of
        ),
        key=lambda r: (r.adopted, r.id),
    )
    suggestions = sorted(
        (s for m in ledger.years.values() for s in m.suggestions if chosen & set(s.problems)),
        key=lambda s: (s.received, s.id),
    )
    return Plan(
        heading=heading(ledger, Kind.plan, year, provenance),
        weights=dict(ledger.settings.plan_weights),
        candidates=candidates,
        selected=selected,
        flagged=bool(flagged),
        methods=list(ledger.settings.plan_methods),
        lower=[c for c in selected if c.lower_names],
        prevalent=widespread,
        basis=Basis(
            meta.audit_report.heard_on if meta and meta.audit_report else None,
            resolutions,
        ),
        keeper=ledger.settings.name,
        bodies=sorted({c.assignment.body for c in selected}),
        suggestions=suggestions,
        suggestion_months=ledger.settings.suggestion_months,
        explain=explain,
    )
