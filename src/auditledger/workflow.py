"""The rectification workflow as pure changes of records: status transitions with their rules,
deadline extensions, milestones, tracking records, and the year's resolutions, suggestions
and votes. Each returns the new record; `edits` writes it. May import: model, diagnostics,
deadlines, edits (for `build`), i18n, labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel

from auditledger import i18n, labels
from auditledger.deadlines import rereport_due, vote_result
from auditledger.diagnostics import AuditLedgerError
from auditledger.edits import build
from auditledger.i18n import _
from auditledger.model import (
    Change,
    Disclosure,
    GovernmentReport,
    HistoryEntry,
    Milestone,
    Problem,
    ProminentReason,
    Question,
    RectificationType,
    RectifyMethod,
    Report,
    Settings,
    Status,
    TrackingEntry,
    TypicalCase,
    YearMeta,
)

H = TypeVar("H", bound=BaseModel)
"""A record that keeps a `history`."""

LIFECYCLE = list(Status)
"""未整改 → 整改中 → 部分整改 → 已整改 → 已销号; moving left is reopening."""

PROBLEM_OPTIONS = {
    "rectified": "--rectified-amount",
    "rules_count": "--rules",
    "measures": "--measure",
    "evidence": "--evidence",
    "deadline": "--to",
    "milestones": "--due",
}


@dataclass(frozen=True)
class Update:
    """What `auditledger update` was asked to change."""

    status: Status | None = None
    rectified_amount: Decimal | str | None = None
    method: RectifyMethod = RectifyMethod.other
    measure: str | None = None
    rules: int | None = None
    accountable: int | None = None
    evidence: str | None = None
    reason: str | None = None
    next_steps: str | None = None
    prominent: bool | None = None
    """Confirm (True) or drop (False) the problem as prominent; `reason` then says why."""
    recurring_from: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    counterpart: tuple[str, str] | None = None
    """(jurisdiction, id): the same problem in a lower- or upper-level ledger."""
    budget_department: str | None = None
    budget_items: tuple[str, ...] = ()


def refuse(message: str, hint: str = "") -> AuditLedgerError:
    """A refused change: `message` and `hint` are translated already."""
    return AuditLedgerError(_("refused: {message}").format(message=message), hint=hint)


def update(problem: Problem, request: Update, on: date, by: str | None, note: str | None) -> Problem:
    """The problem after `request`, with one history entry; refused transitions raise."""
    fields: dict[str, Any] = {}
    if request.measure:
        fields["measures"] = [*problem.measures, request.measure]
    if request.evidence:
        fields["evidence"] = [*problem.evidence, request.evidence]
    if request.rectified_amount is not None:
        fields["rectified"] = {**problem.rectified, request.method: request.rectified_amount}
    if request.rules is not None:
        fields["rules_count"] = request.rules
    if request.accountable is not None:
        fields["accountable"] = request.accountable
    choosing = request.prominent is not None and request.prominent is not problem.prominent
    if request.reason and not choosing:
        fields["reason"] = request.reason
    if choosing:
        fields["prominent"] = request.prominent
        if request.prominent and request.reason:
            named = [r for r in ProminentReason if r.zh in request.reason or r.value in request.reason]
            fields["prominent_reasons"] = [
                *problem.prominent_reasons,
                *(r for r in named if r not in problem.prominent_reasons),
            ]
            note = note or request.reason
    new_links = [link for link in request.recurring_from if link not in problem.recurring_from]
    if new_links:
        fields["recurring_from"] = [*problem.recurring_from, *new_links]
    if request.budget_department is not None:
        fields["budget_department"] = request.budget_department
    new_items = [code for code in request.budget_items if code not in problem.budget_items]
    if new_items:
        fields["budget_items"] = [*problem.budget_items, *new_items]
    if request.counterpart is not None:
        fields["counterpart"] = {"ledger": request.counterpart[0], "id": request.counterpart[1]}
    new_tags = [tag for tag in request.tags if tag not in problem.tags]
    if new_tags:
        fields["tags"] = [*problem.tags, *new_tags]
    if request.next_steps:
        fields["next_steps"] = request.next_steps
    action = "update"
    if request.status is not None and request.status is not problem.status:
        action = _transition(problem, request, fields, on, by)
    if not fields:
        raise refuse(
            _("nothing to change for {id}").format(id=problem.id),
            _("pass --status or another option to change"),
        )
    return with_history(problem, fields, on, by, action, note)


def _transition(problem: Problem, request: Update, fields: dict[str, Any], on: date, by: str | None) -> str:
    target = request.status
    assert target is not None
    old, new = LIFECYCLE.index(problem.status), LIFECYCLE.index(target)
    fields["status"] = target
    if new < old:
        if not request.reason:
            raise refuse(
                _("{id} goes back from {old} to {new} (reopening)").format(
                    id=problem.id, old=problem.status.zh, new=target.zh
                ),
                _("say why with --reason"),
            )
        fields["round"] = problem.round + 1
        if not target.finished:
            fields.update(completed_on=None, closed_on=None, checked_by=None)
        elif target is Status.rectified:
            fields.update(closed_on=None, checked_by=None)
        return "reopen"
    if target.finished:
        if not fields.get("measures", problem.measures):
            raise refuse(
                _("{id} cannot be {status} without a rectification measure").format(
                    id=problem.id, status=target.zh
                ),
                _("add one with --measure TEXT"),
            )
        if problem.completed_on is None:
            fields["completed_on"] = on
    if target is Status.closed:
        if not fields.get("evidence", problem.evidence):
            raise refuse(
                _("{id} cannot be 已销号 without evidence").format(id=problem.id), _("add it with --evidence")
            )
        if not by:
            raise refuse(
                _("{id} cannot be 已销号 without who checked it").format(id=problem.id),
                _("name them with --by"),
            )
        fields.update(closed_on=on, checked_by=by)
        return "close"
    return "update"


def extend(problem: Problem, to: date, reason: str, approved_by: str, on: date) -> Problem:
    """A later deadline; the old one stays in the history."""
    if problem.status.finished:
        raise refuse(
            _("{id} is already {status}; its deadline no longer runs").format(
                id=problem.id, status=problem.status.zh
            )
        )
    if not reason.strip() or not approved_by.strip():
        raise refuse(
            _("an extension needs a reason and who approved it"), _("give --reason and --approved-by")
        )
    if to <= problem.deadline:
        raise refuse(
            _("the new deadline {new} is not after the current one ({current})").format(
                new=to, current=problem.deadline
            ),
            _("an extension moves the deadline later"),
        )
    return with_history(problem, {"deadline": to}, on, approved_by, "extend", reason)


def add_milestone(problem: Problem, due: date, text: str, on: date, by: str | None) -> Problem:
    if problem.type is RectificationType.immediate:
        raise refuse(
            _("{id} is 立行立改; milestones are for 分阶段整改 and 持续整改").format(id=problem.id),
            _("change its type first if it needs a timetable"),
        )
    milestone = build(Milestone, {"due": due, "text": text})
    milestones = sorted([*problem.milestones, milestone], key=lambda m: m.due)
    return with_history(problem, {"milestones": milestones}, on, by, "milestone", None)


def finish_milestone(problem: Problem, done: date, number: int | None, by: str | None) -> Problem:
    open_numbers = [i for i, m in enumerate(problem.milestones, start=1) if m.done is None]
    if not open_numbers:
        raise refuse(
            _("{id} has no open milestone").format(id=problem.id), _("add one with --due DATE --text TEXT")
        )
    chosen = number if number is not None else open_numbers[0]
    if chosen not in open_numbers:
        raise refuse(
            _("milestone {number} of {id} is not open").format(number=chosen, id=problem.id),
            _("open milestones: {numbers}").format(numbers=i18n.listed(map(str, open_numbers))),
        )
    milestones = [
        m.model_copy(update={"done": done}) if i == chosen else m
        for i, m in enumerate(problem.milestones, start=1)
    ]
    return with_history(problem, {"milestones": milestones}, done, by, "milestone", None)


def track(problem: Problem, entry: Mapping[str, Any]) -> Problem:
    record = build(TrackingEntry, entry)
    return problem.model_copy(update={"tracking": [*problem.tracking, record]})


def with_history(
    problem: Problem, fields: Mapping[str, Any], on: date, by: str | None, action: str, note: str | None
) -> Problem:
    return recorded(problem, fields, on, by, action, note, PROBLEM_OPTIONS)


def recorded(
    record: H,
    fields: Mapping[str, Any],
    on: date,
    by: str | None,
    action: str,
    note: str | None,
    options: Mapping[str, str] | None = None,
) -> H:
    """`record` with `fields` changed and one history entry that says what changed and when.
    Refused when nothing changes, or when the change cannot take its place in the history
    (`with_entry`)."""
    changed = build(type(record), {**record.model_dump(), **fields}, options)
    found = changes(record, changed)
    if not found:
        ident = getattr(record, "id", None)
        raise refuse(
            _("nothing changes: {id} already has these values").format(id=ident)
            if ident
            else _("nothing changes: the record already has these values")
        )
    entry = build(HistoryEntry, {"date": on, "by": by, "action": action, "note": note, "changes": found})
    return with_entry(record, changed, entry)


def with_entry(record: H, changed: H, entry: HistoryEntry) -> H:
    """`changed` with `entry` in the history of `record`, at its date: the history stays oldest
    first, so that the record as it stood on any day can be rebuilt from it. A change reported
    late — dated before later entries — is let in when none of them changes a field it changes
    (the two then commute, and every day's view stays exact); else it is refused, since it would
    rewrite what the later entries say happened after it."""
    history: list[HistoryEntry] = list(record.history)  # type: ignore[attr-defined]  # every H keeps one
    place = len(history)
    while place and history[place - 1].date > entry.date:
        place -= 1
    ident = getattr(record, "id", None)
    if any(later.action == "create" for later in history[place:]):
        created = next(e.date for e in history if e.action == "create")
        raise refuse(
            (
                _("the change is dated {date}, before {id} came into the ledger ({created})")
                if ident
                else _("the change is dated {date}, before the record came into the ledger ({created})")
            ).format(date=entry.date, id=ident, created=created),
            _("date it on or after that day"),
        )
    touched = {change.field.split(".")[0] for change in entry.changes}
    for later in history[place:]:
        clash = sorted(touched & {change.field.split(".")[0] for change in later.changes})
        if clash:
            raise refuse(
                (
                    _("the change is dated {date}, but {id}'s {fields} changed later, on {later}")
                    if ident
                    else _("the change is dated {date}, but the record's {fields} changed later, on {later}")
                ).format(
                    date=entry.date,
                    id=ident,
                    fields=i18n.listed(labels.named(key) for key in clash),
                    later=later.date,
                ),
                _(
                    "record changes of a field in date order; to correct an earlier entry, edit it in the "
                    "file (`auditledger check` verifies the history)"
                ),
            )
    history.insert(place, entry)
    return changed.model_copy(update={"history": history})


def changes(old: BaseModel, new: BaseModel) -> list[Change]:
    """Field by field, what changed, so exactly that the change can be undone (`asof`): lists
    that grew name only their new items, a nested record that changed names its changed fields
    (`case.findings`), other values are written whole."""
    found = []
    for name in type(new).model_fields:
        before, after = getattr(old, name), getattr(new, name)
        if name in ("history", "tracking") or before == after:
            continue
        if isinstance(before, BaseModel) and type(before) is type(after):
            found += [
                change.model_copy(update={"field": f"{name}.{change.field}"})
                for change in changes(before, after)
            ]
        elif isinstance(before, dict) and isinstance(after, dict):
            for key in sorted({*before, *after}, key=str):
                if before.get(key) != after.get(key):
                    found.append(
                        Change(field=f"{name}.{key}", old=plain(before.get(key)), new=plain(after.get(key)))
                    )
        elif isinstance(before, list) and isinstance(after, list) and after[: len(before)] == before:
            found += [Change(field=name, new=plain(item)) for item in after[len(before) :]]
        elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
            found += [
                Change(field=name, old=plain(b), new=plain(a))
                for b, a in zip(before, after, strict=True)
                if a != b
            ]
        else:
            found.append(Change(field=name, old=plain(before), new=plain(after)))
    return found


def plain(value: Any) -> Any:
    """A value as a history entry records it: codes for enumerations, a nested record's fields
    (those not at their default) as a mapping, JSON's types otherwise."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value  # an enumeration: its code
    return value


# --- the year's records ------------------------------------------------------------------

LISTS = {"R": "resolutions", "S": "suggestions", "V": "votes", "A": "recommendations", "H": "hearings"}


def next_record_id(meta: YearMeta, letter: str) -> str:
    records: Sequence[Any] = getattr(meta, LISTS[letter])
    numbers = [int(r.id.split(letter)[-1]) for r in records]
    return f"{meta.year}-{letter}{max(numbers, default=0) + 1}"


def add_year_record(
    meta: YearMeta, letter: str, fields: Mapping[str, Any], model: type[BaseModel], on: date | None = None
) -> tuple[YearMeta, str]:
    """The year's metadata with a new record; with `on`, the record's history begins with a
    `create` entry of that day (for records with no date of their own, e.g. recommendations)."""
    ident = next_record_id(meta, letter)
    created = [] if on is None else [{"date": on, "action": "create"}]
    record = build(model, {"id": ident, **fields, "history": created})
    key = LISTS[letter]
    return meta.model_copy(update={key: [*getattr(meta, key), record]}), ident


def update_year_record(meta: YearMeta, ident: str, fields: Mapping[str, Any], on: date) -> YearMeta:
    """The year's metadata with one of its records changed, the change kept in its history: each
    date it sets in an entry of that day (an answer on 1 October and its copy on 20 October are
    two events), the other fields in an entry dated `on`."""
    key = LISTS.get(ident.split("-")[-1][:1], "")
    records = list(getattr(meta, key, []))
    index = next((i for i, r in enumerate(records) if r.id == ident), None)
    if index is None:
        raise AuditLedgerError(
            _("no record {id} in {year}").format(id=ident, year=meta.year),
            hint=_("see _year.yaml for the ids"),
        )
    given = {k: v for k, v in fields.items() if v is not None}
    if not given:
        raise refuse(_("nothing to change for {id}").format(id=ident), _("pass one of the options"))
    by_day: dict[date, dict[str, Any]] = {}
    for name, value in given.items():
        by_day.setdefault(value if isinstance(value, date) else on, {})[name] = value
    record = records[index]
    # A date given again as it is (the answer's day, passed with the copy's) is no event.
    changing = {
        day: changes
        for day, changes in by_day.items()
        if any(getattr(record, name, None) != value for name, value in changes.items())
    }
    for day in sorted(changing or by_day):  # nothing changing: `recorded` refuses as usual
        record = recorded(record, by_day[day], day, None, "update", None)
    records[index] = record
    return meta.model_copy(update={key: records})


def vote(settings: Settings, fields: dict[str, Any], next_meeting: date | None) -> dict[str, Any]:
    """The vote's fields with its result and, for 不满意, the re-report due date (the model
    refuses counts above the members)."""
    result = vote_result(settings, fields["members"], fields["satisfied"], fields["basic"])
    fields = {**fields, "result": result}
    if result.value == "unsatisfied":
        fields["rereport_due"] = rereport_due(settings, fields["date"], next_meeting)
    return fields


# --- typical cases, hearings, disclosure --------------------------------------------------


def choose_case(problem: Problem, reason: str, on: date) -> Problem:
    if problem.case is not None:
        raise refuse(
            _("{id} is already a typical case").format(id=problem.id),
            _("add its analysis with `auditledger case note`"),
        )
    case = build(TypicalCase, {"reason": reason, "chosen": on}, {"reason": "--reason"})
    return with_history(problem, {"case": case}, on, None, "case", reason)


def note_case(problem: Problem, fields: Mapping[str, Any], on: date) -> Problem:
    if problem.case is None:
        raise refuse(
            _("{id} is not a typical case").format(id=problem.id),
            _("choose it first with `auditledger case add {id}`").format(id=problem.id),
        )
    case = problem.case
    given = {k: v for k, v in fields.items() if v not in (None, [])}
    if not given:
        raise refuse(
            _("nothing to note for {id}").format(id=problem.id),
            _("pass --finding, --conclusion, --proposal, --cause or --method"),
        )
    merged = {**case.model_dump(), **given}
    for key in ("methods", "causes"):
        if key in given:
            merged[key] = [*getattr(case, key), *(v for v in given[key] if v not in getattr(case, key))]
    new_case = build(TypicalCase, merged)
    return with_history(problem, {"case": new_case}, on, None, "case_note", None)


def _hearing_index(meta: YearMeta, hearing_id: str) -> int:
    index = next((i for i, h in enumerate(meta.hearings) if h.id == hearing_id), None)
    if index is None:
        raise AuditLedgerError(
            _("no hearing {id} in {year}").format(id=hearing_id, year=meta.year),
            hint=_("add it with `auditledger hearing add`"),
        )
    return index


def add_question(meta: YearMeta, hearing_id: str, fields: Mapping[str, Any]) -> tuple[YearMeta, int]:
    index = _hearing_index(meta, hearing_id)
    hearing = meta.hearings[index]
    question = build(Question, {k: v for k, v in fields.items() if v is not None})
    hearings = list(meta.hearings)
    hearings[index] = hearing.model_copy(update={"questions": [*hearing.questions, question]})
    return meta.model_copy(update={"hearings": hearings}), len(hearing.questions) + 1


def answer_question(meta: YearMeta, hearing_id: str, number: int, text: str, on: date) -> YearMeta:
    """The question answered; an earlier answer stays in the question's history."""
    index = _hearing_index(meta, hearing_id)
    hearing = meta.hearings[index]
    if not 1 <= number <= len(hearing.questions):
        raise AuditLedgerError(
            _("{id} has no question {number}").format(id=hearing_id, number=number),
            hint=_("it has {count}").format(count=len(hearing.questions)),
        )
    questions = list(hearing.questions)
    questions[number - 1] = recorded(
        questions[number - 1],
        {"answer": text, "answered": on},
        on,
        None,
        "answer",
        None,
        {"answer": "--text"},
    )
    hearings = list(meta.hearings)
    hearings[index] = hearing.model_copy(update={"questions": questions})
    return meta.model_copy(update={"hearings": hearings})


def disclose(problem: Problem, on: date, where: str) -> Problem:
    if not problem.status.finished:
        raise refuse(
            _("{id} is {status}: only a rectification result can be published").format(
                id=problem.id, status=problem.status.zh
            ),
            _("record its completion first with `auditledger update --status 已整改`"),
        )
    disclosure = build(Disclosure, {"published": on, "where": where}, {"published": "--date"})
    return with_history(problem, {"disclosure": disclosure}, on, None, "disclose", None)


def set_report_fields(meta: YearMeta, fields: Mapping[tuple[str, str], Any]) -> YearMeta:
    """The year's reports with fields set, by (report, field): their dates and titles. These are
    facts of the calendar, not changes in the rectification, so they keep no history: a hearing
    held in June stays held in June in the ledger as of any later day."""
    reports: dict[str, Any] = {}
    for (name, key), value in fields.items():
        report = reports.get(name) or getattr(meta, name) or build(Report, {})
        reports[name] = build(Report, {**report.model_dump(), key: value}, {key: f"--{key}"})
    return meta.model_copy(update=reports)


def disclose_report(meta: YearMeta, name: str, on: date, where: str) -> YearMeta:
    """The report's publication; an earlier one stays in the report's history."""
    kind = GovernmentReport if name == "rectification_report" else Report  # as YearMeta types them
    report = getattr(meta, name) or build(kind, {})
    disclosure = build(Disclosure, {"published": on, "where": where}, {"published": "--date"})
    return meta.model_copy(
        update={name: recorded(report, {"disclosure": disclosure}, on, None, "disclose", None)}
    )
