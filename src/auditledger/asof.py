"""The ledger as it stood on a day, rebuilt from each record's own dated history.

One clock for every view: reports, deadlines, lists, statistics and exports all read the
ledger through `ledger_on`, and none judges dates of its own. A record is taken back by
undoing, newest first, the changes its history dates after the day; what no history explains
(records written by hand or imported) is judged by the record's own dates: a completion, an
answer, a vote or a publication dated after the day has not happened yet. Pure: may import model,
i18n.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from auditledger.i18n import _
from auditledger.model import (
    Change,
    HistoryEntry,
    Ledger,
    Located,
    Problem,
    ProblemFile,
    Report,
    Status,
    YearMeta,
)

M = TypeVar("M", bound=BaseModel)

Data = dict[str, Any]


# --- undoing a record's history ---------------------------------------------------------------


def _meaningful(value: Any) -> bool:
    """Whether a field of a nested record's data says anything (a history entry records nested
    records without their defaults)."""
    return not (value is None or value is False or (isinstance(value, list) and not value))


def _same(item: Any, value: Any) -> bool:
    """Whether a list item (as JSON data) is the one a history entry names (as it recorded it)."""
    if isinstance(item, dict) and isinstance(value, dict):
        return {k: v for k, v in item.items() if _meaningful(v)} == {
            k: v for k, v in value.items() if _meaningful(v)
        }
    if isinstance(item, dict) or isinstance(value, dict):
        return False
    return str(item) == str(value)


def _undo(data: Data, change: Change) -> bool:
    """Undo one change on a record's JSON data; False when the change cannot be undone exactly
    (an entry written by an older version, or a record edited by hand since)."""
    head, _dot, tail = change.field.partition(".")
    container, key = data, head
    if tail:
        inner = data.get(head)
        if not isinstance(inner, dict):
            return False
        container, key = inner, tail
    current = container.get(key)
    if isinstance(current, list) and not isinstance(change.new, list) and not isinstance(change.old, list):
        # one item added (no old value) or one item replaced
        places = [i for i, item in enumerate(current) if _same(item, change.new)]
        if not places or (change.old is not None and not isinstance(change.old, dict | str | int)):
            return False
        if change.old is None:
            del current[places[-1]]
        elif isinstance(change.old, dict) or not isinstance(current[places[-1]], dict):
            current[places[-1]] = copy.deepcopy(change.old)  # the entry's own value stays untouched
        else:
            return False  # a nested record recorded as a line of text: not exact
        return True
    if change.old is None:
        container.pop(key, None)
    else:
        container[key] = copy.deepcopy(change.old)  # an older undo may edit it in place
    return True


def _rebuilt(record: M, day: dt.date, own_dates: Callable[[Data, dt.date], None]) -> M | None:
    """The record on `day`: None if its history says it was created later; else its data with
    every change dated after the day undone, newest first, then its own dates applied. History
    that does not fit the record (edited by hand since; `check` warns of it) is passed over:
    the record is then judged by its own dates alone."""
    history: list[HistoryEntry] = getattr(record, "history", [])
    later = [entry for entry in history if entry.date > day]
    if any(entry.action == "create" for entry in later):
        return None
    if not later and not _dated_after(record, day, own_dates):
        return record
    kept = [entry.model_dump(mode="json") for entry in history if entry.date <= day]
    try:
        data = record.model_dump(mode="json")
        for entry in reversed(later):
            for change in reversed(entry.changes):
                _undo(data, change)
        data["history"] = kept
        own_dates(data, day)
        return type(record).model_validate(data)
    except (ValueError, TypeError, AttributeError, KeyError):  # ValidationError is a ValueError
        data = record.model_dump(mode="json")
        data["history"] = kept
        own_dates(data, day)
        return type(record).model_validate(data)


def misfits(record: BaseModel) -> Iterator[tuple[int, str]]:
    """The history entries of a record that cannot be undone exactly, newest first, as
    (index, why): a change whose value is not where the entry says, or that leaves the record
    invalid. The as-of view passes such history over; `check` warns of it."""
    history: list[HistoryEntry] = getattr(record, "history", [])
    if not history:
        return
    data = record.model_dump(mode="json")
    for index in range(len(history) - 1, -1, -1):
        entry = history[index]
        if not entry.changes and index < len(history) - 1:
            continue  # the record as the entry below left it, which was valid
        for change in reversed(entry.changes):
            try:
                fits = _undo(data, change)
            except (TypeError, AttributeError, KeyError):
                fits = False
            if not fits:
                yield index, _("its change of `{field}` does not match the record").format(field=change.field)
                return
        try:
            type(record).model_validate({**data, "history": []})
        except ValueError as exc:
            from auditledger.labels import named
            from auditledger.validation import describe

            why = str(exc)
            if isinstance(exc, ValidationError) and exc.errors():
                first = exc.errors()[0]
                field = ".".join(str(step) for step in first["loc"])
                why = f"{named(field)}: {describe(first)}" if field else describe(first)
            yield index, _("undoing it leaves no valid record ({why})").format(why=why)
            return


def _dated_after(record: BaseModel, day: dt.date, own_dates: Callable[[Data, dt.date], None]) -> bool:
    """Whether the record's own dates say anything about it happened after `day` (cheap: most
    records of a report at today's date have nothing to undo)."""
    data = record.model_dump(mode="json")
    before = repr(data)
    own_dates(data, day)
    return repr(data) != before


def _after(value: Any, day: dt.date) -> bool:
    """Whether a date (as JSON text, or a date an undone change put back) lies after the day."""
    if isinstance(value, dt.date):
        return value > day
    return isinstance(value, str) and value > day.isoformat()


def _clear(data: Data, day: dt.date, *keys: str) -> None:
    for key in keys:
        if _after(data.get(key), day):
            data[key] = None


# --- each kind of record's own dates ----------------------------------------------------------


def _problem_dates(data: Data, day: dt.date) -> None:
    data["tracking"] = [t for t in data.get("tracking", []) if not _after(t["date"], day)]
    for milestone in data.get("milestones", []):
        _clear(milestone, day, "done")
    for name in ("disclosure",):
        if data.get(name) and _after(data[name]["published"], day):
            data[name] = None
    if data.get("case") and _after(data["case"]["chosen"], day):
        data["case"] = None
    if _after(data.get("completed_on"), day):
        data.update(status=Status.in_progress.value, completed_on=None, closed_on=None, checked_by=None)
    elif _after(data.get("closed_on"), day):
        data.update(status=Status.rectified.value, closed_on=None, checked_by=None)


def _report_dates(data: Data, day: dt.date) -> None:
    if data.get("disclosure") and _after(data["disclosure"]["published"], day):
        data["disclosure"] = None


def _resolution_dates(data: Data, day: dt.date) -> None:
    _clear(data, day, "reported")


def _suggestion_dates(data: Data, day: dt.date) -> None:
    _clear(data, day, "answered", "copied")


def _vote_dates(data: Data, day: dt.date) -> None:
    _clear(data, day, "sent_to_party", "copied_to_government", "rereported")


def _recommendation_dates(data: Data, day: dt.date) -> None:
    if _after(data.get("responded"), day):
        data.update(response=None, status=None, responded=None)


def _question_dates(data: Data, day: dt.date) -> None:
    if _after(data.get("answered"), day):
        data.update(answer=None, answered=None)


def _hearing_dates(data: Data, day: dt.date) -> None:
    pass  # its questions are taken back one by one (`year_on`)


# --- the records on a day ---------------------------------------------------------------------


def problem_on(problem: Problem, day: dt.date) -> Problem | None:
    """The problem as it stood on `day`, or None if it was not yet in the ledger."""
    return _rebuilt(problem, day, _problem_dates)


def _report_on(report: Report, day: dt.date) -> Report | None:
    """A report of the year on `day`; one that says nothing yet then (first recorded by its
    publication, later) is not there."""
    found = _rebuilt(report, day, _report_dates)
    return None if found is None or found == type(report)(history=found.history) else found


def _each(records: Iterable[M], day: dt.date, own: Callable[[Data, dt.date], None]) -> list[M]:
    return [r for r in (_rebuilt(record, day, own) for record in records) if r is not None]


def year_on(meta: YearMeta, day: dt.date) -> YearMeta:
    """The year's reports and records as they stood on `day`: resolutions adopted, suggestions
    received, votes taken and hearings held by then, each as it stood."""
    hearings = []
    for hearing in meta.hearings:
        if hearing.date > day:
            continue
        kept = _rebuilt(hearing, day, _hearing_dates)
        if kept is not None:
            questions = _each(kept.questions, day, _question_dates)
            hearings.append(kept.model_copy(update={"questions": questions}))
    reports = {
        name: _report_on(report, day)
        for name in ("audit_report", "rectification_report")
        if (report := getattr(meta, name)) is not None
    }
    return meta.model_copy(
        update={
            **reports,
            "resolutions": _each((r for r in meta.resolutions if r.adopted <= day), day, _resolution_dates),
            "suggestions": _each((s for s in meta.suggestions if s.received <= day), day, _suggestion_dates),
            "votes": _each((v for v in meta.votes if v.date <= day), day, _vote_dates),
            "recommendations": _each(meta.recommendations, day, _recommendation_dates),
            "hearings": hearings,
        }
    )


def _file_on(file: ProblemFile, day: dt.date) -> ProblemFile:
    if all(latest <= day for latest in file.part("latest")):
        return file  # nothing in this file happened after the day: still packed
    entries = [
        Located(record, entry.origin)
        for entry in file.entries
        if (record := problem_on(entry.record, day)) is not None
    ]
    return ProblemFile(file.path, entries)


def digest_of(ledger: Ledger) -> str:
    """sha256 over the data of the ledger as it stands (settings, units, years, each problem by
    its file), not over its files' text: the ledger as it stood on a day has the same digest
    before and after changes dated later, wherever the ledger lies (a checkout, `--at`)."""
    found = hashlib.sha256()
    found.update(ledger.settings.model_dump_json().encode("utf-8"))
    for records in (ledger.unit_entries, sorted(ledger.year_entries, key=lambda e: e.record.year)):
        for entry in records:
            found.update(entry.record.model_dump_json().encode("utf-8"))
    for file in sorted(ledger.problem_files, key=lambda f: f.path):
        found.update(file.path.relative_to(ledger.root).as_posix().encode("utf-8"))
        found.update("".join(file.part("sha")).encode("ascii"))  # as one update per sha, at once
    return found.hexdigest()


def ledger_on(ledger: Ledger, day: dt.date) -> Ledger:
    """The ledger as it stood at the end of `day`. Files in which nothing is dated after the
    day are the same objects (their problems stay packed in the read cache)."""
    return replace(
        ledger,
        year_entries=[Located(year_on(e.record, day), e.origin) for e in ledger.year_entries],
        problem_files=[_file_on(file, day) for file in ledger.problem_files],
        as_of=day,
    )
