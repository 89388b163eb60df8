"""A review (what changed between two states of the ledger) as text or Markdown for people.
May import: model, review, render.text."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from auditledger.model import Change, Problem, Recommendation, Resolution, Suggestion, Vote
from auditledger.render.text import change_line
from auditledger.review import ProblemChange, RecordChange, Review

RECORDS: dict[str, type[BaseModel]] = {"R": Resolution, "S": Suggestion, "V": Vote, "A": Recommendation}
"""The record a year's record id names by its letter (2025-R1), for the labels of its fields."""
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
        model = RECORDS.get(record.id.split("-")[-1][:1], Problem)
        lines += [indent + _change(change, zh, escape, model) for change in record.changes]
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


def _change(change: Change, zh: bool, escape: Callable[[str], str], model: type[BaseModel] = Problem) -> str:
    """One changed field: in Markdown every part that comes from the ledger (the old and the new
    value) is escaped, so that a value shows as written in a comment."""
    return change_line(change.field, change.old, change.new, "zh" if zh else "en", model=model, escape=escape)


def _md(text: str) -> str:
    from auditledger.render.report import md_escape

    return md_escape(text)
