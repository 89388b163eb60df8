"""Checks across records: one function per diagnostic code, kept in one registry.

Each check yields every finding it has; none stops at the first. May import: model,
diagnostics, asof.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import cast

from pydantic import BaseModel

from auditledger import i18n
from auditledger.asof import misfits
from auditledger.diagnostics import Diagnostic, Pointer, Severity, did_you_mean, ledger_path
from auditledger.i18n import N_, _, ngettext
from auditledger.labels import named
from auditledger.model import (
    REPORTS,
    Ledger,
    Origin,
    Status,
    acts_of,
    question_name,
    record_name,
    year_acts,
)


@dataclass(frozen=True)
class Finding:
    origin: Origin
    field: Pointer
    message: str
    hint: str = ""


CheckFunction = Callable[[Ledger], Iterator[Finding]]
DatedCheckFunction = Callable[[Ledger, date], Iterator[Finding]]
"""A check that judges by a day (today, or the day `check --as-of` names), given to it."""


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    function: CheckFunction | DatedCheckFunction
    disk: bool = False
    """Looks at files on disk besides the ledger's records, so its result cannot be cached."""
    dated: bool = False
    """Judges by the day it is given (a `DatedCheckFunction`), so its result cannot be cached."""
    across: bool = False
    """Looks at problems of other files than the one it reports on (beyond units, years and
    settings): a file read on its own cannot be checked by it (`loader`'s workers)."""

    @property
    def summary(self) -> str:
        return (self.function.__doc__ or "").strip().splitlines()[0]

    @property
    def cacheable(self) -> bool:
        """Its findings depend on the ledger's records alone: they hold while no file changes."""
        return not (self.disk or self.dated)

    def findings(self, ledger: Ledger, today: date) -> Iterator[Finding]:
        if self.dated:
            return cast(DatedCheckFunction, self.function)(ledger, today)
        return cast(CheckFunction, self.function)(ledger)


CHECKS: dict[str, Check] = {}
"""Every ledger check, by the diagnostic code it reports."""


def check(
    code: str, severity: Severity = Severity.error, *, disk: bool = False, across: bool = False
) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        CHECKS[code] = Check(code, severity, function, disk, across=across)
        return function

    return register


def dated_check(
    code: str, severity: Severity = Severity.error
) -> Callable[[DatedCheckFunction], DatedCheckFunction]:
    """Registers a check that is given the day to judge by."""

    def register(function: DatedCheckFunction) -> DatedCheckFunction:
        CHECKS[code] = Check(code, severity, function, dated=True)
        return function

    return register


def run_checks(
    ledger: Ledger,
    *,
    today: date | None = None,
    cacheable: bool | None = None,
    disk: bool = True,
    across: bool | None = None,
) -> list[Diagnostic]:
    """Every check's findings, judging by `today` (default: the real today); with `cacheable`,
    only the checks whose findings may (True) or may not (False) be cached; without `disk`,
    not those that look at files on disk beyond the ledger's; with `across`, only the checks
    that look (True) or do not look (False) at other files' problems."""
    day = today or date.today()
    diagnostics = []
    _EVIDENCE.pop(ledger, None)  # the disk as it is now
    for item in CHECKS.values():
        if (cacheable is not None and item.cacheable != cacheable) or (item.disk and not disk):
            continue
        if across is not None and item.across != across:
            continue
        for finding in item.findings(ledger, day):
            diagnostics.append(
                Diagnostic.at(
                    finding.origin.path,
                    finding.origin.pointer + finding.field,
                    item.code,
                    finding.message,
                    finding.hint,
                    item.severity,
                )
            )
    return diagnostics


# --- units -------------------------------------------------------------------------------


@check("duplicate-unit")
def check_duplicate_unit(ledger: Ledger) -> Iterator[Finding]:
    """Two units with the same id."""
    seen: dict[str, Origin] = {}
    reported = {entry.origin for entry in ledger.unit_entries}
    for entry in ledger.everything.unit_entries:
        first = seen.setdefault(entry.record.id, entry.origin)
        if first is not entry.origin and entry.origin in reported:
            yield Finding(
                entry.origin,
                ("id",),
                _("unit id '{id}' is used twice").format(id=entry.record.id),
                _("give each unit its own id"),
            )


@check("unknown-unit")
def check_unknown_unit(ledger: Ledger) -> Iterator[Finding]:
    """A problem, unit, vote, recommendation or hearing names a unit that is not in units.yaml."""
    for unit_entry in ledger.unit_entries:
        parent = unit_entry.record.parent
        if parent is not None and parent not in ledger.units:
            yield _unknown_unit(ledger, unit_entry.origin, ("parent",), parent, N_("parent unit"))
    for entry in ledger.problem_entries:
        problem = entry.record
        roles: list[tuple[Pointer, str, str]] = [(("unit",), problem.unit, N_("responsible unit"))]
        roles += [(("cooperating", i), u, N_("cooperating unit")) for i, u in enumerate(problem.cooperating)]
        if problem.supervisor:
            roles.append((("supervisor",), problem.supervisor, N_("supervising department")))
        if problem.lower_government:
            roles.append((("lower_government",), problem.lower_government, N_("lower-level government")))
        if problem.budget_department:
            roles.append((("budget_department",), problem.budget_department, N_("budget department")))
        for pointer, unit_id, role in roles:
            if unit_id not in ledger.units:
                yield _unknown_unit(ledger, entry.origin, pointer, unit_id, role)
    for year_entry in ledger.year_entries:
        meta = year_entry.record
        for index, vote in enumerate(meta.votes):
            if vote.target != "report" and vote.target not in ledger.units:
                yield _unknown_unit(
                    ledger, year_entry.origin, ("votes", index, "target"), vote.target, N_("unit voted on")
                )
        year_units: list[tuple[Pointer, str, str]] = [
            (("recommendations", i, "units", j), u, N_("department addressed"))
            for i, rec in enumerate(meta.recommendations)
            for j, u in enumerate(rec.units)
        ]
        for i, hearing in enumerate(meta.hearings):
            year_units += [
                (("hearings", i, "attendees", j, "unit"), a.unit, N_("attending unit"))
                for j, a in enumerate(hearing.attendees)
            ]
            year_units += [
                (("hearings", i, "questions", j, "to"), q.to, N_("unit asked"))
                for j, q in enumerate(hearing.questions)
            ]
        for pointer, unit_id, role in year_units:
            if unit_id not in ledger.units:
                yield _unknown_unit(ledger, year_entry.origin, pointer, unit_id, role)


def _unknown_unit(ledger: Ledger, origin: Origin, field: Pointer, unit_id: str, role: str) -> Finding:
    """`role` is a message marked with `N_`: how the record names the unit."""
    hint = did_you_mean(unit_id, ledger.units) or _(
        "add it with `auditledger add-unit {unit} --name NAME`"
    ).format(unit=unit_id)
    message = _("{role} '{unit}' is not in units.yaml").format(role=_(role), unit=unit_id)
    return Finding(origin, field, message, hint)


# --- problems ----------------------------------------------------------------------------


@check("duplicate-id", across=True)
def check_duplicate_id(ledger: Ledger) -> Iterator[Finding]:
    """Two problems with the same id."""
    reused = ledger.reused_ids
    # Per id, once: how many times each file uses it. Comparing every use with every other
    # made 10,000 uses of one id take minutes.
    uses = {ident: Counter(_file_name(o.path) for o in origins) for ident, origins in reused.items()}
    names = {ident: sorted(counts) for ident, counts in uses.items()}
    for file in ledger.problem_files:
        own = _file_name(file.path)
        for index, (problem_id, _year, _unit) in enumerate(file.problem_keys()):
            if problem_id not in reused:
                continue
            counts = uses[problem_id]
            others = (name for name in names[problem_id] if name != own or counts[name] > 1)
            listed = i18n.listed(itertools.islice(others, SHOWN_FILES))
            more = len(counts) - (counts[own] == 1) - SHOWN_FILES
            if more > 0:
                listed = ngettext(
                    "{files} and {more} more file", "{files} and {more} more files", more
                ).format(files=listed, more=more)
            yield Finding(
                file.origin(index),
                ("id",),
                _("problem id '{id}' is used {count} times (also in {files})").format(
                    id=problem_id, count=len(reused[problem_id]), files=listed
                ),
                _("give each problem its own id"),
            )


SHOWN_FILES = 5
"""A diagnostic names at most this many other files, so that its length does not grow with
the ledger."""


def _file_name(path: Path) -> str:
    return ledger_path(path.parent.name, path.name)


@check("wrong-file")
def check_wrong_file(ledger: Ledger) -> Iterator[Finding]:
    """A record sits in a file that belongs to another year or unit."""
    for year_entry in ledger.year_entries:
        folder = year_entry.origin.path.parent.name
        if str(year_entry.record.year) != folder:
            yield Finding(
                year_entry.origin,
                ("year",),
                _("year {year} is in folder {folder}").format(year=year_entry.record.year, folder=folder),
                _("set `year: {folder}` or move the file").format(folder=folder),
            )
    for entry in ledger.problem_entries:
        problem, path = entry.record, entry.origin.path
        if str(problem.year) != path.parent.name:
            yield Finding(
                entry.origin,
                ("year",),
                _("problem {id} of year {year} is in folder {folder}").format(
                    id=problem.id, year=problem.year, folder=path.parent.name
                ),
                _("move it to {path} or correct its year").format(
                    path=ledger_path(problem.year, problem.unit + ".yaml")
                ),
            )
        elif problem.unit != path.stem:
            yield Finding(
                entry.origin,
                ("unit",),
                _("problem {id} of unit '{unit}' is in {file}").format(
                    id=problem.id, unit=problem.unit, file=path.name
                ),
                _("move it to {path} or correct its unit").format(
                    path=ledger_path(problem.year, problem.unit + ".yaml")
                ),
            )


@check("rectified-exceeds-amount")
def check_rectified_exceeds_amount(ledger: Ledger) -> Iterator[Finding]:
    """The rectified amount is larger than the problem's amount."""
    for entry in ledger.problem_entries:
        problem = entry.record
        if problem.rectified_amount > problem.amount:
            yield Finding(
                entry.origin,
                ("rectified",),
                _("rectified {rectified} 万元 is more than the problem's amount {amount} 万元").format(
                    rectified=problem.rectified_amount, amount=problem.amount
                ),
                _("correct the amounts, or raise `amount` if the audit found more"),
            )


@check("rectified-without-date")
def check_rectified_without_date(ledger: Ledger) -> Iterator[Finding]:
    """A problem marked rectified (已整改) has no completion date."""
    for entry in ledger.problem_entries:
        problem = entry.record
        if problem.status is Status.rectified and problem.completed_on is None:
            yield Finding(
                entry.origin,
                ("status",),
                _("problem {id} is {status} without `completed_on`").format(
                    id=problem.id, status=Status.rectified.label(i18n.language())
                ),
                _("add `completed_on: YYYY-MM-DD`, the day rectification was completed"),
            )


@check("closed-incomplete")
def check_closed_incomplete(ledger: Ledger) -> Iterator[Finding]:
    """A closed problem (已销号) lacks its completion date or evidence."""
    for entry in ledger.problem_entries:
        problem = entry.record
        if problem.status is not Status.closed:
            continue
        missing = [
            named(name)
            for name, value in (
                ("completed_on", problem.completed_on),
                ("evidence", problem.evidence),
            )
            if not value
        ]
        if missing:
            lacking = missing[0]
            if len(missing) == 2:
                lacking = _("{first} and {second}").format(first=missing[0], second=missing[1])
            yield Finding(
                entry.origin,
                ("status",),
                _("problem {id} is {status} without {missing}").format(
                    id=problem.id, status=Status.closed.label(i18n.language()), missing=lacking
                ),
                _("add the completion date and the evidence the audit office checked"),
            )


@check("broken-recurring-link", across=True)
def check_broken_recurring_link(ledger: Ledger) -> Iterator[Finding]:
    """`recurring_from` names a problem that does not exist or is not from an earlier year."""
    for file in ledger.problem_files:  # the links and keys parts: cached problems stay packed
        for index, (links, (problem_id, year, _unit)) in enumerate(
            zip(file.part("links"), file.problem_keys(), strict=True)
        ):
            for position, earlier_id in enumerate(links):
                earlier = ledger.ids.get(earlier_id)  # (id, year, unit)
                if earlier is None:
                    yield Finding(
                        file.origin(index),
                        ("recurring_from", position),
                        _("problem {id} recurs from '{earlier}', which is not in the ledger").format(
                            id=problem_id, earlier=earlier_id
                        ),
                        did_you_mean(earlier_id, ledger.ids) or _("correct the id or remove it"),
                    )
                elif earlier[1] >= year:
                    yield Finding(
                        file.origin(index),
                        ("recurring_from", position),
                        _(
                            "problem {id} ({year}) recurs from {earlier} ({earlier_year}), "
                            "which is not from an earlier year"
                        ).format(id=problem_id, year=year, earlier=earlier_id, earlier_year=earlier[1]),
                        _("link only to problems of earlier audit years"),
                    )


@check("unknown-problem-link", across=True)
def check_unknown_problem_link(ledger: Ledger) -> Iterator[Finding]:
    """A resolution, suggestion, recommendation or question names a problem that is not in the ledger."""
    for entry in ledger.year_entries:
        meta = entry.record
        linked: list[tuple[Pointer, str, Sequence[str]]] = [
            *((("resolutions", i), record_name(r), r.problems) for i, r in enumerate(meta.resolutions)),
            *((("suggestions", i), record_name(r), r.problems) for i, r in enumerate(meta.suggestions)),
            *(
                (("recommendations", i), record_name(r), r.problems)
                for i, r in enumerate(meta.recommendations)
            ),
        ]
        linked += [
            (("hearings", i, "questions", j), question_name(hearing.id, j + 1), question.problems)
            for i, hearing in enumerate(meta.hearings)
            for j, question in enumerate(hearing.questions)
        ]
        for pointer, name, problems in linked:
            for position, problem_id in enumerate(problems):
                if problem_id not in ledger.ids:
                    yield Finding(
                        entry.origin,
                        (*pointer, "problems", position),
                        _("{record} names problem '{id}', which is not in the ledger").format(
                            record=name, id=problem_id
                        ),
                        did_you_mean(problem_id, ledger.ids) or _("correct the id or remove it"),
                    )


@check("milestones-out-of-order")
def check_milestones_out_of_order(ledger: Ledger) -> Iterator[Finding]:
    """A milestone is due before the one listed above it."""
    for entry in ledger.problem_entries:
        milestones = entry.record.milestones
        for index in range(1, len(milestones)):
            if milestones[index].due < milestones[index - 1].due:
                yield Finding(
                    entry.origin,
                    ("milestones", index, "due"),
                    _("milestone {number} is due {due}, before milestone {previous} ({previous_due})").format(
                        number=index + 1,
                        due=milestones[index].due,
                        previous=index,
                        previous_due=milestones[index - 1].due,
                    ),
                    _("list milestones in the order they fall due"),
                )


def _histories(ledger: Ledger) -> Iterator[tuple[Origin, Pointer, str, BaseModel]]:
    """Every record that keeps a history: (origin, pointer to it, what it is called, record)."""
    for found in ledger.problem_entries:
        yield found.origin, (), _("problem {id}").format(id=found.record.id), found.record
    for year in ledger.year_entries:
        meta = year.record
        for name in ("audit_report", "rectification_report"):
            report = getattr(meta, name)
            if report is not None:
                owner = _("the {year} {report}").format(year=meta.year, report=_(REPORTS[name]))
                yield year.origin, (name,), owner, report
        for key in ("resolutions", "suggestions", "votes", "recommendations", "hearings"):
            for index, record in enumerate(getattr(meta, key)):
                yield year.origin, (key, index), record_name(record), record
        for index, hearing in enumerate(meta.hearings):
            for number, question in enumerate(hearing.questions):
                at = ("hearings", index, "questions", number)
                yield year.origin, at, question_name(hearing.id, number + 1), question


@check("history-order")
def check_history_order(ledger: Ledger) -> Iterator[Finding]:
    """A record's history is not in date order, or its `create` entry is not the first."""
    for origin, at, name, record in _histories(ledger):
        history = getattr(record, "history", [])
        for index, entry in enumerate(history):
            if index and entry.date < history[index - 1].date:
                yield Finding(
                    origin,
                    (*at, "history", index, "date"),
                    _(
                        "history entry {number} of {record} is dated {date}, "
                        "before the entry above it ({previous})"
                    ).format(
                        number=index + 1, record=name, date=entry.date, previous=history[index - 1].date
                    ),
                    _("keep history entries oldest first: the ledger as of any day is rebuilt from them"),
                )
            if entry.action == "create" and index:
                yield Finding(
                    origin,
                    (*at, "history", index, "action"),
                    _(
                        "history entry {number} of {record} says the record was created, but is not the first"
                    ).format(number=index + 1, record=name),
                    _("move the create entry to the top of the history, or remove it"),
                )


@check("history-mismatch", Severity.warning)
def check_history_mismatch(ledger: Ledger) -> Iterator[Finding]:
    """A history entry does not fit the record (edited by hand since): the ledger as of a day
    before it is judged by the record's own dates instead."""
    for origin, at, name, record in _histories(ledger):
        for index, why in misfits(record):
            yield Finding(
                origin,
                (*at, "history", index),
                _("history entry {number} of {record} cannot be undone: {why}").format(
                    number=index + 1, record=name, why=why
                ),
                _("correct the entry's `old` value to what the record held before, or remove the entry"),
            )


@check("deadline-before-hearing")
def check_deadline_before_hearing(ledger: Ledger) -> Iterator[Finding]:
    """A deadline falls before the audit work report was heard."""
    for entry in ledger.problem_entries:
        problem = entry.record
        meta = ledger.years.get(problem.year)
        heard = meta.audit_report.heard_on if meta and meta.audit_report else None
        if heard is not None and problem.deadline < heard:
            yield Finding(
                entry.origin,
                ("deadline",),
                _("deadline {deadline} is before the audit work report was heard ({heard})").format(
                    deadline=problem.deadline, heard=heard
                ),
                _("check the deadline's year"),
            )


@check("unknown-category", Severity.warning)
def check_unknown_category(ledger: Ledger) -> Iterator[Finding]:
    """A problem's category is not one of the ledger's usual categories."""
    known = ledger.settings.categories
    for entry in ledger.problem_entries:
        category = entry.record.category
        if category is not None and category not in known:
            hint = did_you_mean(category, known) or _(
                "add it to `categories` in auditledger.yaml if it is meant"
            )
            yield Finding(
                entry.origin,
                ("category",),
                _("category '{category}' is not in the ledger's categories").format(category=category),
                hint,
            )


# --- evidence ----------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_ABSOLUTE = re.compile(r"^(?:[/\\]|[A-Za-z]:)")


def evidence_path(text: str) -> PurePosixPath | None:
    """The file an evidence entry names, when it names one: it has a slash or ends in a file
    extension, and is no URL. Entries such as 整改报告（示财报〔2024〕56号） are references."""
    if _SCHEME.match(text) or not ("/" in text or "\\" in text or _FILE_NAME.search(text)):
        return None
    return PurePosixPath(text.replace("\\", "/"))


Evidence = tuple[Origin, int, str, PurePosixPath, bool]
_EVIDENCE: weakref.WeakKeyDictionary[Ledger, list[Evidence]] = weakref.WeakKeyDictionary()


def _evidence(ledger: Ledger) -> list[Evidence]:
    """Each evidence entry that names a file, and whether that file lies outside the ledger:
    found once per ledger for both evidence checks."""
    found = _EVIDENCE.get(ledger)
    if found is None:
        found = _EVIDENCE[ledger] = list(_each_evidence(ledger))
    return found


def evidence_files(ledger: Ledger) -> list[Path]:
    """The files the ledger's evidence entries name, as the evidence checks last saw them."""
    return [ledger.root / path for _origin, _index, _text, path, _outside in _evidence(ledger)]


def _each_evidence(ledger: Ledger) -> Iterator[Evidence]:
    root = ledger.root.resolve()
    for file in ledger.problem_files:  # the evidence parts: cached problems stay packed
        for place, evidence in enumerate(file.evidence()):
            for index, text in enumerate(evidence):
                path = evidence_path(text)
                if path is not None:
                    outside = bool(_ABSOLUTE.match(text)) or not (root / path).resolve().is_relative_to(root)
                    yield file.origin(place), index, text, path, outside


@check("evidence-outside", disk=True)
def check_evidence_outside(ledger: Ledger) -> Iterator[Finding]:
    """An evidence file lies outside the ledger folder (an absolute path, or `..` out of it)."""
    for origin, index, text, _path, outside in _evidence(ledger):
        if outside:
            yield Finding(
                origin,
                ("evidence", index),
                _("evidence '{text}' lies outside the ledger folder").format(text=text),
                _("copy the file into the ledger (e.g. evidence/2023/) and give its path relative to it"),
            )


@check("evidence-missing", Severity.warning, disk=True)
def check_evidence_missing(ledger: Ledger) -> Iterator[Finding]:
    """An evidence file inside the ledger does not exist (this check looks at the disk)."""
    for origin, index, text, path, outside in _evidence(ledger):
        if not outside and not (ledger.root / path).exists():
            yield Finding(
                origin,
                ("evidence", index),
                _("evidence file '{text}' does not exist").format(text=text),
                _("add the file at that path relative to the ledger folder, or correct the path"),
            )


# --- recommendations ---------------------------------------------------------------------


@check("recommendation-unanswered", Severity.warning)
def check_recommendation_unanswered(ledger: Ledger) -> Iterator[Finding]:
    """An audit recommendation has no response by the day the rectification report is heard."""
    for entry in ledger.year_entries:
        meta = entry.record
        heard = meta.rectification_report.heard_on if meta.rectification_report else None
        if heard is None:
            continue
        for index, recommendation in enumerate(meta.recommendations):
            if recommendation.response is None or (recommendation.responded or heard) > heard:
                yield Finding(
                    entry.origin,
                    ("recommendations", index),
                    _("recommendation {id} has no response by the hearing on {heard}").format(
                        id=recommendation.id, heard=heard
                    ),
                    _(
                        "record it with `auditledger recommendation update {id} --response TEXT "
                        "--status adopted --date D`"
                    ).format(id=recommendation.id),
                )


# --- dates that cannot be ----------------------------------------------------------------

_NOT_AHEAD = N_(
    "correct it to the day it happened: only plans (deadlines, `due`, hearing days) may lie ahead"
)


@dated_check("date-in-future")
def check_date_in_future(ledger: Ledger, today: date) -> Iterator[Finding]:
    """A change, completion, answer or vote is dated after today (or the day `--as-of` names)."""
    for file in ledger.problem_files:
        if all(latest <= today for latest in file.latest()):
            continue  # from the files' latest acts: cached problems stay packed
        for entry in file.entries:
            for field, what, day in acts_of(entry.record):
                if day > today:
                    message = _("problem {id}: {what} is {day}, after today ({today})").format(
                        id=entry.record.id, what=what, day=day, today=today
                    )
                    yield Finding(entry.origin, field, message, _(_NOT_AHEAD))
    for year_entry in ledger.year_entries:
        for field, what, day in year_acts(year_entry.record):
            if day > today:
                message = _("{what} is {day}, after today ({today})").format(what=what, day=day, today=today)
                yield Finding(year_entry.origin, field, message, _(_NOT_AHEAD))


@check("answer-before-question")
def check_answer_before_question(ledger: Ledger) -> Iterator[Finding]:
    """An answer is dated before what it answers.

    A hearing's question answered before the hearing, a deputy's suggestion before it was
    received, an audit recommendation before the audit work report that made it was heard."""
    for entry in ledger.year_entries:
        meta = entry.record
        for i, hearing in enumerate(meta.hearings):
            for j, question in enumerate(hearing.questions):
                if question.answered is not None and question.answered < hearing.date:
                    yield Finding(
                        entry.origin,
                        ("hearings", i, "questions", j, "answered"),
                        _(
                            "question {number} of hearing {id} is answered {answered}, "
                            "before the hearing that asked it ({date})"
                        ).format(number=j + 1, id=hearing.id, answered=question.answered, date=hearing.date),
                        _(
                            "correct `answered` (or the hearing's `date`): "
                            "answers come on or after the hearing"
                        ),
                    )
        for i, suggestion in enumerate(meta.suggestions):
            if suggestion.answered is not None and suggestion.answered < suggestion.received:
                yield Finding(
                    entry.origin,
                    ("suggestions", i, "answered"),
                    _("suggestion {id} is answered {answered}, before it was received ({received})").format(
                        id=suggestion.id, answered=suggestion.answered, received=suggestion.received
                    ),
                    _("correct `answered` (or `received`): an answer comes on or after the suggestion"),
                )
        heard = meta.audit_report.heard_on if meta.audit_report else None
        for i, recommendation in enumerate(meta.recommendations):
            if (
                heard is not None
                and recommendation.responded is not None
                and recommendation.responded < heard
            ):
                yield Finding(
                    entry.origin,
                    ("recommendations", i, "responded"),
                    _(
                        "recommendation {id} is responded to {responded}, "
                        "before the audit work report that made it was heard ({heard})"
                    ).format(id=recommendation.id, responded=recommendation.responded, heard=heard),
                    _("correct `responded` (or the report's `heard_on`): a response comes after the hearing"),
                )


@check("report-back-before-adoption")
def check_report_back_before_adoption(ledger: Ledger) -> Iterator[Finding]:
    """The government reported back on a resolution before the resolution was adopted."""
    for entry in ledger.year_entries:
        for i, resolution in enumerate(entry.record.resolutions):
            if resolution.reported is not None and resolution.reported < resolution.adopted:
                yield Finding(
                    entry.origin,
                    ("resolutions", i, "reported"),
                    _("{record} is reported back on {reported}, before it was adopted ({adopted})").format(
                        record=record_name(resolution),
                        reported=resolution.reported,
                        adopted=resolution.adopted,
                    ),
                    _("correct `reported` (or `adopted`): the report-back comes on or after adoption"),
                )


@check("copy-before-answer")
def check_copy_before_answer(ledger: Ledger) -> Iterator[Finding]:
    """A suggestion's answer is copied to the committee before it was given, or with no answer."""
    for entry in ledger.year_entries:
        for i, suggestion in enumerate(entry.record.suggestions):
            copied, answered = suggestion.copied, suggestion.answered
            if copied is None or (answered is not None and answered <= copied):
                continue
            if answered is None:
                message = _("suggestion {id} is copied {copied} but has no answer date").format(
                    id=suggestion.id, copied=copied
                )
                hint = _("add `answered:` with the day the unit answered the deputy, on or before the copy")
            else:
                message = _("suggestion {id} is copied {copied}, before it was answered ({answered})").format(
                    id=suggestion.id, copied=copied, answered=answered
                )
                hint = _("correct `copied` (or `answered`): the answer is copied after it is given")
            yield Finding(entry.origin, ("suggestions", i, "copied"), message, hint)


_AFTER_VOTE = {
    "sent_to_party": N_("vote {id} is sent to the party committee on {day}, before the vote ({date})"),
    "copied_to_government": N_("vote {id} is copied to the government on {day}, before the vote ({date})"),
    "rereported": N_("vote {id} is re-reported on {day}, before the vote ({date})"),
}


@check("follow-up-before-vote")
def check_follow_up_before_vote(ledger: Ledger) -> Iterator[Finding]:
    """A vote's result is sent, copied or re-reported on before the vote."""
    for entry in ledger.year_entries:
        for i, vote in enumerate(entry.record.votes):
            for name, message in _AFTER_VOTE.items():
                day: date | None = getattr(vote, name)
                if day is not None and day < vote.date:
                    yield Finding(
                        entry.origin,
                        ("votes", i, name),
                        _(message).format(id=vote.id, day=day, date=vote.date),
                        _("correct `{field}` (or the vote's `date`): it follows the vote").format(field=name),
                    )


@check("closed-before-completion")
def check_closed_before_completion(ledger: Ledger) -> Iterator[Finding]:
    """A problem is closed (销号) before its rectification was completed."""
    for entry in ledger.problem_entries:
        problem = entry.record
        if problem.closed_on and problem.completed_on and problem.closed_on < problem.completed_on:
            yield Finding(
                entry.origin,
                ("closed_on",),
                _(
                    "problem {id} is closed on {closed}, before its rectification was completed ({completed})"
                ).format(id=problem.id, closed=problem.closed_on, completed=problem.completed_on),
                _("correct `closed_on` (or `completed_on`): a problem is closed after it is rectified"),
            )


@check("milestone-after-deadline", Severity.warning)
def check_milestone_after_deadline(ledger: Ledger) -> Iterator[Finding]:
    """A milestone is due after the problem's deadline."""
    for entry in ledger.problem_entries:
        problem = entry.record
        for index, milestone in enumerate(problem.milestones):
            if milestone.due > problem.deadline:
                yield Finding(
                    entry.origin,
                    ("milestones", index, "due"),
                    _(
                        "milestone {number} of problem {id} is due {due}, after the deadline ({deadline})"
                    ).format(number=index + 1, id=problem.id, due=milestone.due, deadline=problem.deadline),
                    _("bring the milestone within the deadline, or extend it with `auditledger extend`"),
                )
