"""A spreadsheet of problems turned into a plan: problems to add, problems to update, units to
create, and every bad cell as a diagnostic. Nothing is written here; `edits` writes a plan
only when it has no error. May import: model, diagnostics, loader (its error wording), edits,
workflow, interchange.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from auditledger.diagnostics import AuditLedgerError, Diagnostic, Severity
from auditledger.i18n import _, language, pick
from auditledger.interchange.columns import BY_FIELD, COLUMNS, METHOD, RULES_PART, match, method_names
from auditledger.interchange.sheets import Table
from auditledger.loader import describe_error
from auditledger.model import (
    FIRST_DAY,
    LAST_DAY,
    Choice,
    HistoryEntry,
    Ledger,
    Problem,
    RectificationType,
    RectifyMethod,
    Status,
    Unit,
    money_from_text,
)
from auditledger.workflow import changes, with_entry

EDITABLE = tuple(column.field for column in COLUMNS if column.field not in ("seq", "id", "done"))
"""The fields an import sets or updates; `id` only names the problem."""
UNIT_FIELDS = frozenset(
    {
        "status",
        "done",
        "completed_on",
        "rectified_amount",
        *(name for name in EDITABLE if name.startswith(METHOD)),
        "measures",
        "rules_count",
        RULES_PART,
        "accountable",
        "evidence",
        "reason",
        "next_steps",
    }
)
"""What a responsible unit reports and may change through `import --update`: its progress.
Every other field is the audit office's or the committee's, and changes through its command."""
CHANGED_BY = {"deadline": "auditledger extend {id} --to {value} --reason 理由 --approved-by 批准机关"}
"""The command that changes a field a unit may not change, where there is one."""
TOTAL_WORDS = ("合计", "小计", "总计", "共计", "累计")
NOTE_WORDS = ("备注", "注", "说明", "填表说明", "填报说明")


@dataclass
class Plan:
    """What an import would do."""

    added: list[Problem] = field(default_factory=list)
    updated: list[tuple[Problem, Problem]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    matched: list[tuple[str, str]] = field(default_factory=list)
    """Rows found in the ledger: (problem id, how: AUDIT_NO or CONTENT)."""
    units: list[Unit] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped_rows: list[tuple[str, str]] = field(default_factory=list)
    """Total and note rows left out: (where, what the row says it is: 合计, 备注…)."""
    unknown_columns: list[tuple[str, str]] = field(default_factory=list)
    """Columns no field stands for: (where, header)."""


AUDIT_NO = "audit_no"
CONTENT = "content"
"""How a row was found in the ledger: by the audit office's number, or by year, unit, title
and amount (a list without numbers imported twice)."""


def content_key(unit: Any, title: Any, amount: Any) -> tuple[str, str, Decimal]:
    """What makes a problem the same problem when it has no number: its unit, its title (full
    and half widths alike, spaces left out) and its amount; the year is the import's."""
    folded = "".join(unicodedata.normalize("NFKC", str(title or "")).split())
    number = amount if isinstance(amount, Decimal) else Decimal(0)
    return str(unit or ""), folded, number.normalize()


@dataclass(frozen=True)
class Options:
    year: int
    on: date
    update: bool = False
    create_units: bool = False
    by: str | None = None
    mapping: dict[str, str] | None = None
    watch: Callable[[Sequence[tuple[int, list[Any]]]], Iterable[tuple[int, list[Any]]]] | None = None
    """Wraps the rows as they are read (a progress bar on a terminal)."""


class _Row:
    """One row's cells by field, with where each came from."""

    def __init__(self, table: Table, number: int, columns: dict[int, str], values: list[Any]) -> None:
        self.table, self.number = table, number
        self.cells: dict[str, tuple[int, Any]] = {}
        self.columns = {name: column for column, name in columns.items()}
        for column, name in columns.items():
            value = values[column - 1] if column - 1 < len(values) else None
            if isinstance(value, str):
                value = value.strip()
            if value not in (None, ""):
                self.cells[name] = (column, value)

    def place(self, name: str) -> str:
        column = self.cells[name][0] if name in self.cells else self.columns.get(name, 1)
        return self.table.place(self.number, column)


def plan(ledger: Ledger, table: Table, options: Options) -> Plan:
    """Read every row; collect every bad cell; match rows to problems already in the ledger."""
    result = Plan()
    methods = method_names(ledger.settings.method_synonyms)
    columns: dict[int, str] = {}
    for col, header in table.headers:
        name = match(header, options.mapping, methods)
        if name is None:
            result.unknown_columns.append((table.place(table.header_row, col), header))
        else:
            columns[col] = f"{RULES_PART}:{col}" if name == RULES_PART else name
    if "audit_no" not in columns.values():  # 序号 numbers the problems when nothing else does
        columns = {col: "audit_no" if name == "seq" else name for col, name in columns.items()}
    columns = {col: name for col, name in columns.items() if name != "seq"}
    if "title" not in columns.values() and not options.update:
        result.diagnostics.append(
            _at(table, table.header_row, 1, _("no 问题摘要 (title) column"), _("map one with --mapping"))
        )
        return result
    units = _UnitIndex(ledger, options.create_units)
    reader = _Reader(units, ledger.settings.status_synonyms)
    present = set(columns.values())
    year_problems = [p for p in ledger.problems if p.year == options.year]
    by_audit_no = {p.audit_no: p for p in year_problems if p.audit_no}
    by_content: dict[tuple[str, str, Decimal], list[Problem]] = defaultdict(list)
    for known in year_problems:
        by_content[content_key(known.unit, known.title, known.amount)].append(known)
    next_number = _next_number(ledger, options.year)
    seen: dict[str, int] = {}
    for number, values in options.watch(table.rows) if options.watch else table.rows:
        skipped = _total_or_note(values)
        if skipped:
            if not table.baseline:  # an exported workbook's own 合计 row goes without saying
                result.skipped_rows.append((table.place(number, 1), skipped))
            continue
        row = _Row(table, number, columns, values)
        fields, errors = _read_cells(row, reader)
        result.diagnostics += errors
        if errors:
            continue
        key = str(fields.get("id") or fields.get("audit_no") or "")
        if key and key in seen:
            result.diagnostics.append(
                _cell(
                    row,
                    "id" if "id" in fields else "audit_no",
                    _("'{value}' is on row {row} too").format(value=key, row=seen[key]),
                    _("keep one row"),
                )
            )
            continue
        seen[key] = number
        existing: Problem | None = None
        how = "id"
        if "id" in fields:
            existing = ledger.problems_by_id.get(str(fields["id"]))
        if existing is None and fields.get("audit_no"):
            existing, how = by_audit_no.get(str(fields["audit_no"])), AUDIT_NO
        if existing is None and "id" not in fields:
            # The same problem listed again without a number (or under a number the ledger's
            # record lacks): found by what it says.
            wanted = content_key(fields.get("unit"), fields.get("title"), fields.get("amount"))
            same = [p for p in by_content.get(wanted, []) if not (p.audit_no and fields.get("audit_no"))]
            if same:
                existing, how = same[0], CONTENT
        if existing is not None:  # each record of the ledger is matched by one row at most
            found = content_key(existing.unit, existing.title, existing.amount)
            by_content[found] = [p for p in by_content.get(found, []) if p is not existing]
        if existing is None and "id" in fields and options.update:
            result.diagnostics.append(
                _cell(
                    row,
                    "id",
                    _("no problem with id '{id}'").format(id=fields["id"]),
                    _("leave 台账编号 empty for a new problem"),
                )
            )
            continue
        if existing is not None:
            if not options.update:
                result.unchanged.append(existing.id)
                result.matched.append((existing.id, how))
                continue
            updated = _update(row, existing, fields, table, options, result, present)
            if updated is None:
                result.unchanged.append(existing.id)
            else:
                result.updated.append((existing, updated))
            continue
        ident = str(fields.pop("id", "") or f"{options.year}-{next_number:03d}")
        next_number += 1
        problem = _new(row, ident, fields, options, result)
        if problem is not None:
            result.added.append(problem)
    result.diagnostics += units.unknown_diagnostics()
    result.units = units.created
    return result


def _total_or_note(values: list[Any]) -> str | None:
    """What a row is when it is no problem: a total (合计, 小计…) or a note (备注：…), by its
    first filled cell; None for a row of a problem."""
    first = next((v for v in values if v not in (None, "")), None)
    if not isinstance(first, str):
        return None
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", first))
    for word in (*TOTAL_WORDS, *NOTE_WORDS):
        if text == word or text.startswith((word + ":", word + "(")):
            return word
    return None


# --- cells -------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_YES = {"是", "已完成", "完成", "y", "yes", "true", "1", "√"}
_NO = {"否", "未完成", "n", "no", "false", "0", "×"}
_SPLIT_UNITS = re.compile(r"[、,，;；/\n]+")


class _Reader:
    """What reading a cell needs of the ledger: its units and the words units use for a status."""

    def __init__(self, units: _UnitIndex, statuses: dict[str, Status]) -> None:
        self.units = units
        self.statuses = {_fold(word): status for word, status in statuses.items()}

    def status(self, value: Any) -> Status:
        found = self.statuses.get(_fold(str(value)))
        return found if found is not None else _choice(Status, value)  # type: ignore[return-value]


def _header(row: _Row, name: str) -> str:
    """The column's header as the sheet has it, else as exports write it."""
    if name in row.cells:
        column = row.cells[name][0]
        for col, header in row.table.headers:
            if col == column:
                return header
    return BY_FIELD[name].header if name in BY_FIELD else name


def _read_cells(row: _Row, reader: _Reader) -> tuple[dict[str, Any], list[Diagnostic]]:
    fields: dict[str, Any] = {}
    errors: list[Diagnostic] = []
    for name, (_column, value) in row.cells.items():
        try:
            parsed = _parse(
                name.partition(":")[0] if name.startswith(RULES_PART) else name, value, row, reader
            )
        except ValueError as exc:
            bad = exc if isinstance(exc, _BadCell) else _BadCell(str(exc), "")
            message = _("{column}: {message}").format(column=_header(row, name), message=bad.message)
            errors.append(_cell(row, name, message, bad.hint))
            continue
        if parsed is None:
            continue
        if name.startswith(RULES_PART):  # the parts by level add up to the rules made
            fields[RULES_PART] = fields.get(RULES_PART, 0) + parsed
        else:
            fields[name] = parsed
    if RULES_PART in fields:
        parts = fields.pop(RULES_PART)
        fields.setdefault("rules_count", parts)
    return fields, errors


class _BadCell(ValueError):
    """A cell that cannot be read: what is wrong with it and the fix, both translated."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _cell_text(value: Any) -> str:
    """A cell's value quoted in a message as the spreadsheet shows it (TRUE, 2024-06-30, 3),
    never as Python writes it."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime) and value == datetime(value.year, value.month, value.day):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse(name: str, value: Any, row: _Row, reader: _Reader) -> Any:
    units = reader.units
    if name in ("deadline", "completed_on"):
        return _date(value)
    if name in ("amount", "rectified_amount") or name.startswith(METHOD):
        return _amount(value)
    if name in ("rules_count", "accountable", RULES_PART):
        return _count(value)
    if name == "type":
        return _choice(RectificationType, value)
    if name == "status":
        return reader.status(value)
    if name in ("done", "prominent", "systemic"):
        text = str(value).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise _BadCell(
            _("'{value}' is neither 是 nor 否").format(value=_cell_text(value)), _("write 是 or 否")
        )
    if name in ("unit", "supervisor"):
        return units.find(str(value), row.place(name))
    if name == "cooperating":
        return [
            units.find(part.strip(), row.place(name))
            for part in _SPLIT_UNITS.split(str(value))
            if part.strip()
        ]
    if name in ("measures", "evidence"):
        return [line.strip() for line in str(value).splitlines() if line.strip()]
    if name in ("id", "audit_no") and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date(value: Any) -> date:
    day = _any_date(value)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _BadCell(
            _("{day} is not between {first} and {last}").format(day=day, first=FIRST_DAY, last=LAST_DAY),
            _("correct the year: a ledger's dates lie within 1990–2100"),
        )
    return day


def _any_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    found = _DATE.match(text)
    if found:
        try:
            return date(*(int(part) for part in found.groups()))
        except ValueError:
            pass
    raise _BadCell(
        _("'{value}' is not a date").format(value=_cell_text(value)),
        _("write it as 2024-06-30, 2024/6/30 or 2024年6月30日"),
    )


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise _BadCell(
            _("'{value}' is not an amount").format(value=_cell_text(value)),
            _("write the amount in 万元, e.g. 1234.56"),
        )
    if isinstance(value, int | float):
        number: Decimal | str = Decimal(repr(value))
    else:
        number = money_from_text(str(value))
    if not isinstance(number, Decimal) or not number.is_finite() or number < 0:
        raise _BadCell(
            _("'{value}' is not an amount").format(value=_cell_text(value)),
            _("write the amount in 万元, e.g. 1,234.56 or 1234.56万元"),
        )
    return number


def _count(value: Any) -> int:
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix("项").removesuffix("次")
    text = text.removesuffix("人").removesuffix("个")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal(-1)
    # `1e999999999` is no count, and made an int it would have 10**9 digits
    if not number.is_finite() or not 0 <= number <= 1_000_000 or number != number.to_integral_value():
        raise _BadCell(
            _("'{value}' is not a whole number").format(value=_cell_text(value)),
            _("write a count such as 3"),
        )
    return int(number)


def _choice(cls: type[Choice], value: Any) -> Choice:
    try:
        return cls.parse(str(value))
    except ValueError:
        raise _BadCell(
            _("'{value}' is not a valid value").format(value=_cell_text(value)),
            _("use one of: {choices}").format(choices=cls.choices()),
        ) from None


class _UnitIndex:
    """Units found by id, by name, by an alias of units.yaml, or by name without the
    jurisdiction's (示例市财政局: 财政局, 市财政局); unknown names collected with the closest
    known name, or created as units when asked and when no known unit is close."""

    def __init__(self, ledger: Ledger, create: bool) -> None:
        self.ledger, self.create = ledger, create
        self.names: dict[str, str] = {}
        place = ledger.settings.jurisdiction or ""
        level = place[-1:] if place[-1:] in ("省", "市", "县", "区", "州", "旗") else ""
        for unit in sorted(ledger.units.values(), key=lambda u: u.id):
            short = unit.name.removeprefix(place) if place and unit.name != place else unit.name
            for key in (
                unit.id,
                unit.name,
                short,
                level + short if short != unit.name else "",
                *unit.aliases,
            ):
                if key:
                    self.names.setdefault(_fold(key), unit.id)
        self.unknown: dict[str, list[str]] = defaultdict(list)
        self.close: dict[str, str] = {}
        self.created: list[Unit] = []
        self.taken = set(ledger.units)

    def nearest(self, name: str) -> str | None:
        """The known unit a name most likely means, by its name or one of its other names."""
        import difflib

        found = difflib.get_close_matches(_fold(name), list(self.names), n=1, cutoff=0.75)
        return self.names[found[0]] if found else None

    def find(self, name: str, place: str) -> str:
        key = _fold(name)
        if key in self.names:
            return self.names[key]
        if name in self.unknown:  # its nearest name looked for once
            self.unknown[name].append(place)
            return "unknown"
        near = self.nearest(name)
        if not self.create or (near is not None and near in self.ledger.units):
            self.unknown[name].append(place)
            if near is not None:
                self.close[name] = near
            return "unknown"
        ident = next(f"u{n:03d}" for n in range(1, 10_000) if f"u{n:03d}" not in self.taken)
        self.taken.add(ident)
        self.created.append(Unit(id=ident, name=name))
        self.names[key] = ident
        return ident

    def unknown_diagnostics(self) -> list[Diagnostic]:
        return [
            Diagnostic(
                self.ledger.root,
                None,
                None,
                "unknown-unit",
                _("unit '{name}' is not in units.yaml ({count} rows, first at {place})").format(
                    name=name, count=len(places), place=places[0]
                ),
                _(
                    "did you mean {id} {known}? Add '{name}' to its aliases in units.yaml, "
                    "or write its name as units.yaml has it"
                ).format(id=self.close[name], known=self.ledger.unit_name(self.close[name]), name=name)
                if name in self.close
                else _("add it with `auditledger add-unit ID --name 名称`, or pass --create-units"),
            )
            for name, places in sorted(self.unknown.items())
        ]


def _fold(name: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name)).lower()


# --- rows to problems ---------------------------------------------------------------------


def _next_number(ledger: Ledger, year: int) -> int:
    pattern = re.compile(rf"^{year}-(\d+)$")
    return max((int(m.group(1)) for p in ledger.problems if (m := pattern.match(p.id))), default=0) + 1


class _TooLittle(ValueError):
    """A rectified total below the amounts the ledger already has by method."""

    def __init__(self, already: Decimal) -> None:
        super().__init__(already)
        self.already = already


def _too_little(row: _Row, exc: _TooLittle | _NotTheSum) -> Diagnostic:
    if isinstance(exc, _NotTheSum):
        return _cell(
            row,
            "rectified_amount",
            _("已整改金额 {total} is not the sum of its amounts by method ({parts})").format(
                total=exc.total, parts=exc.parts
            ),
            _("correct the total or the amounts by method"),
        )
    return _cell(
        row,
        "rectified_amount",
        _("已整改金额 is less than the amounts already rectified by method ({amount})").format(
            amount=exc.already
        ),
        _("correct the amount"),
    )


class _NotTheSum(ValueError):
    """A rectified total other than the sum of the amounts by method in the same row."""

    def __init__(self, total: Decimal, parts: Decimal) -> None:
        super().__init__(total)
        self.total, self.parts = total, parts


def _model_fields(fields: dict[str, Any], base: Problem | None, on: date) -> dict[str, Any]:
    """Row values as Problem fields: 是/否, the amounts by method and the rectified total folded
    in. A total beside amounts by method is their sum, or more when the row has no 其他 (the
    rest is rectified otherwise); a total alone changes 其他."""
    data = dict(fields)
    done = data.pop("done", None)
    if done is not None and "status" not in data:
        data["status"] = Status.rectified if done else Status.in_progress
    status = data.get("status", base.status if base else Status.not_started)
    by_method = {
        RectifyMethod.parse(name.removeprefix(METHOD)): data.pop(name)
        for name in list(data)
        if name.startswith(METHOD)
    }
    total = data.pop("rectified_amount", None)
    if by_method:
        rectified = {**(base.rectified if base else {}), **by_method}
        parts = sum(rectified.values(), Decimal(0))
        if total is not None and total != parts:
            if total < parts or RectifyMethod.other in by_method:
                raise _NotTheSum(total, parts)
            rectified[RectifyMethod.other] = rectified.get(RectifyMethod.other, Decimal(0)) + total - parts
        # A zero the row gives is kept (an export of 0.00 comes back as it went); others drop.
        data["rectified"] = {m: v for m, v in rectified.items() if v or m in by_method}
    elif total is not None:
        others = {m: v for m, v in (base.rectified if base else {}).items() if m is not RectifyMethod.other}
        rest = total - sum(others.values(), Decimal(0))
        if rest < 0:
            raise _TooLittle(sum(others.values(), Decimal(0)))
        data["rectified"] = {**others, RectifyMethod.other: rest} if rest else others
    if (
        Status.parse(str(status.value if isinstance(status, Status) else status)).finished
        and not data.get("completed_on")
        and not (base and base.completed_on)
    ):
        data["completed_on"] = on
    return data


def _new(row: _Row, ident: str, fields: dict[str, Any], options: Options, result: Plan) -> Problem | None:
    try:
        data = _model_fields(fields, None, options.on)
    except (_TooLittle, _NotTheSum) as exc:
        result.diagnostics.append(_too_little(row, exc))
        return None
    return _validate(row, {"id": ident, "year": options.year, **data}, result)


def _update(
    row: _Row,
    existing: Problem,
    fields: dict[str, Any],
    table: Table,
    options: Options,
    result: Plan,
    present: set[str],
) -> Problem | None:
    """The problem with the unit's changes of this row, None when there are none or when the row
    changes what is not the unit's (each such cell a diagnostic)."""
    fields.pop("id", None)
    baseline = table.baseline.get(existing.id, {})
    derived = {"rectified_amount"} if any(n.startswith(METHOD) for n in present) else set()
    for name in sorted(present & set(baseline) - set(fields) - {"id"} - derived, key=_order):
        if _blank(baseline[name]) is not None:  # cleared in the sheet: the ledger keeps it
            result.diagnostics.append(
                _cell(
                    row,
                    name,
                    _("{id}: {column} is empty in the sheet; the ledger keeps {value}").format(
                        id=existing.id, column=_label(name), value=_show(_current(existing, name))
                    ),
                    _("an empty cell changes nothing; clear it with `auditledger update` if it must go"),
                    "cleared-cell",
                    Severity.warning,
                )
            )
    locked = False
    for name in list(fields):
        current = _current(existing, name)
        if name in baseline and _same(fields[name], baseline[name]):
            del fields[name]  # not changed in the spreadsheet
        elif _same(current, fields[name]):
            del fields[name]
        elif name not in UNIT_FIELDS:
            locked = True
            before = baseline.get(name, current)
            command = CHANGED_BY.get(name)
            result.diagnostics.append(
                _cell(
                    row,
                    name,
                    _(
                        "{id}: {column} is not the unit's to change (exported: {old}, in the sheet: {new})"
                    ).format(id=existing.id, column=_label(name), old=_show(before), new=_show(fields[name])),
                    _("put back {old}; the change is made with `{command}`").format(
                        old=_show(before), command=command.format(id=existing.id, value=_show(fields[name]))
                    )
                    if command
                    else _(
                        "put back {old}; the committee changes it in the ledger, not through a returned list"
                    ).format(old=_show(before)),
                    "locked-cell",
                )
            )
        elif name in baseline and not _same(current, baseline[name]):
            result.diagnostics.append(
                _cell(
                    row,
                    name,
                    _(
                        "{column} was changed in the ledger since the export "
                        "(ledger: {ledger}, spreadsheet: {sheet})"
                    ).format(column=BY_FIELD[name].header, ledger=_show(current), sheet=_show(fields[name])),
                    _("export again and redo this change, or edit the ledger directly"),
                )
            )
            return None
    if not fields or locked:
        return None
    try:
        data = _model_fields(fields, existing, options.on)
    except (_TooLittle, _NotTheSum) as exc:
        result.diagnostics.append(_too_little(row, exc))
        return None
    changed = _validate(row, {**existing.model_dump(), **data}, result)
    if changed is None:
        return None
    found = changes(existing, changed)
    if not found:
        return None
    note = f"imported from {table.file.name}" + (f" ({table.sheet})" if table.sheet else "")
    entry = HistoryEntry(date=options.on, by=options.by, action="import", changes=found, note=note)
    try:
        return with_entry(existing, changed, entry)
    except AuditLedgerError as exc:  # dated before later changes of the same fields
        result.diagnostics.append(_cell(row, next(iter(fields)), exc.message, exc.hint))
        return None


_ORDER = {name: index for index, name in enumerate(EDITABLE)}


def _order(name: str) -> int:
    return _ORDER.get(name, len(_ORDER))


def _label(name: str) -> str:
    """A field as the messages name it: its header as exports write it."""
    return BY_FIELD[name].header if name in BY_FIELD else name


def _current(problem: Problem, name: str) -> Any:
    if name == "rectified_amount":
        return problem.rectified_amount
    if name.startswith(METHOD):
        return problem.rectified.get(RectifyMethod.parse(name.removeprefix(METHOD)))
    if name == "done":
        return problem.status.finished
    if name == "rules_count":
        return problem.rules_made
    return getattr(problem, name, None)


def _same(a: Any, b: Any) -> bool:
    """Equal as the baseline stores values, nothing (None, an empty text or list) being one."""
    return bool(_blank(plain(a)) == _blank(plain(b)))


def _blank(value: Any) -> Any:
    return None if value in ("", [], None) else value


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def plain(value: Any) -> Any:
    """A value as the baseline sheet stores it: text for dates, amounts and codes."""
    if value is None:  # the most common value of an export's baseline: answered first
        return None
    if isinstance(value, Choice):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, float):
        return plain(Decimal(repr(value)))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        stripped = value.strip()
        try:
            return plain(Decimal(stripped)) if _NUMBER.fullmatch(stripped) else stripped
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return stripped
    return value


def _show(value: Any) -> str:
    """A value of a cell or of the ledger as people write it: — for nothing, yes or no, a
    code by its label, items parted with ；."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Choice):
        return value.label(language())
    if isinstance(value, list | tuple):
        return pick("；", "; ").join(_show(v) for v in value)
    return str(plain(value))


def _validate(row: _Row, data: dict[str, Any], result: Plan) -> Problem | None:
    try:
        return Problem.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            code, message, hint = describe_error(error, loc, Problem)
            name = str(loc[0]) if loc else "title"
            name = "rectified_amount" if name == "rectified" else name
            header = BY_FIELD[name].header if name in BY_FIELD else name
            if code == "missing-field":
                message = _("no {column} in this row").format(column=header)
                hint = _("fill in {column}").format(column=header)
            result.diagnostics.append(_cell(row, name, message, hint, code))
        return None


def _cell(
    row: _Row,
    name: str,
    message: str,
    hint: str,
    code: str = "import-cell",
    severity: Severity = Severity.error,
) -> Diagnostic:
    return Diagnostic(row.table.file, None, None, code, message, hint, severity, cell=row.place(name))


def _at(table: Table, row: int, column: int, message: str, hint: str) -> Diagnostic:
    return Diagnostic(table.file, None, None, "import-cell", message, hint, cell=table.place(row, column))
