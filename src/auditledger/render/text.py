"""Terminal tables (Rich) for problems, in Chinese or English. May import: model, queries."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditledger.model import Choice, Ledger, Problem

LABELS: dict[str, tuple[str, str]] = {
    "id": ("编号", "ID"),
    "audit_no": ("审计问题编号", "Audit office no."),
    "year": ("年度", "Year"),
    "title": ("问题摘要", "Problem"),
    "description": ("具体问题表述", "Description"),
    "source": ("出处", "Source"),
    "category": ("问题类别", "Category"),
    "causes": ("原因环节", "Cause links"),
    "cause_analysis": ("原因分析", "Cause analysis"),
    "amount": ("问题金额（万元）", "Amount (10k yuan)"),
    "amount_kind": ("金额性质", "Kind of amount"),
    "unit": ("责任单位", "Responsible unit"),
    "cooperating": ("配合单位", "Cooperating units"),
    "supervisor": ("主管部门", "Supervising department"),
    "responsible_person": ("责任人", "Responsible person"),
    "lower_government": ("涉及下级政府", "Lower-level government"),
    "prominent": ("突出问题", "Prominent"),
    "prominent_reasons": ("列为突出问题的原因", "Why prominent"),
    "systemic": ("体制机制性问题", "Systemic"),
    "recurring_from": ("以往年度同类问题", "Recurs from"),
    "type": ("整改类型", "Type"),
    "deadline": ("整改时限", "Deadline"),
    "milestones": ("阶段目标", "Milestones"),
    "plan": ("整改方案", "Plan"),
    "completion_standard": ("整改完成标准", "Completion standard"),
    "measures": ("整改措施", "Measures"),
    "status": ("整改状态", "Status"),
    "completed_on": ("整改完成时间", "Completed on"),
    "closed_on": ("销号时间", "Closed on"),
    "checked_by": ("核查人", "Checked by"),
    "rectified": ("已整改金额（万元）", "Rectified (10k yuan)"),
    "rectified_amount": ("已整改（万元）", "Rectified (10k yuan)"),
    "rules": ("制定完善制度", "Rules made or revised"),
    "rules_count": ("制定完善制度（项）", "Rules (count)"),
    "accountable": ("追责问责（人）", "People held accountable"),
    "evidence": ("佐证材料", "Evidence"),
    "reason": ("未整改到位原因", "Why unfinished"),
    "next_steps": ("下一步计划", "Next steps"),
    "history": ("变更记录", "History"),
}
WORDS: dict[str, tuple[str, str]] = {
    "yes": ("是", "yes"),
    "total": ("合计", "Total"),
    "problems": ("个问题", "problems"),
    "done": ("已完成", "done"),
    "amount_column": ("金额（万元）", "Amount"),
    "rectified_column": ("已整改（万元）", "Rectified"),
}


def label(key: str, lang: str) -> str:
    zh, en = LABELS.get(key) or WORDS.get(key) or (key, key)
    return zh if lang == "zh" else en


def console(file: IO[str] | None = None) -> Console:
    """A console that does not wrap tables at 80 columns when output is not a terminal."""
    stream = file or sys.stdout
    width = None if stream.isatty() else int(os.environ.get("COLUMNS", "160"))
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def show_money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def problems_table(ledger: Ledger, problems: Sequence[Problem], lang: str) -> Table:
    table = Table(
        show_footer=True,
        header_style="bold",
        footer_style="bold",
        caption="★ " + label("prominent", lang) if any(p.prominent for p in problems) else None,
    )
    count = (
        f"{len(problems)} {label('problems', lang)}"
        if lang == "en"
        else f"{len(problems)}{label('problems', lang)}"
    )
    table.add_column(label("id", lang), footer=label("total", lang), no_wrap=True)
    table.add_column(label("title", lang), footer=count, ratio=3, overflow="fold")
    table.add_column(label("unit", lang), ratio=1, overflow="fold")
    table.add_column(label("type", lang), no_wrap=True)
    table.add_column(label("status", lang), no_wrap=True)
    table.add_column(label("deadline", lang), no_wrap=True)
    table.add_column(
        label("amount_column", lang),
        justify="right",
        footer=show_money(sum((p.amount for p in problems), Decimal(0))),
    )
    table.add_column(
        label("rectified_column", lang),
        justify="right",
        footer=show_money(sum((p.rectified_amount for p in problems), Decimal(0))),
    )
    for p in problems:
        table.add_row(
            p.id + (" ★" if p.prominent else ""),
            Text(p.title),
            Text(ledger.unit_short_name(p.unit)),
            p.type.label(lang),
            p.status.label(lang),
            p.deadline.isoformat(),
            show_money(p.amount),
            show_money(p.rectified_amount),
        )
    return table


def problem_table(ledger: Ledger, problem: Problem, lang: str) -> Table:
    """Every field of one problem that has a value, one per row."""
    table = Table(show_header=False, title=f"{problem.id} {problem.title}", title_justify="left")
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name in type(problem).model_fields:
        value = getattr(problem, name)
        if value in (None, [], {}, False) and name not in ("status", "amount"):
            continue
        table.add_row(label(name, lang), Text(_show(ledger, name, value, lang)))
    if problem.rectified:
        table.add_row(label("rectified_amount", lang), show_money(problem.rectified_amount))
    return table


def _show(ledger: Ledger, name: str, value: Any, lang: str) -> str:
    if name in ("unit", "supervisor", "lower_government"):
        return f"{ledger.unit_name(value)} ({value})"
    if name == "cooperating":
        return "、".join(f"{ledger.unit_name(u)} ({u})" for u in value)
    if name == "milestones":
        return "\n".join(
            f"{m.due} {m.text}" + (f" — {label('done', lang)} {m.done}" if m.done else "") for m in value
        )
    if name == "history":
        return "\n".join(
            f"{h.date} {h.by or ''} {h.action}: "
            + "; ".join(f"{c.field} {c.old} → {c.new}" for c in h.changes)
            + (f" ({h.note})" if h.note else "")
            for h in value
        )
    if name == "rectified":
        return "\n".join(f"{m.label(lang)} {show_money(v)}" for m, v in value.items())
    if name == "source":
        return " ".join(filter(None, [value.document.label(lang), value.section, value.title]))
    if name == "amount":
        return show_money(value)
    if isinstance(value, bool):
        return label("yes", lang)
    if isinstance(value, Choice):
        return value.label(lang)
    if isinstance(value, list):
        return "\n".join(_show(ledger, "", item, lang) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
