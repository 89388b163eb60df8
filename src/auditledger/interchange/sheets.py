"""Reading and writing spreadsheet files: `.xlsx` (openpyxl) and `.csv` (UTF-8 with or without
BOM, or GB18030). Cells come and go as plain Python values. May import: diagnostics, store,
interchange.columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from auditledger.diagnostics import AuditLedgerError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BASELINE_SHEET = "_auditledger"
LEFT_OUT_SHEET = "未计入记录"
"""The first sheet of a workbook exported with `--allow-errors`: the errors of the records left out."""
"""A hidden sheet in exported workbooks: the values as exported, to tell edits in the
spreadsheet from edits made in the ledger since."""
HEADER_SEARCH_ROWS = 10


@dataclass
class Table:
    """One sheet of a file: its header row and the rows below it (1-based row numbers)."""

    file: Path
    sheet: str | None
    header_row: int
    headers: list[tuple[int, str]]
    """(1-based column, header text) of the non-empty header cells."""
    rows: list[tuple[int, list[Any]]]
    baseline: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Problem id → field → value as exported (empty when the file carries none)."""

    def place(self, row: int, column: int) -> str:
        """`sheet!row:column` (CSV: `row:column`), the column as a letter."""
        cell = f"{row}:{column_letter(column)}"
        return f"{self.sheet}!{cell}" if self.sheet else cell


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(path: Path, sheet: str | None, is_header: Callable[[str], bool], prefer: str | None) -> Table:
    """The sheet of `path` (xlsx: `sheet`, else `prefer` when the workbook has it, else the first),
    with the header row found among the first rows: the first with two or more known headers."""
    suffix = path.suffix.lower()
    baseline: dict[str, Any] = {}
    name: str | None = None
    if suffix == ".csv":
        grid = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        grid, name, baseline = _read_xlsx(path, sheet, prefer)
    else:
        raise AuditLedgerError(f"{path}: cannot import a '{suffix}' file", hint="save it as .xlsx or .csv")
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        texts = [str(v).strip() if v is not None else "" for v in row]
        if sum(1 for text in texts if text and is_header(text)) >= 2:
            headers = [(col + 1, text) for col, text in enumerate(texts) if text]
            rows = [
                (number + 1, values)
                for number, values in enumerate(grid)
                if number > index and any(v not in (None, "") for v in values)
            ]
            return Table(path, name, index + 1, headers, rows, baseline)
    raise AuditLedgerError(
        f"{path}{':' + name if name else ''}: no header row with known column names in the first "
        f"{HEADER_SEARCH_ROWS} rows",
        hint="the first row of the list should name its columns, e.g. 问题摘要, 责任单位, 整改时限; "
        "or map your headers with --mapping",
    )


def _read_csv(path: Path) -> list[list[Any]]:
    raw = _read_bytes(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly every byte string
        raise AuditLedgerError(
            f"{path}: the file is neither UTF-8 nor GB18030 text", hint="save it as UTF-8 CSV"
        )
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [[_unquote(cell) for cell in row] for row in rows]


def _unquote(cell: str) -> str:
    """Undo the apostrophe that exports put before a cell a spreadsheet would run as a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AuditLedgerError(f"cannot read {path}: {exc.strerror or exc}", hint="check the path") from exc


def _read_xlsx(
    path: Path, sheet: str | None, prefer: str | None
) -> tuple[list[list[Any]], str, dict[str, Any]]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(_read_bytes(path)), data_only=True, read_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise AuditLedgerError(
            f"{path}: not a readable .xlsx workbook ({exc})", hint="open and save it again"
        ) from exc
    names = [n for n in book.sheetnames if n not in (BASELINE_SHEET, LEFT_OUT_SHEET)]
    if sheet is None:
        sheet = prefer if prefer is not None and prefer in names else names[0]
    elif sheet not in names:
        raise AuditLedgerError(
            f"--sheet: {path} has no sheet '{sheet}'", hint=f"its sheets: {', '.join(names)}"
        )
    grid = [list(row) for row in book[sheet].iter_rows(values_only=True)]
    baseline: dict[str, Any] = {}
    if BASELINE_SHEET in book.sheetnames:
        for row in book[BASELINE_SHEET].iter_rows(min_row=2, values_only=True):
            if row and row[0] and row[1]:
                baseline[str(row[0])] = json.loads(str(row[1]))
    book.close()
    return grid, sheet, baseline


# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetData:
    name: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


def xlsx_bytes(sheets: Sequence[SheetData], baseline: dict[str, dict[str, Any]]) -> bytes:
    """A workbook: bold frozen header row, columns as wide as their text, dates as dates,
    amounts as numbers, and no cell that a spreadsheet would run as a formula."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = openpyxl.Workbook()
    for index, data in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet(data.name)
        assert isinstance(sheet, Worksheet)
        sheet.title = data.name
        sheet.append(list(data.headers))
        for cell in sheet[1]:
            _as_text(cell)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        widths = [_width(h) for h in data.headers]
        for row, values in enumerate(data.rows, start=2):  # not sheet.max_row: it scans every cell
            shown = [_cell_value(v) for v in values]
            sheet.append(shown)
            for index, value in enumerate(values):
                cell = sheet.cell(row, index + 1)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, Decimal) and not isinstance(shown[index], str):
                    cell.number_format = "#,##0.00"
                elif isinstance(shown[index], str):  # text, a list joined, a number kept as text
                    _as_text(cell)
                    cell.alignment = Alignment(vertical="top", wrap_text="\n" in shown[index])
                widths[index] = max(widths[index], _width(value))
        for index, width in enumerate(widths):
            sheet.column_dimensions[column_letter(index + 1)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
    hidden = book.create_sheet(BASELINE_SHEET)
    hidden.append(["id", "exported"])
    for row, (ident, exported) in enumerate(sorted(baseline.items()), start=2):
        hidden.append([ident, json.dumps(exported, ensure_ascii=False, sort_keys=True)])
        _as_text(hidden.cell(row, 1))
        _as_text(hidden.cell(row, 2))
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _as_text(cell: Any) -> None:
    """Store a text cell as text whatever it starts with: openpyxl makes a string that starts
    with `=` a formula; the quote prefix keeps a spreadsheet from reading `+`, `-` or `@` as
    one when the cell is edited."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        cell.quotePrefix = cell.value.startswith(FORMULA_START)


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.000001")) else str(value)
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return value


def _width(value: Any) -> int:
    """Display width: CJK characters count double; the longest line of the cell."""
    if value is None:
        return 0
    if isinstance(value, date | datetime):
        return 10
    lines = str(_cell_value(value)).splitlines() or [""]
    return max(sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in lines)


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]], note: Sequence[str] = ()) -> str:
    """CSV for spreadsheets: a header row, lists one item per line in their cell, and a leading
    apostrophe before any cell a spreadsheet would run as a formula. `note` lines come first,
    one cell each, then a blank row (what an export made with errors left out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in note:
        writer.writerow([_csv_cell(line)])
    if note:
        writer.writerow([])
    writer.writerow([_csv_cell(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "\n".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
