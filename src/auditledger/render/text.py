"""Terminal tables (Rich) for problems, deadlines, recurrences and statistics, in Chinese or English;
and the one layer that writes a record's values as people write them (`shown`, `change_line`,
`history_line`). May import: i18n, labels, model, queries, deadlines, recurrence, stats."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from functools import cache
from typing import IO, TYPE_CHECKING, Any, Literal, get_args, get_origin

from pydantic import BaseModel
from rich.cells import cell_len

from auditledger import i18n
from auditledger.labels import LABELS, action_label, field_label
from auditledger.model import (
    Choice,
    HistoryEntry,
    Ledger,
    Problem,
    ProminentReason,
    RectificationType,
    Row,
    SourceKind,
    Status,
    Tag,
    defaults,
)
from auditledger.render.format import KINDS, REASONS

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
    columns = zip(*grid.rows, strict=True)
    cells = [_plain_column(list(column)) for column in columns] or [[] for _ in range(count)]
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
    return [text.replace("\n", " ") for text in texts] if "\n" in "".join(texts) else texts


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
        if "".join(texts).isascii():  # ids, numbers, dates: a column of its own texts, in C
            return list(map(len, texts))
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
    whens: dict[int, str] = {}  # tens of thousands of rows share a few hundred day counts
    days_due: dict[date, str] = {}  # and a few hundred deadlines
    for index, (kind, ident, _year, unit_id, day, days, level, what, reason) in enumerate(rows):
        if index == 0 or unit_id != previous:
            if index > 0:
                table.add_section()
            unit = ledger.unit_short_name(unit_id) if unit_id else "—"
            previous = unit_id
        else:
            unit = ""
        when = whens.get(days)
        if when is None:
            when = late.format(days) if days > 0 else today if days == 0 else ahead.format(-days)
            whens[days] = when
        if reason is not None:
            what = f"{what} — {REASONS[reason][which]}"
        due = days_due.get(day)
        if due is None:
            due = days_due[day] = day.isoformat()
        table.rows.append((unit, kinds[kind], ident, what, due, when))
        table.styles.append("red" if level == "overdue" else "yellow")
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
    model = type(record)
    for name, default in defaults(model).items():
        value = getattr(record, name)
        if value == default and name not in ("status", "amount"):
            continue
        table.add_row(field_label(name, lang, model), _cell(name, value, _Speech(lang, ledger), model))
    return table


# --- values as people write them ---------------------------------------------------------
#
# One layer turns any value of a record into what people read, in either language: — for
# nothing, 是/否 (yes/no), lists joined with 、 (", "), labels for codes and field names, dates
# as YYYY-MM-DD, amounts in 万元 with two decimals. `show`, history lines, confirmations and
# `diff` all go through `shown`, `change_line` and `history_line`; never through str() or repr().

MONEY_FIELDS = frozenset({"amount", "rectified", "rectified_amount"})
"""Fields that hold amounts in 万元: shown as 31,000.00."""
UNIT_FIELDS = frozenset(
    {"unit", "supervisor", "lower_government", "cooperating", "budget_department", "parent", "to", "units"}
)
"""Fields that hold unit ids: shown with the unit's name when the ledger is at hand."""
LINES = frozenset({"measures", "evidence", "rules", "milestones", "tracking", "history", "questions", "case"})
"""Fields `show` prints an item a line (long texts, dated records); other lists in a line."""
SHORT = frozenset({"Attendee", "Deputy"})
"""Nested records short enough to be listed with 、 like words; others are parted with ；."""
VALUE_WORDS: dict[str, tuple[str, str]] = {
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("—", "—"),
    "done": ("已完成", "done"),
    "internal": ("（内部）", " (internal)"),
    "added": ("新增", "added"),
    "extended": ("延期", "extended"),
    "brought_forward": ("提前", "brought forward"),
    "report": ("整改情况报告", "the rectification report"),
    "zh": ("中文", "Chinese"),
    "en": ("英文", "English"),
}


@dataclass(frozen=True)
class _Speech:
    """The language values are written in, and the ledger that names units (if at hand)."""

    lang: str
    ledger: Ledger | None = None

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def word(self, key: str) -> str:
        zh, en = VALUE_WORDS[key]
        return zh if self.zh else en

    @property
    def comma(self) -> str:
        """Between the items of a list."""
        return "、" if self.zh else ", "

    @property
    def semi(self) -> str:
        """Between the parts of a record or the changes of an entry."""
        return "；" if self.zh else "; "

    @property
    def colon(self) -> str:
        return "：" if self.zh else ": "

    def aside(self, text: str) -> str:
        """A remark after a text: （…） or ` (…)`."""
        return f"（{text}）" if self.zh else f" ({text})"


def shown(
    value: Any,
    lang: str | None = None,
    *,
    field: str = "",
    model: type[BaseModel] | None = None,
    ledger: Ledger | None = None,
) -> str:
    """Any value of a record as people write it, in one line, in `lang` (default: the language
    spoken): — for nothing, 是/否 or yes/no, lists joined with 、 or ", ", the label of a code
    (`in_progress` 整改中), dates as YYYY-MM-DD, amounts as 31,000.00, a nested record's fields
    as people read them (a milestone `2025-12-31 剩余资金形成实物工作量 — 已完成 2025-12-01`).

    `field` names the field of `model` (default: `Problem`) the value is of, so that a code
    written as text, as a history entry keeps it, gets its label; a dotted field names a field
    of a nested record or a key of a mapping (`case.findings`, `rectified.recovered`). With
    `ledger`, unit ids are shown with the unit's name: 示例市财政局 (czj)."""
    speech = _Speech(lang or i18n.language(), ledger)
    name, owner = _resolve(field, model or Problem)
    return _one(value, name, owner, speech)


def change_line(
    field: str,
    before: Any,
    after: Any,
    lang: str | None = None,
    *,
    model: type[BaseModel] | None = None,
    ledger: Ledger | None = None,
    escape: Callable[[str], str] = str,
) -> str:
    """One field's change, as people read it: `整改状态：整改中 → 已整改` / `Status: in progress →
    rectified`; an item added to a list `整改措施 新增：…` / `Measures added: …`; a deadline
    `整改时限 延期：2025-12-31 → 2026-06-30` / `Deadline extended: …` (提前 / brought forward).
    `field` is a field of `model` (default: `Problem`), dotted for a nested one, as a history
    entry's `Change` names it; `escape` is applied to each value (Markdown)."""
    speech = _Speech(lang or i18n.language(), ledger)
    owner = model or Problem
    what = _field_name(field, owner, speech)
    name, inner = _resolve(field, owner)
    old, new = escape(_one(before, name, inner, speech)), escape(_one(after, name, inner, speech))
    if name == "deadline" and before is not None and after is not None and str(before) != str(after):
        verb = speech.word("extended" if str(after) > str(before) else "brought_forward")
        return f"{what} {verb}{speech.colon}{old} → {new}"
    if before is None and after is not None and _holds(inner, name)[1]:
        return f"{what} {speech.word('added')}{speech.colon}{new}"
    return f"{what}{speech.colon}{old} → {new}"


def history_line(
    entry: HistoryEntry,
    lang: str | None = None,
    *,
    model: type[BaseModel] | None = None,
    ledger: Ledger | None = None,
) -> str:
    """A history entry in a line: its date, who, what was done and each change, then its note:
    `2026-11-10 市政府分管副市长 批准延期；整改时限 延期：2026-12-31 → 2027-03-31（理由）` /
    `2026-11-10 … extension approved; Deadline extended: 2026-12-31 → 2027-03-31 (reason)`.
    `model` is the record whose history it is (default: `Problem`)."""
    speech = _Speech(lang or i18n.language(), ledger)
    owner = model or Problem
    head = " ".join(filter(None, [entry.date.isoformat(), entry.by, action_label(entry.action, speech.lang)]))
    changes = [
        change_line(c.field, c.old, c.new, speech.lang, model=owner, ledger=ledger) for c in entry.changes
    ]
    line = speech.semi.join([head, *changes])
    # a note the changes already say (a typical case's reason is its note too) is said once
    return line + (speech.aside(entry.note) if entry.note and entry.note not in line else "")


def field_name(field: str, lang: str | None = None, model: type[BaseModel] | None = None) -> str:
    """A field as people name it, dotted ones too: `rectified.recovered` 已整改金额（万元）·追缴资金,
    `case.findings` 典型案例·发现, `plan_weights.amount` 突出问题评分权重·资金规模."""
    return _field_name(field, model or Problem, _Speech(lang or i18n.language()))


def _field_name(field: str, model: type[BaseModel], speech: _Speech) -> str:
    head, dot, key = field.partition(".")
    held, _ = _holds(model, head)
    keys: type[Enum] | None = ProminentReason if head == "plan_weights" else None
    if held is not None and issubclass(held, Choice):  # a key of a mapping: a code
        keys = held
    if dot and keys is not None:
        between = "·" if speech.zh else " / "
        return f"{field_label(head, speech.lang, model)}{between}{_code(keys, key, speech)}"
    return field_label(field, speech.lang, model)


def _resolve(field: str, model: type[BaseModel]) -> tuple[str, type[BaseModel]]:
    """The field a dotted name ends with and the record that holds it: `case.findings` is
    `findings` of a typical case; `rectified.recovered` is a value of `rectified`."""
    head, dot, rest = field.partition(".")
    held, _ = _holds(model, head)
    if dot and held is not None and issubclass(held, BaseModel):
        return _resolve(rest, held)
    return head, model


@cache
def _types(model: type[BaseModel]) -> dict[str, tuple[type | None, bool]]:
    """Each field of a record: the enumeration or record it holds (if any), and whether it is
    a list."""
    found: dict[str, tuple[type | None, bool]] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        held: type | None = None
        stack = [annotation]
        while stack and held is None:
            current = stack.pop(0)
            if isinstance(current, type) and issubclass(current, Enum | BaseModel):
                held = current
            else:
                stack.extend(get_args(current))
        origin = get_origin(annotation)
        listed = origin is list or any(get_origin(arg) is list for arg in get_args(annotation))
        found[name] = (held, listed)
    return found


def _holds(model: type[BaseModel], name: str) -> tuple[type | None, bool]:
    return _types(model).get(name, (None, False))


def _code(kind: type[Enum], code: str, speech: _Speech) -> str:
    """The label of a code of an enumeration; the code itself when it is none of its codes."""
    try:
        member = kind(code)
    except ValueError:
        return code
    return _one(member, "", Problem, speech)


def _one(value: Any, name: str, model: type[BaseModel], speech: _Speech) -> str:
    """A value of field `name` of `model`, in one line."""
    if value is None or value == "" or value == [] or value == {}:
        return speech.word("none")
    if isinstance(value, bool):
        return speech.word("yes" if value else "no")
    if isinstance(value, Choice):
        return value.label(speech.lang)
    if isinstance(value, Enum):  # the language setting
        return speech.word(value.value) if value.value in VALUE_WORDS else str(value.value)
    if isinstance(value, BaseModel):
        return _record(_fields_of(value), type(value), speech, speech.semi)
    held, _ = _holds(model, name)
    if isinstance(value, Mapping):
        if held is not None and issubclass(held, BaseModel) and not issubclass(held, Enum):
            return _record(value, held, speech, speech.semi)
        return _mapping(value, name, model, speech)
    if isinstance(value, list | tuple):
        phrases = held is not None and issubclass(held, BaseModel) and held.__name__ not in SHORT
        joiner = speech.semi if phrases else speech.comma
        return joiner.join(_one(item, name, model, speech) for item in value)
    if name in MONEY_FIELDS and isinstance(value, int | Decimal | float):
        return show_money(Decimal(str(value)))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return _text(value, name, held, speech)
    return str(value)


def _text(value: str, name: str, held: type | None, speech: _Speech) -> str:
    """A text: a code's label when the field holds an enumeration (or is `tags`), a unit's name
    with its id when it holds a unit and the ledger is at hand."""
    if held is not None and issubclass(held, Enum):
        return _code(held, value, speech)
    if held is not None and issubclass(held, BaseModel):
        written = _written_record(value, held)
        return value if written is None else _record(written, held, speech, speech.semi)
    if name == "tags":
        return _code(Tag, value, speech)
    if name == "target" and value == "report":
        return speech.word("report")
    if (name in UNIT_FIELDS or name == "target") and speech.ledger is not None:
        return _unit(value, speech.ledger)
    return value


def _written_record(value: str, model: type[BaseModel]) -> dict[str, str] | None:
    """A nested record that a history entry holds as a line of text, `published: 2024-09-01;
    where: 示例市人大常委会网站` (as earlier versions wrote it): its fields, or None when the
    text is not one."""
    fields: dict[str, str] = {}
    for part in value.split("; "):
        key, colon, text = part.partition(": ")
        if not colon or key not in model.model_fields:
            return None
        fields[key] = text
    return fields


def _unit(unit: str, ledger: Ledger) -> str:
    name = ledger.unit_name(unit)
    return unit if name == unit else f"{name} ({unit})"


def _mapping(value: Mapping[Any, Any], name: str, model: type[BaseModel], speech: _Speech) -> str:
    """A mapping: amounts by method (`统筹盘活 12,000.00、加快拨付 9,600.00`), weights by criterion,
    or the fields of a record not known here, each with its label."""
    held, _ = _holds(model, name)
    if held is not None and issubclass(held, Choice):  # rectified: amounts by method
        keys: type[Enum] = held
    elif name == "plan_weights":
        keys = ProminentReason
    else:
        return speech.semi.join(
            f"{field_label(str(k), speech.lang)}{speech.colon}{_one(v, str(k), model, speech)}"
            for k, v in value.items()
        )
    return speech.comma.join(
        f"{_code(keys, str(k), speech)} {_one(v, name, model, speech)}" for k, v in value.items()
    )


def _fields_of(record: BaseModel) -> dict[str, Any]:
    """A record's fields that differ from their defaults, as a history entry keeps a record."""
    return {
        name: getattr(record, name)
        for name, default in defaults(type(record)).items()
        if getattr(record, name) != default
    }


def _record(fields: Mapping[str, Any], model: type[BaseModel], speech: _Speech, sep: str) -> str:
    """A nested record's fields as people read them: a milestone, a tracking check, a publication,
    a source as a phrase; any other record as its fields with their labels, parted by `sep`."""

    def of(name: str) -> str:
        return _one(fields.get(name), name, model, speech) if fields.get(name) is not None else ""

    kind = model.__name__
    if kind == "Milestone":
        done = fields.get("done")
        return f"{of('due')} {of('text')}" + (f" — {speech.word('done')} {of('done')}" if done else "")
    if kind == "TrackingEntry":
        line = " ".join(filter(None, [of("date"), of("method"), of("by")])) + f"{speech.colon}{of('finding')}"
        if fields.get("deputies"):
            line += speech.aside(of("deputies"))
        return line + (speech.word("internal") if fields.get("internal") else "")
    if kind == "Disclosure":
        return f"{of('published')} {of('where')}"
    if kind == "Source":
        document = of("document") or SourceKind.audit_report.label(speech.lang)
        return " ".join(filter(None, [document, of("section"), of("title")]))
    if kind == "Counterpart":
        return f"{of('ledger')} {of('id')}"
    if kind == "Deputy":
        return of("name") + speech.aside(of("kind"))
    if kind == "Attendee":
        return of("unit") + (speech.aside(of("head")) if fields.get("head") else "")
    if kind == "HistoryEntry":
        return history_line(HistoryEntry.model_validate(dict(fields)), speech.lang, ledger=speech.ledger)
    if kind == "TypicalCase":
        head = of("reason") + speech.aside(of("chosen")) if fields.get("chosen") else of("reason")
        rest = [
            f"{field_label(key, speech.lang, model)}{speech.colon}{of(key)}"
            for key in ("methods", "causes", "findings", "conclusions", "proposals")
            if fields.get(key)
        ]
        return sep.join(filter(None, [head, *rest]))
    return sep.join(
        f"{field_label(key, speech.lang, model)}{speech.colon}{of(key)}"
        for key in model.model_fields
        if fields.get(key) is not None and key != "history"
    )


def _cell(name: str, value: Any, speech: _Speech, model: type[BaseModel]) -> str:
    """A field's value as `show` prints it: long lists and dated records an item a line."""
    if name == "history":
        return "\n".join(history_line(h, speech.lang, model=model, ledger=speech.ledger) for h in value)
    if name == "questions":
        return "\n".join(
            f"Q{n} → {_one(q.to, 'to', type(q), speech)}{speech.colon}{q.text}"
            for n, q in enumerate(value, start=1)
        )
    if name == "rectified":
        return "\n".join(f"{m.label(speech.lang)} {show_money(v)}" for m, v in value.items())
    if name == "case":
        return _record(_fields_of(value), type(value), speech, "\n")
    if name in LINES and isinstance(value, list):
        return "\n".join(_one(item, name, model, speech) for item in value)
    return _one(value, name, model, speech)


def recurring_table(ledger: Ledger, found: Sequence[Match], lang: str) -> Grid:
    """Confirmed links, then suggested matches with their scores and why (object and nature)."""
    zh = lang == "zh"
    table = Grid(title="以往年度同类问题" if zh else "Recurring problems")
    for chinese, english, ratio in (
        ("编号", "ID", None),
        ("问题", "Problem", 2),
        ("以往年度问题", "Earlier problem", None),
        ("以往问题", "Earlier title", 2),
        ("责任单位", "Unit", 1),
        ("相似度", "Score", None),
        ("依据", "Why", 2),
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
            match.why(zh),
            state,
        )
    if not found:
        table.add_row("", "无" if zh else "none", "", "", "", "", "", "")
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
