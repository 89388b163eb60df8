"""A review (what changed between two states of the ledger) as text or Markdown for people.
May import: model, review, render.text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from auditledger.model import Change, Choice, RectificationType, RectifyMethod, Status
from auditledger.render.text import label
from auditledger.review import ProblemChange, RecordChange, Review

CHOICES: dict[str, type[Choice]] = {"status": Status, "type": RectificationType}
KINDS = {"added": ("新增", "added"), "removed": ("删除", "removed"), "changed": ("修改", "changed")}


def render(review: Review, lang: str, markdown: bool) -> str:
    zh = lang == "zh"
    if not review:
        return ("台账没有变化。" if zh else "No changes to the ledger.") + "\n"
    lines: list[str] = []
    bullet, indent = ("- ", "  - ") if markdown else ("", "    ")
    escape = _md if markdown else str
    for item in review.problems:
        lines.append(bullet + _heading(item, zh, markdown))
        lines += [indent + _change(change, zh, escape) for change in item.changes]
        if item.tracking_added:
            count = item.tracking_added
            lines.append(
                indent + (f"跟踪检查记录 新增{count}条" if zh else f"tracking records: {count} added")
            )
    for record in review.records:
        lines.append(bullet + _record(record, zh, escape))
        lines += [indent + _change(change, zh, escape) for change in record.changes]
    return "\n".join(lines) + "\n"


def _heading(item: ProblemChange, zh: bool, markdown: bool) -> str:
    word = KINDS[item.kind][0 if zh else 1]
    ident = f"**{_md(item.problem.id)}**" if markdown else item.problem.id
    title = _md(item.problem.title) if markdown else item.problem.title
    unit = _md(item.unit_name) if markdown else item.unit_name
    return f"{word} {ident} {title}（{unit}）" if zh else f"{word} {ident} {title} ({unit})"


def _record(record: RecordChange, zh: bool, escape: Callable[[str], str]) -> str:
    word = KINDS[record.kind][0 if zh else 1]
    ident = escape(record.id)
    return f"{record.year}年度 {word} {ident}" if zh else f"{record.year}: {word} {ident}"


def _change(change: Change, zh: bool, escape: Callable[[str], str]) -> str:
    """One changed field: in Markdown every part that comes from the ledger (the field's key,
    the old and the new value) is escaped, so that a value shows as written in a comment."""
    lang = "zh" if zh else "en"
    name, _, key = change.field.partition(".")
    what = label(name, lang)
    if key and name == "rectified":
        what = f"{label('rectified', lang)} {RectifyMethod.parse(key).label(lang)}"
    elif key:
        what = f"{what} {escape(key)}"
    old, new = escape(_value(name, change.old, lang)), escape(_value(name, change.new, lang))
    if name == "deadline" and isinstance(change.old, date) and isinstance(change.new, date):
        verb = (
            ("延期" if zh else "extended")
            if change.new > change.old
            else ("提前" if zh else "brought forward")
        )
        return f"{what} {verb}{'：' if zh else ': '}{old} → {new}"
    if (
        change.old is None
        and change.new is not None
        and name in ("evidence", "measures", "rules", "milestones")
    ):
        return f"{what} {'新增：' if zh else 'added: '}{new}"
    return f"{what}{'：' if zh else ': '}{old} → {new}"


def _value(name: str, value: Any, lang: str) -> str:
    if value is None or value == []:
        return "—"
    if name in CHOICES and isinstance(value, str):
        try:
            return CHOICES[name].parse(value).label(lang)
        except ValueError:
            return value
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    return str(value)


def _md(text: str) -> str:
    from auditledger.render.report import md_escape

    return md_escape(text)
