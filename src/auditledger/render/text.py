"""Terminal tables (Rich) for problems, deadlines, recurrences and statistics, in Chinese or English.
May import: model, queries, deadlines, recurrence, stats."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, TYPE_CHECKING, Any, Literal

from pydantic import BaseModel
from rich.cells import cell_len

from auditledger.labels import LABELS, field_label
from auditledger.model import Choice, Ledger, Problem, RectificationType, Row, Status, defaults

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from auditledger.deadlines import Due
    from auditledger.recurrence import Match
    from auditledger.stats import Row as StatsRow

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
    from rich.console import Console

    stream = file or sys.stdout
    width = None if stream.isatty() else int(os.environ.get("COLUMNS", "160"))
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


LARGE = 300
"""Tables longer than this are printed plainly: Rich needs seconds to lay out thousands of rows."""
PLAIN_CELL = 48


@dataclass
class Column:
    header: str = ""
    footer: str = ""
    justify: Literal["left", "right"] = "left"
    ratio: int | None = None
    overflow: Literal["fold", "ellipsis"] = "ellipsis"
    no_wrap: bool = False
    style: str | None = None


@dataclass
class Grid:
    """A table of text cells, printed by `emit`: through Rich while it is short, as plain
    aligned columns when it is long. Cells are text, never Rich markup."""

    title: str | None = None
    caption: str | None = None
    show_header: bool = True
    show_footer: bool = False
    columns: list[Column] = field(default_factory=list)
    rows: list[Sequence[str]] = field(default_factory=list)
    styles: list[str | None] = field(default_factory=list)
    sections: set[int] = field(default_factory=set)
    """The rows that begin a new section (a line is drawn above them)."""

    def add_column(self, header: str = "", **options: Any) -> None:
        self.columns.append(Column(header, **options))

    def add_row(self, *cells: str, style: str | None = None) -> None:
        self.rows.append(cells)
        self.styles.append(style)

    def add_section(self) -> None:
        self.sections.add(len(self.rows))

    def rich(self) -> Table:
        from rich.table import Table
        from rich.text import Text

        table = Table(
            title=self.title,
            title_justify="left",
            caption=self.caption,
            show_header=self.show_header,
            show_footer=self.show_footer,
            header_style="bold",
            footer_style="bold",
        )
        for column in self.columns:
            table.add_column(
                column.header,
                footer=column.footer,
                justify=column.justify,
                ratio=column.ratio,
                overflow=column.overflow,
                no_wrap=column.no_wrap,
                style=column.style,
            )
        for index, (cells, style) in enumerate(zip(self.rows, self.styles, strict=True)):
            if index in self.sections and index > 0:
                table.add_section()
            table.add_row(*(Text(cell) for cell in cells), style=style)
        return table


def emit(grid: Grid, file: IO[str] | None = None) -> None:
    """Print a table: with Rich's boxes and wrapping for a screenful of rows; longer ones as
    aligned plain columns, long cells cut with …, no colours."""
    if len(grid.rows) <= LARGE:
        console(file).print(grid.rich())
        return
    stream = file or sys.stdout
    for block in _plain_blocks(grid):
        if block:
            stream.write("\n".join(block) + "\n")


BLOCK = 1024
"""Rows laid out and written at a time: a long table is not held twice in memory as text."""


def _plain_blocks(grid: Grid) -> Iterator[list[str]]:
    """The lines of a long table, a block of rows at a time, each block built a column at a
    time (a table may have tens of thousands of rows)."""
    count = len(grid.columns)
    headers = [_plain(column.header) for column in grid.columns]
    footers = [_plain(column.footer) for column in grid.columns] if grid.show_footer else []
    cells = [_plain_column([row[c] for row in grid.rows]) for c in range(count)]
    measure = _Widths()
    sizes = [measure.all(column) for column in cells]
    widths = [
        min(max([*sizes[c], *map(measure, [headers[c], *footers[c : c + 1]])]), PLAIN_CELL)
        for c in range(count)
    ]
    right = [column.justify == "right" for column in grid.columns]

    def fit(column: list[str], sized: list[int], c: int) -> list[str]:
        width, padded = widths[c], []
        if max(sized, default=0) <= width:  # nothing to cut: the common case, done in one go
            if right[c]:
                return [" " * (width - size) + text for text, size in zip(column, sized, strict=True)]
            return [text + " " * (width - size) for text, size in zip(column, sized, strict=True)]
        for text, size in zip(column, sized, strict=True):
            if size > width:
                text, size = measure.cut(text, width)
            pad = " " * (width - size)
            padded.append(pad + text if right[c] else text + pad)
        return padded

    def line(texts: list[str]) -> str:
        return "  ".join(fit([text], [measure(text)], c)[0] for c, text in enumerate(texts)).rstrip()

    head = [_plain(grid.title)] if grid.title else []
    if grid.show_header:
        head += [line(headers), "  ".join("─" * w for w in widths)]
    yield head
    for start in range(0, len(grid.rows), BLOCK):
        block = slice(start, start + BLOCK)
        rows = zip(*(fit(cells[c][block], sizes[c][block], c) for c in range(count)), strict=True)
        yield ["  ".join(row).rstrip() for row in rows]
    tail = ["  ".join("─" * w for w in widths), line(footers)] if footers else []
    yield tail + ([_plain(grid.caption)] if grid.caption else [])


def _plain_column(texts: list[str]) -> list[str]:
    return [text.replace("\n", " ") for text in texts] if any("\n" in text for text in texts) else texts


class _Widths:
    """Display widths (a Chinese character takes two columns) of many cells: Rich's width of each
    distinct character, looked up once, then summed per cell in C."""

    def __init__(self) -> None:
        self.sizes = _CharacterSizes()

    def __call__(self, text: str) -> int:
        if text.isascii():
            return len(text)
        if "\u200d" in text or "\ufe0f" in text:  # joiners change their neighbours' width
            return cell_len(text)
        return sum(map(self.sizes.__getitem__, text))

    def all(self, texts: list[str]) -> list[int]:
        """The width of each text; each distinct text is measured once (columns repeat a lot)."""
        sizes = {text: self(text) for text in set(texts)}
        return list(map(sizes.__getitem__, texts))

    def cut(self, text: str, width: int) -> tuple[str, int]:
        """The longest start of the text that fits in width - 1 columns, then …; and its width."""
        if "\u200d" in text or "\ufe0f" in text:
            cut = _cut(text, width)
            return cut, cell_len(cut)
        used = 0
        for index, character in enumerate(text):
            size = self.sizes[character]
            if used + size > width - 1:
                return text[:index] + "…", used + self.sizes["…"]
            used += size
        return text, used


class _CharacterSizes(dict[str, int]):
    def __missing__(self, character: str) -> int:
        from rich.cells import get_character_cell_size

        size = self[character] = get_character_cell_size(character)
        return size


def _plain(value: str | None) -> str:
    return "" if value is None else value.replace("\n", " ")


def _cut(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def show_money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def problems_table(ledger: Ledger, rows: Sequence[Row], lang: str) -> Grid:
    table = Grid(
        show_footer=True,
        caption="★ " + label("prominent", lang) if any(r.prominent for r in rows) else None,
    )
    count = (
        f"{len(rows)} {label('problems', lang)}" if lang == "en" else f"{len(rows)}{label('problems', lang)}"
    )
    table.add_column(label("id", lang), footer=label("total", lang), no_wrap=True)
    table.add_column(label("title", lang), footer=count, ratio=3, overflow="fold")
    table.add_column(label("unit", lang), ratio=1, overflow="fold")
    table.add_column(label("type", lang), no_wrap=True)
    table.add_column(label("status", lang), no_wrap=True)
    table.add_column(label("deadline", lang), no_wrap=True)
    amounts = [Decimal(r.amount) for r in rows]
    rectified = [Decimal(r.rectified_amount) for r in rows]
    table.add_column(
        label("amount_column", lang), justify="right", footer=show_money(sum(amounts, Decimal(0)))
    )
    table.add_column(
        label("rectified_column", lang), justify="right", footer=show_money(sum(rectified, Decimal(0)))
    )
    types = {t.value: t.label(lang) for t in RectificationType}
    statuses = {s.value: s.label(lang) for s in Status}
    for r, amount, done in zip(rows, amounts, rectified, strict=True):
        table.add_row(
            r.id + (" ★" if r.prominent else ""),
            r.title,
            ledger.unit_short_name(r.unit),
            types[r.type],
            statuses[r.status],
            r.deadline,
            show_money(amount),
            show_money(done),
        )
    return table


KINDS: dict[str, tuple[str, str]] = {
    "problem": ("问题整改", "problem"),
    "milestone": ("阶段目标", "milestone"),
    "resolution": ("决议落实", "resolution"),
    "opinion": ("审议意见", "deliberation opinions"),
    "suggestion": ("代表建议", "deputy's suggestion"),
    "vote": ("测评后再报告", "re-report after vote"),
    "question": ("询问书面答复", "written answer to a question"),
    "disclosure": ("信息公开", "publication"),
}


REASONS: dict[str, tuple[str, str]] = {
    "not_copied": ("答复未抄送预算工委", "answer not copied to the budget working committee"),
    "rereport": ("测评不满意，须再次报告", "voted unsatisfied; the government reports again"),
}


def overdue_table(ledger: Ledger, rows: Sequence[Due], as_of: date, lang: str) -> Grid:
    """Overdue (red) and due-soon (yellow) items, grouped by responsible unit."""
    zh = lang == "zh"
    title = f"截至 {as_of} 逾期和即将到期事项" if zh else f"Overdue and due soon as of {as_of}"
    table = Grid(title=title)
    headers = [
        ("责任单位", "Unit", None),
        ("事项", "Kind", None),
        ("编号", "ID", None),
        ("内容", "What", 3),
        ("到期日", "Due", None),
        ("逾期", "Overdue", None),
    ]
    for chinese, english, ratio in headers:
        table.add_column(chinese if zh else english, overflow="fold", ratio=ratio)
    # Tens of thousands of rows at a provincial scale: words looked up once, not per row.
    which = 0 if zh else 1
    kinds = {kind: words[which] for kind, words in KINDS.items()}  # Kind is a str enum
    late, today, ahead = (
        ("逾期 {} 天", "今日到期", "还有 {} 天") if zh else ("{} days late", "due today", "in {} days")
    )
    previous: object = None
    for index, row in enumerate(rows):
        if index == 0 or row.unit != previous:
            if index > 0:
                table.add_section()
            unit = ledger.unit_short_name(row.unit) if row.unit else "—"
            previous = row.unit
        else:
            unit = ""
        days = row.days_overdue
        when = late.format(days) if days > 0 else today if days == 0 else ahead.format(-days)
        what = row.what if row.reason is None else f"{row.what} — {REASONS[row.reason][which]}"
        table.rows.append((unit, kinds[row.kind], row.id, what, row.due.isoformat(), when))
        table.styles.append("red" if row.level == "overdue" else "yellow")
    if not rows:
        table.add_row("", "", "", "无逾期或即将到期事项" if zh else "nothing overdue or due soon", "", "")
    return table


def problem_table(ledger: Ledger, problem: Problem, lang: str) -> Grid:
    """Every field of one problem that differs from its default, one per row (status and
    amount always)."""
    table = record_table(ledger, problem, f"{problem.id} {problem.title}", lang)
    if problem.rectified:
        table.add_row(label("rectified_amount", lang), show_money(problem.rectified_amount))
    return table


def record_table(ledger: Ledger, record: BaseModel, title: str, lang: str) -> Grid:
    """Every field of a record that differs from its default, one per row, its history last
    as a timeline (status and amount always)."""
    table = Grid(show_header=False, title=title)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name, default in defaults(type(record)).items():
        value = getattr(record, name)
        if value == default and name not in ("status", "amount"):
            continue
        table.add_row(field_label(name, lang), _show(ledger, name, value, lang))
    return table


def change_value(value: Any) -> str:
    """A value as a history entry holds it: a nested record's fields in a line, lists joined,
    yes or no as 是/否 (never Python's None, True or False)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {change_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(map(change_value, value))
    return str(value)


def _show(ledger: Ledger, name: str, value: Any, lang: str) -> str:
    if name in ("unit", "supervisor", "lower_government", "to"):
        return f"{ledger.unit_name(value)} ({value})"
    if name == "cooperating":
        return "、".join(f"{ledger.unit_name(u)} ({u})" for u in value)
    if name == "milestones":
        return "\n".join(
            f"{m.due} {m.text}" + (f" — {label('done', lang)} {m.done}" if m.done else "") for m in value
        )
    if name == "history":
        return "\n".join(
            f"{h.date} {h.by + ' ' if h.by else ''}{h.action}"
            + "".join(f"; {c.field}: {change_value(c.old)} → {change_value(c.new)}" for c in h.changes)
            + (f" ({h.note})" if h.note else "")
            for h in value
        )
    if name == "questions":
        return "\n".join(f"Q{n} → {q.to}: {q.text}" for n, q in enumerate(value, start=1))
    if name == "attendees":
        return "、".join(f"{ledger.unit_name(a.unit)} ({a.unit})" for a in value)
    if name == "tracking":
        internal = "（内部）" if lang == "zh" else " (internal)"
        return "\n".join(
            f"{t.date} {t.method.label(lang)}"
            + (f" {t.by}" if t.by else "")
            + f": {t.finding}"
            + (internal if t.internal else "")
            for t in value
        )
    if name == "rectified":
        return "\n".join(f"{m.label(lang)} {show_money(v)}" for m, v in value.items())
    if name == "source":
        return " ".join(filter(None, [value.document.label(lang), value.section, value.title]))
    if name == "amount":
        return show_money(value)
    if isinstance(value, bool):
        return label("yes", lang)
    if name == "disclosure":
        return f"{value.published} {value.where}"
    if name == "case":
        parts = [value.reason, f"({value.chosen})"]
        parts += [
            f"{label(k, lang)}: {v}"
            for k, v in (
                ("findings", value.findings),
                ("conclusions", value.conclusions),
                ("proposals", value.proposals),
            )
            if v
        ]
        return "\n".join(parts)
    if isinstance(value, Choice):
        return value.label(lang)
    if isinstance(value, BaseModel):  # a report of the year, its publication
        return change_value(value.model_dump(mode="json", exclude_defaults=True))
    if isinstance(value, list):
        return "\n".join(_show(ledger, "", item, lang) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def recurring_table(ledger: Ledger, found: Sequence[Match], lang: str) -> Grid:
    """Confirmed links, then suggested matches with their scores."""
    zh = lang == "zh"
    table = Grid(title="以往年度同类问题" if zh else "Recurring problems")
    for chinese, english, ratio in (
        ("编号", "ID", None),
        ("问题", "Problem", 2),
        ("以往年度问题", "Earlier problem", None),
        ("以往问题", "Earlier title", 2),
        ("责任单位", "Unit", 1),
        ("相似度", "Score", None),
        ("状态", "Link", None),
    ):
        table.add_column(
            chinese if zh else english,
            ratio=ratio,
            overflow="fold",
            justify="right" if english == "Score" else "left",
        )
    for match in found:
        state = ("已确认" if zh else "confirmed") if match.confirmed else ("建议" if zh else "suggested")
        table.add_row(
            match.problem.id,
            match.problem.title,
            match.earlier.id,
            match.earlier.title,
            ledger.unit_short_name(match.problem.unit),
            "—" if match.confirmed else f"{match.score:.2f}",
            state,
        )
    if not found:
        table.add_row("", "无" if zh else "none", "", "", "", "", "")
    return table


STATS_COLUMNS = (
    ("problems", "问题数", "Problems"),
    ("amount", "问题金额（万元）", "Amount"),
    ("rectified", "已整改（万元）", "Rectified"),
    ("completion", "完成率", "Done"),
    ("overdue", "逾期", "Overdue"),
    ("days", "平均整改天数", "Days to rectify"),
    ("extensions", "延期次数", "Extensions"),
    ("recurrence", "反复出现率", "Recurring"),
)
GROUPS = {
    "unit": ("责任单位", "Unit"),
    "category": ("问题类别", "Category"),
    "type": ("整改类型", "Type"),
    "year": ("年度", "Year"),
    "cause": ("原因环节", "Cause link"),
}


def stats_table(rows: Sequence[StatsRow], total: StatsRow, by: str, as_of: date, lang: str) -> Grid:
    zh = lang == "zh"
    table = Grid(
        show_footer=True,
        title=f"截至 {as_of} 的问题统计" if zh else f"Problems as of {as_of}",
        caption=("百分比四舍五入保留一位小数" if zh else "percentages rounded half up to one decimal place")
        + ("；一个问题有多个原因环节时分别计入" if zh and by == "cause" else "")
        + ("; a problem with several cause links counts under each" if not zh and by == "cause" else ""),
    )
    table.add_column(GROUPS[by][0 if zh else 1], footer=label("total", lang), overflow="fold")
    cells = [stats_cells(total)]
    for (_, chinese, english), footer in zip(STATS_COLUMNS, cells[0], strict=True):
        table.add_column(chinese if zh else english, justify="right", footer=footer, no_wrap=True)
    for row in rows:
        table.add_row(row.label, *stats_cells(row))
    return table


def stats_cells(row: StatsRow) -> list[str]:
    def pct(value: Decimal | None) -> str:
        return "—" if value is None else f"{value}%"

    return [
        str(row.problems),
        show_money(row.amount),
        show_money(row.rectified),
        pct(row.completion),
        str(row.overdue),
        "—" if row.days_to_rectify is None else str(row.days_to_rectify),
        str(row.extensions),
        pct(row.recurrence),
    ]
