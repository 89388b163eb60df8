"""Reading and writing spreadsheet files: `.xlsx` (openpyxl, written by XlsxWriter), `.xls`,
`.ods` and `.et` (python-calamine) and `.csv` (UTF-8 with or without BOM, or GB18030). Cells
come and go as plain Python values. May import: diagnostics, store,
interchange.columns.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from auditledger.diagnostics import AuditLedgerError
from auditledger.i18n import _, listed

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BASELINE_SHEET = "_auditledger"
LEFT_OUT_SHEET = "未计入记录"
"""The first sheet of a workbook exported with `--allow-errors`: the errors of the records left out."""
"""A hidden sheet in exported workbooks: the values as exported, to tell edits in the
spreadsheet from edits made in the ledger since."""
HEADER_SEARCH_ROWS = 10
TOTAL_ROW = "合计"
"""What the first cell of the total row of an exported sheet says (as lists say it)."""


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


STDIN = Path("-")
"""The file `-`: standard input."""
STDIN_NAME = Path("<stdin>")
"""How messages and history name what was read from standard input."""
XLSX_SIGNATURE = b"PK\x03\x04"
"""The first bytes of a zip archive, which an .xlsx workbook is; anything else is read as CSV."""


def read_table(
    path: Path,
    sheet: str | None,
    is_header: Callable[[str], bool],
    prefer: str | None,
    kind: str | None = None,
) -> Table:
    """The sheet of `path` (xlsx: `sheet`, else `prefer` when the workbook has it, else the first),
    with the header row found among the first rows: the first with two or more known headers.
    `path` `-` is standard input, read within the same limits as a file; `kind` (`csv`, `xlsx`)
    says what it holds, else the zip signature tells an .xlsx from a CSV."""
    raw: bytes | None = None
    if path == STDIN:
        raw = _read_stdin()
        path = STDIN_NAME
        suffix = "." + kind if kind else (".xlsx" if raw.startswith(XLSX_SIGNATURE) else ".csv")
    else:
        suffix = "." + kind if kind else path.suffix.lower()
    baseline: dict[str, Any] = {}
    name: str | None = None
    if suffix == ".csv":
        grid = _read_csv(path, raw)
    elif suffix in (".xlsx", ".xlsm"):
        grid, name, baseline = _read_xlsx(path, sheet, prefer, raw)
    elif suffix in CALAMINE:
        grid, name = _read_calamine(path, sheet, prefer, suffix)
    else:
        raise AuditLedgerError(
            _("{path}: cannot import a '{suffix}' file").format(path=path, suffix=suffix),
            hint=_("save it as .xlsx or .csv"),
        )
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
        _("{where}: no header row with known column names in the first {count} rows").format(
            where=f"{path}:{name}" if name else path, count=HEADER_SEARCH_ROWS
        ),
        hint=_(
            "the first row of the list should name its columns, e.g. 问题摘要, 责任单位, 整改时限; "
            "or map your headers with --mapping"
        ),
    )


MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest spreadsheet file imported: a list of 100,000 problems is far smaller."""
MAX_ROWS = 100_100
"""Rows a sheet may have: 100,000 problems, with room for titles, headers and a 合计 row."""
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767
"""Excel's own limit on the characters of one cell."""
MAX_CELLS = 5_000_000
"""Filled cells of a sheet: 100,000 problems with 50 columns each. With the limits above it
bounds the memory an import needs (a cell costs about 100 bytes) to well under 1 GB."""
MAX_PART_BYTES = 128 * 1024 * 1024
"""What one part of an .xlsx (a sheet, the shared strings) may unpack to, by the zip's own
record: a zip bomb is refused before anything is unpacked (zipfile never unpacks more than a
part's recorded size)."""
MAX_WORKBOOK_BYTES = 4 * MAX_PART_BYTES
MAX_PARTS = 10_000
MAX_TEXT_RUN = 4 * MAX_CELL_CHARS
"""The longest text between two tags anywhere in a part (a cell's text is checked on its own)."""
MAX_SHARED_STRINGS = 1_000_000


def _place(sheet: str | None, row: int, column: int) -> str:
    cell = f"{row}:{column_letter(column)}"
    return f"{sheet}!{cell}" if sheet else cell


def _too_big(path: Path, sheet: str | None, row: int, column: int, what: str) -> AuditLedgerError:
    """A cell beyond the limits, named but not echoed; `what` says which limit, translated."""
    return AuditLedgerError(
        f"{path}:{_place(sheet, row, column)}: {what}",
        hint=_("a list of problems is smaller: check that this is the right file, or import it in parts"),
    )


def _more_rows() -> str:
    return _("the sheet has more than {count} rows").format(count=f"{MAX_ROWS:,}")


def _more_columns() -> str:
    return _("a row has more than {count} columns").format(count=MAX_COLUMNS)


def _more_characters() -> str:
    return _("the cell holds more than {count} characters").format(count=f"{MAX_CELL_CHARS:,}")


class _Grid:
    """The rows of a sheet as they are read, trailing empty cells dropped, within the limits."""

    def __init__(self, path: Path, sheet: str | None) -> None:
        self.path, self.sheet = path, sheet
        self.rows: list[list[Any]] = []
        self.cells = 0

    def add(self, values: Sequence[Any]) -> None:
        row = len(self.rows) + 1
        end = len(values)
        while end and values[end - 1] in (None, ""):
            end -= 1
        if end and row > MAX_ROWS:
            raise _too_big(self.path, self.sheet, row, 1, _more_rows())
        if end > MAX_COLUMNS:
            raise _too_big(self.path, self.sheet, row, end, _more_columns())
        kept = list(values[:end])
        for column, value in enumerate(kept, start=1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise _too_big(self.path, self.sheet, row, column, _more_characters())
        self.cells += sum(1 for value in kept if value not in (None, ""))
        if self.cells > MAX_CELLS:
            raise _too_big(
                self.path,
                self.sheet,
                row,
                end,
                _("the sheet has more than {count} filled cells").format(count=f"{MAX_CELLS:,}"),
            )
        self.rows.append(kept)


def _read_csv(path: Path, raw: bytes | None = None) -> list[list[Any]]:
    """Rows read one at a time from the file's bytes (UTF-8, else GB18030): never a second copy
    of the whole text, and every limit checked as the rows come. `raw`: the bytes, when read
    already (standard input)."""
    if raw is None:
        raw = _read_bytes(path)
    for encoding in ("utf-8-sig", "gb18030"):
        grid = _Grid(path, None)
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline=""))
        try:
            for row in reader:
                grid.add([_unquote(cell) for cell in row])
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:  # a field over csv's own limit (131,072), a broken quote
            if "field larger" in str(exc):
                raise _too_big(
                    path,
                    None,
                    reader.line_num,
                    1,
                    _("a cell holds more than {count} characters").format(count=f"{MAX_CELL_CHARS:,}"),
                ) from None
            raise AuditLedgerError(
                _("{path}: line {line}: not readable as CSV ({reason})").format(
                    path=path, line=reader.line_num, reason=exc
                ),
                hint=_("save it as UTF-8 CSV"),
            ) from None
        return grid.rows
    raise AuditLedgerError(  # pragma: no cover - gb18030 decodes nearly every byte string
        _("{path}: the file is neither UTF-8 nor GB18030 text").format(path=path),
        hint=_("save it as UTF-8 CSV"),
    )


def _unquote(cell: str) -> str:
    """Undo the apostrophe that exports put before a cell a spreadsheet would run as a formula."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, read up to the limit: a device or a huge file is refused, not swallowed."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise AuditLedgerError(
            _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc),
            hint=_("check the path"),
        ) from exc
    if len(raw) > MAX_FILE_BYTES:
        raise AuditLedgerError(
            _("{path}: the file is larger than {size} MB").format(path=path, size=MAX_FILE_BYTES // 2**20),
            hint=_("a list of problems is smaller: check that this is the right file, or import it in parts"),
        )
    return raw


def _read_stdin() -> bytes:
    """Standard input's bytes, read up to the same limit as a file's: never more than one byte
    past it, so an endless pipe is refused, not swallowed. A terminal is refused at once (the
    user forgot the `<` or the pipe), rather than waiting for typed bytes."""
    stream = sys.stdin
    if stream is None:
        raise AuditLedgerError(_("import -: there is no standard input"), hint=_("pipe the list in"))
    if stream.isatty():
        raise AuditLedgerError(
            _("import -: standard input is a terminal, not a list"),
            hint=_("pipe or redirect the list in, e.g. auditledger import - --year 2025 < 清单.csv"),
        )
    binary = getattr(stream, "buffer", None)
    try:
        raw: bytes | str = (binary if binary is not None else stream).read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise AuditLedgerError(
            _("cannot read standard input: {reason}").format(reason=exc.strerror or exc),
            hint=_("pipe the list in"),
        ) from exc
    if isinstance(raw, str):  # a replaced text stream without bytes beneath it
        raw = raw.encode("utf-8", "surrogateescape")
    if len(raw) > MAX_FILE_BYTES:
        raise AuditLedgerError(
            _("{path}: standard input holds more than {size} MB").format(
                path=STDIN_NAME, size=MAX_FILE_BYTES // 2**20
            ),
            hint=_("a list of problems is smaller: check what is piped in, or import it in parts"),
        )
    return raw


def _choose_sheet(path: Path, sheets: Sequence[str], sheet: str | None, prefer: str | None) -> str:
    """The sheet to read: the one asked for, else `prefer` when the workbook has it, else the
    first; never the sheets the tool adds to its exports."""
    names = [n for n in sheets if n not in (BASELINE_SHEET, LEFT_OUT_SHEET)]
    if not names:
        raise AuditLedgerError(
            _("{path}: the workbook has no sheet to import").format(path=path),
            hint=_("open and save it again"),
        )
    if sheet is None:
        return prefer if prefer is not None and prefer in names else names[0]
    if sheet not in names:
        raise AuditLedgerError(
            _("--sheet: {path} has no sheet '{sheet}'").format(path=path, sheet=sheet),
            hint=_("its sheets: {sheets}").format(sheets=listed(names)),
        )
    return sheet


CALAMINE = (".xls", ".ods", ".et", ".xlsb")
"""Workbooks read by python-calamine: Excel 97–2003, OpenDocument, WPS and binary Excel."""


def _read_calamine(
    path: Path, sheet: str | None, prefer: str | None, suffix: str
) -> tuple[list[list[Any]], str]:
    """The sheet's rows from an .xls, .ods, .et or .xlsb workbook, read by python-calamine from
    the file's bytes (within the size limit), its dates kept as dates. A WPS .et file is an
    Excel 97–2003 workbook inside; one calamine cannot read is refused with the way out."""
    import python_calamine

    raw = _read_bytes(path)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheet = _choose_sheet(path, book.sheet_names, sheet, prefer)
        grid = _Grid(path, sheet)
        for values in book.get_sheet_by_name(sheet).iter_rows():
            grid.add([_calamine_value(v) for v in values[: MAX_COLUMNS + 1]])
            if len(grid.rows) > MAX_ROWS:
                raise _too_big(path, sheet, len(grid.rows), 1, _more_rows())
    except AuditLedgerError:
        raise
    except Exception as exc:  # whatever calamine raises for a file it cannot read
        raise AuditLedgerError(
            _("{path}: not a readable {suffix} workbook ({reason})").format(
                path=path, suffix=suffix, reason=f"{type(exc).__name__}: {str(exc)[:200]}"
            ),
            hint=_("open it and save it as .xlsx"),
        ) from exc
    return grid.rows, sheet


def _calamine_value(value: Any) -> Any:
    """A cell as openpyxl gives it: empty text as nothing, a date as a datetime at midnight, a
    whole number as an int."""
    if value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # OpenDocument keeps every number as a float
    return value


def _read_xlsx(
    path: Path, sheet: str | None, prefer: str | None, raw: bytes | None = None
) -> tuple[list[list[Any]], str, dict[str, Any]]:
    """The sheet's rows, read streaming with openpyxl's read-only mode, after the workbook's
    parts have been screened (`_Screen`) so that openpyxl only ever sees bounded input.
    `raw`: the bytes, when read already (standard input)."""
    import zipfile

    import openpyxl

    if raw is None:
        raw = _read_bytes(path)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            screen = _Screen(path, archive)
            book = openpyxl.load_workbook(io.BytesIO(raw), data_only=True, read_only=True, keep_links=False)
            sheet = _choose_sheet(path, book.sheetnames, sheet, prefer)
            grid = _Grid(path, sheet)
            screen.sheet(sheet, getattr(book[sheet], "_worksheet_path", None))
            # Without a table of shared strings every text is in its cell, where openpyxl
            # leaves Excel's escapes as they are (it undoes them in shared strings only).
            inline = not any(n.lower().endswith("sharedstrings.xml") for n in archive.namelist())
            for values in book[sheet].iter_rows(
                max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True
            ):
                grid.add([_unescape(v) for v in values] if inline else values)
            baseline: dict[str, Any] = {}
            if BASELINE_SHEET in book.sheetnames:
                screen.sheet(BASELINE_SHEET, getattr(book[BASELINE_SHEET], "_worksheet_path", None))
                rows = book[BASELINE_SHEET].iter_rows(
                    min_row=2, max_row=MAX_ROWS + 1, max_col=2, values_only=True
                )
                for number, row in enumerate(rows, start=2):
                    if row and row[0] and row[1]:
                        exported = _unescape(row[1]) if inline else row[1]
                        baseline[str(row[0])] = _baseline(path, number, exported)
            book.close()
    except AuditLedgerError:
        raise
    except Exception as exc:  # whatever a hostile workbook makes openpyxl raise
        # (BadZipFile, ParseError, KeyError of a missing part, OverflowError of a date serial
        # out of range, ...): one line, never a traceback.
        raise AuditLedgerError(
            _("{path}: not a readable .xlsx workbook ({reason})").format(
                path=path, reason=f"{type(exc).__name__}: {str(exc)[:200]}"
            ),
            hint=_("open and save it again"),
        ) from exc
    return grid.rows, sheet, baseline


_ESCAPE = re.compile("_x(005[Ff]|000[0-8BbCcDdEeFf]|001[0-9A-Fa-f]|[Ff]{3}[EeFf])_")
"""The escapes Excel (and XlsxWriter) write into a cell's text: `_xHHHH_` for a control
character (a carriage return is `_x000D_`) and for U+FFFE and U+FFFF, and `_x005F_` for the
underscore that starts a text of that form itself (`_x0041_` is written `_x005F_x0041_`)."""


def _unescape(value: Any) -> Any:
    """A cell's text with Excel's escapes undone (`_ESCAPE`); other values as they are."""
    if isinstance(value, str) and "_x" in value:
        return _ESCAPE.sub(lambda found: chr(int(found[1], 16)), value)
    return value


def _baseline(path: Path, row: int, text: Any) -> dict[str, Any]:
    """One problem's values as exported, from the hidden sheet: a JSON object, or the workbook
    was altered by hand."""
    try:
        value = json.loads(str(text))
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise AuditLedgerError(
            _("{where}: the hidden sheet of exported values was changed").format(
                where=f"{path}:{_place(BASELINE_SHEET, row, 2)}"
            ),
            hint=_(
                "delete the sheet {sheet} (every filled cell then counts as an edit), or export again"
            ).format(sheet=BASELINE_SHEET),
        )
    return value


class _PrologRead(Exception):
    """A part's prolog is read: no DTD was declared before its first element."""


class _Screen:
    """Checks the parts of an .xlsx before openpyxl reads them: no part unpacks to more than
    MAX_PART_BYTES, no XML declares a DTD (entity bombs), no shared string and no cell is
    longer than Excel allows, no filled cell lies beyond MAX_ROWS or MAX_COLUMNS. Parts are
    streamed through expat in chunks, counting characters without keeping them."""

    def __init__(self, path: Path, archive: Any) -> None:
        self.path, self.archive = path, archive
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise AuditLedgerError(
                _("{path}: the workbook has more than {count} parts").format(path=path, count=MAX_PARTS),
                hint=_("open and save it again"),
            )
        total = sum(info.file_size for info in infos)
        if total > MAX_WORKBOOK_BYTES:
            raise AuditLedgerError(
                _("{path}: the workbook unpacks to {bytes} bytes, more than {size} MB (a zip bomb?)").format(
                    path=path, bytes=f"{total:,}", size=MAX_WORKBOOK_BYTES // 2**20
                ),
                hint=_("a list of problems is smaller: check that this is the right file"),
            )
        for info in infos:
            if info.file_size > MAX_PART_BYTES:
                raise AuditLedgerError(
                    _(
                        "{path}: its part {part} unpacks to {bytes} bytes, more than {size} MB (a zip bomb?)"
                    ).format(
                        path=path,
                        part=info.filename,
                        bytes=f"{info.file_size:,}",
                        size=MAX_PART_BYTES // 2**20,
                    ),
                    hint=_("a list of problems is smaller: check that this is the right file"),
                )
        self.long_strings: set[int] = set()
        self.shared = 0
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and "worksheets/" not in info.filename:
                self._scan(
                    info.filename,
                    self._shared_handlers() if info.filename.endswith("sharedStrings.xml") else {},
                )
            elif info.filename.endswith(".xml"):  # a worksheet's prolog, before openpyxl (lxml) sees it
                self._scan(info.filename, {}, prolog=True)

    def sheet(self, name: str, part: str | None) -> None:
        """Screen the part of the sheet `name` (all worksheets when openpyxl does not say which)."""
        parts = (
            [part]
            if part
            else [n for n in self.archive.namelist() if "worksheets/" in n and n.endswith(".xml")]
        )
        for each in parts:
            self._scan(each, self._sheet_handlers(name))
        if self.long_strings:  # a long text that no cell of this sheet uses: still refused
            raise AuditLedgerError(
                _("{path}: a text of the workbook holds more than {count} characters").format(
                    path=self.path, count=f"{MAX_CELL_CHARS:,}"
                ),
                hint=_("shorten it, or check that this is the right file"),
            )

    def _scan(self, part: str, handlers: dict[str, Any], prolog: bool = False) -> None:
        """Stream `part` through expat with `handlers`; with `prolog`, only up to its first
        element (where a DTD would be)."""
        from xml.parsers import expat

        def no_dtd(*_args: Any) -> None:
            raise AuditLedgerError(
                _("{path}: its part {part} declares a DTD, which no workbook needs").format(
                    path=self.path, part=part
                ),
                hint=_("open and save it again in a spreadsheet program"),
            )

        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        run = [0]  # characters since the last tag: openpyxl keeps some elements' text whole
        start, end, text = (
            handlers.get(f"{n}Handler") for n in ("StartElement", "EndElement", "CharacterData")
        )

        def on_start(tag: str, attrs: dict[str, str]) -> None:
            if prolog:
                raise _PrologRead
            run[0] = 0
            if start:
                start(tag, attrs)

        def on_end(tag: str) -> None:
            run[0] = 0
            if end:
                end(tag)

        def on_text(data: str) -> None:
            run[0] += len(data)
            if run[0] > MAX_TEXT_RUN:
                raise AuditLedgerError(
                    _("{path}: its part {part} holds a text of more than {count} characters").format(
                        path=self.path, part=part, count=f"{MAX_TEXT_RUN:,}"
                    ),
                    hint=_("a list of problems has no such text: check that this is the right file"),
                )
            if text:
                text(data)

        parser.StartElementHandler, parser.EndElementHandler = on_start, on_end
        parser.CharacterDataHandler = on_text
        try:
            with self.archive.open(part) as stream:
                while chunk := stream.read(1 << 16):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _PrologRead:
            return
        except expat.ExpatError as exc:
            raise AuditLedgerError(
                _("{path}: its part {part} is not well-formed XML ({reason})").format(
                    path=self.path, part=part, reason=exc
                ),
                hint=_("open and save it again"),
            ) from None

    def _shared_handlers(self) -> dict[str, Any]:
        state = {"in_text": False, "length": 0}

        def start(tag: str, _attrs: Any) -> None:
            local = tag.rpartition(":")[2]
            if local == "si":
                self.shared += 1
                if self.shared > MAX_SHARED_STRINGS:
                    raise AuditLedgerError(
                        _("{path}: the workbook holds more than {count} texts").format(
                            path=self.path, count=f"{MAX_SHARED_STRINGS:,}"
                        ),
                        hint=_("a list of problems is smaller: check that this is the right file"),
                    )
                state["length"] = 0
            state["in_text"] = local == "t"

        def end(tag: str) -> None:
            state["in_text"] = False

        def text(data: str) -> None:
            if state["in_text"]:
                state["length"] += len(data)
                if state["length"] > MAX_CELL_CHARS:
                    self.long_strings.add(self.shared - 1)

        return {"StartElementHandler": start, "EndElementHandler": end, "CharacterDataHandler": text}

    def _sheet_handlers(self, sheet: str) -> dict[str, Any]:
        place = {"row": 0, "column": 0, "length": 0, "filled": False, "shared": False}
        place.update(in_value=False, in_cell=False, in_row=0, cells=0)
        digits: list[str] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = tag.rpartition(":")[2]
            if local == "row":
                place["row"] = int(attrs["r"]) if attrs.get("r", "").isdigit() else place["row"] + 1
                place["column"], place["in_row"] = 0, 0
            elif local == "c":
                # every cell element counts, empty ones too: openpyxl builds a value for each
                place["in_row"] += 1
                place["cells"] += 1
                if place["in_row"] > MAX_COLUMNS or place["cells"] > MAX_CELLS:
                    raise _too_big(
                        self.path,
                        sheet,
                        place["row"],
                        place["column"] + 1,
                        _("a row has more than {count} cells").format(count=MAX_COLUMNS)
                        if place["in_row"] > MAX_COLUMNS
                        else _("the sheet has more than {count} cells").format(count=f"{MAX_CELLS:,}"),
                    )
                ref = attrs.get("r", "")
                letters = ref.rstrip("0123456789")
                place["column"] = _column_index(letters) if letters.isalpha() else place["column"] + 1
                place["length"], place["filled"] = 0, False
                place["shared"] = attrs.get("t") == "s"
                place["in_cell"] = True
                digits.clear()
            elif local in ("v", "t"):
                place["in_value"] = True

        def end(tag: str) -> None:
            local = tag.rpartition(":")[2]
            if local in ("v", "t"):
                place["in_value"] = False
            elif local == "c":
                place["in_cell"] = False
            if local == "c" and place["filled"]:
                row, column = place["row"], place["column"]
                if row > MAX_ROWS:
                    raise _too_big(self.path, sheet, row, column, _more_rows())
                if column > MAX_COLUMNS:
                    raise _too_big(self.path, sheet, row, column, _more_columns())
                index = "".join(digits)
                if place["shared"] and index.isdigit() and int(index) in self.long_strings:
                    raise _too_big(self.path, sheet, row, column, _more_characters())

        def text(data: str) -> None:
            if not place["in_cell"]:
                return
            place["length"] += len(data)  # a formula's text too: openpyxl reads it whole
            place["filled"] = place["filled"] or (place["in_value"] and bool(data.strip()))
            if place["length"] > MAX_CELL_CHARS:
                raise _too_big(self.path, sheet, place["row"], place["column"], _more_characters())
            if place["shared"] and place["in_value"] and len(digits) < 12:
                digits.append(data)

        return {"StartElementHandler": start, "EndElementHandler": end, "CharacterDataHandler": text}


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper()[:4]:
        index = index * 26 + ord(letter) - 64
    return index


# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetData:
    """One sheet to write: its name, its header row and its rows, made as they are written
    (an iterable, read once: the rows of a large export are never all held at once)."""

    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    key: int | None = None
    """The column that names a row's problem (its id), for a message about the row."""
    title: str | None = None
    """A title row above the headers, printed on every page with them."""
    unlocked: frozenset[int] = frozenset()
    """Columns a unit fills in: the only cells left unlocked when the sheet is protected."""
    protect: bool = False
    """Protected, with no password: only the `unlocked` columns can be edited."""
    choices: Mapping[int, Sequence[str]] = field(default_factory=dict)
    """Columns whose cells offer a dropdown of these values."""
    checks: Mapping[int, str] = field(default_factory=dict)
    """Columns whose cells take only a `date`, an `amount` or a `count`."""
    totals: Sequence[int] = ()
    """Columns summed in a 合计 row below the rows (which a sheet of `title` has)."""
    row_total: tuple[int, int, int] | None = None
    """(column, first, last): the column holds the sum of the row's columns first…last."""


MIN_WIDTH, MAX_WIDTH = 8, 40
"""The narrowest and widest column (characters, a CJK character counting two); a longer text
wraps within its cell."""


def xlsx_bytes(
    sheets: Sequence[SheetData], baseline: Iterable[tuple[str, dict[str, Any]]], *, per_cell: bool = False
) -> bytes:
    """A workbook: bold frozen header row, columns as wide as their text, dates as dates,
    amounts as numbers, and no cell that a spreadsheet would run as a formula; then the hidden
    sheet of the values as exported, `baseline`: (problem id, values) in id order. A sheet with a
    title is made to be printed and filled in: the title above, borders, wrapped text, a 合计
    row, A4 landscape fitted to the page's width with the title and headers on every page.

    Written by XlsxWriter in constant-memory mode: each row goes to a temporary file as soon as
    the next begins, so time and memory grow with the rows and never faster (openpyxl builds a
    styled object for every cell and took minutes for 100,000 problems). The rows below the
    headers are written as XML by `_Rows`, the same bytes XlsxWriter writes for them in a tenth of
    its time; `per_cell` writes them through XlsxWriter's own calls instead, cell by cell (the
    reference `_Rows` is tested against)."""
    import tempfile

    import xlsxwriter

    out = io.BytesIO()
    # The temporary files live in a folder of their own, removed whatever happens.
    with tempfile.TemporaryDirectory(prefix="auditledger-xlsx-", ignore_cleanup_errors=True) as scratch:
        book = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                "tmpdir": scratch,
                # cells are written by type below; these keep any text from becoming more
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        try:
            writer = _Writer(book, per_cell)
            for data in sheets:
                writer.sheet(data)
            writer.hidden(baseline)
        except BaseException:
            with contextlib.suppress(Exception):
                book.close()  # closes its temporary files; what it wrote is thrown away
            raise
        book.close()
    return out.getvalue()


_NUMBER_FORMATS = {"date": "yyyy-mm-dd", "amount": "#,##0.00", "count": "0"}
_KINDS: dict[str, dict[str, Any]] = {
    "header": {"bold": True, "valign": "vcenter"},
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
    "text": {"valign": "top"},
    "plain": {},
}


class _Writer:
    """Writes sheets into an XlsxWriter workbook, one format object per kind of cell."""

    def __init__(self, book: Any, per_cell: bool = False) -> None:
        self.book = book
        self.per_cell = per_cell
        self.cache: dict[tuple[Any, ...], Any] = {}

    def rows(self, sheet: Any, width: int) -> Any:
        """Where the cells of the rows below the headers are written: `_Rows`, or the sheet."""
        return sheet if self.per_cell else _Rows(sheet, width)

    def format(
        self,
        kind: str,
        wrap: bool = False,
        quote: bool = False,
        number: str | None = None,
        framed: bool = False,
        locked: bool = True,
    ) -> Any:
        """The format of a kind of cell, made once. header: bold, centred; text: at the top;
        title: large and bold; plain (the hidden sheet): as it is. quote: the prefix that keeps
        a spreadsheet from reading a text that starts with = + - @ as a formula when the cell
        is edited. framed: with borders, for print. locked: not editable once protected."""
        key = (kind, wrap, quote, number, framed, locked)
        found = self.cache.get(key)
        if found is None:
            properties: dict[str, Any] = dict(_KINDS[kind])
            if kind == "header" and framed:
                properties.update(align="center", bg_color="#F2F2F2")
            if wrap:
                properties["text_wrap"] = True
            if quote:
                properties["quote_prefix"] = True
            if number:
                properties["num_format"] = _NUMBER_FORMATS[number]
            if framed:
                properties["border"] = 1
            if not locked:
                properties["locked"] = False
                properties["bg_color"] = "#FFF9E0"  # the cells to fill in, shown as such
            found = self.cache[key] = self.book.add_format(properties)
        return found

    def sheet(self, data: SheetData) -> None:
        sheet = self.book.add_worksheet(data.name)
        framed = data.title is not None
        top = 1 if framed else 0
        widths = [_width(header) for header in data.headers]
        if data.title is not None:
            last = max(len(data.headers) - 1, 0)
            if last:
                sheet.merge_range(0, 0, 0, last, data.title, self.format("title"))
            else:
                sheet.write_string(0, 0, data.title, self.format("title"))
            sheet.set_row(0, 30)
        for column, header in enumerate(data.headers):
            self.text(sheet, data, top, column, header, "header", framed=framed)
        columns = range(len(data.headers))
        unlocked = [column in data.unlocked for column in columns]
        numbers = [data.checks.get(column) for column in columns]
        # one format per column and kind of value, looked up once: the loop below runs for
        # every cell of a large export (XlsxWriter's own cost per cell is the most of it)
        text_formats = [
            {
                (wrap, quote): self.format("text", wrap or framed, quote, None, framed, not unlocked[c])
                for wrap in (False, True)
                for quote in (False, True)
            }
            for c in columns
        ]
        date_formats = [self.format("text", False, False, "date", framed, not unlocked[c]) for c in columns]
        amount_formats = [
            self.format("text", False, False, numbers[c] or "amount", framed, not unlocked[c])
            for c in columns
        ]
        blank_formats = [
            self.format("text", framed, False, numbers[c], framed, not unlocked[c]) if framed else None
            for c in columns
        ]
        sums = {column: Decimal(0) for column in data.totals}
        cells = self.rows(sheet, len(data.headers))
        write_string, write_number, write_blank = cells.write_string, cells.write_number, cells.write_blank
        row = top
        for row, values in enumerate(data.rows, start=top + 1):
            for column, value in enumerate(values):
                if column in sums and isinstance(value, Decimal | int) and not isinstance(value, bool):
                    sums[column] += value
                if data.row_total is not None and column == data.row_total[0]:
                    self.row_total(cells, data, row, value, amount_formats[column])
                    continue
                if value is None:
                    if framed:
                        write_blank(row, column, None, blank_formats[column])
                    continue
                if isinstance(value, str):
                    text = value
                elif isinstance(value, date):
                    cells.write_datetime(row, column, value, date_formats[column])
                    if widths[column] < 10:
                        widths[column] = 10
                    continue
                elif isinstance(value, list | tuple):
                    text = "\n".join(str(v) for v in value)
                else:
                    shown = _cell_value(value)
                    if isinstance(shown, bool):
                        cells.write_boolean(row, column, shown)
                    elif isinstance(shown, int | float):
                        number_format = (
                            amount_formats[column]
                            if isinstance(value, Decimal) or numbers[column]
                            else (blank_formats[column])
                        )
                        write_number(row, column, shown, number_format)
                    if not isinstance(shown, str):
                        widths[column] = max(widths[column], len(str(shown)))
                        continue
                    text = shown  # a number kept as text
                # a text cell, as text whatever it starts with
                if len(text) > MAX_CELL_CHARS // 2:
                    self.check_length(data, row, column, text, values)
                style = text_formats[column]["\n" in text, text.startswith(FORMULA_START)]
                if text.startswith("<r>") and text.endswith("</r>"):
                    text = _not_rich(text)
                write_string(row, column, text, style)
                # a text is at most twice as wide as it is long: most cells need no count
                if widths[column] < MAX_WIDTH and 2 * len(text) > widths[column]:
                    widths[column] = max(widths[column], _width(value))
        if cells is not sheet:
            cells.close()
        if framed:
            self.total_row(sheet, data, top, row, sums)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
        sheet.freeze_panes(top + 1, 0)
        if framed:
            self.print_setup(sheet, data, top, row)

    def row_total(self, cells: Any, data: SheetData, row: int, value: Any, style: Any) -> None:
        """The row's total as the sum of its parts, kept up to date as the unit types."""
        assert data.row_total is not None
        _column, first, last = data.row_total
        formula = f"=SUM({column_letter(first + 1)}{row + 1}:{column_letter(last + 1)}{row + 1})"
        shown = _cell_value(value) if value is not None else 0
        cells.write_formula(row, data.row_total[0], formula, style, shown)

    def total_row(self, sheet: Any, data: SheetData, top: int, last: int, sums: dict[int, Decimal]) -> None:
        """合计: the count of problems and the sum of every amount column, as formulas."""
        row = last + 1
        label = self.format("header", framed=True)
        for column in range(len(data.headers)):
            if column in sums:
                letter = column_letter(column + 1)
                formula = f"=SUM({letter}{top + 2}:{letter}{last + 1})" if last > top else "=0"
                style = self.format("header", number=data.checks.get(column) or "amount", framed=True)
                sheet.write_formula(row, column, formula, style, _cell_value(sums[column]))
            elif column == 0:
                sheet.write_string(row, 0, TOTAL_ROW, label)
            else:
                sheet.write_blank(row, column, None, label)

    def print_setup(self, sheet: Any, data: SheetData, top: int, last: int) -> None:
        """A4 landscape, fitted to the page's width, the title and headers on every page,
        the pages numbered; protected (with no password) when the sheet is to be filled in."""
        sheet.set_paper(9)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0, top)
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.set_footer("&C" + _("page &P of &N"))
        sheet.print_area(0, 0, last + 1, len(data.headers) - 1)
        end = last + 200  # room for rows a unit inserts when it sorts or copies
        for column, values in data.choices.items():
            sheet.data_validation(
                top + 1,
                column,
                end,
                column,
                {
                    "validate": "list",
                    "source": list(values),
                    "error_title": _("Not a value of the list"),
                    "error_message": _("choose one of the values of the list"),
                },
            )
        for column, kind in data.checks.items():
            if column not in data.unlocked:
                continue
            check: dict[str, Any] = {
                "date": {"validate": "date", "criteria": ">=", "value": date(1990, 1, 1)},
                "amount": {"validate": "decimal", "criteria": ">=", "value": 0},
                "count": {"validate": "integer", "criteria": ">=", "value": 0},
            }[kind]
            check["error_message"] = {
                "date": _("write a date such as 2024-06-30"),
                "amount": _("write an amount in 万元, 0 or more"),
                "count": _("write a whole number, 0 or more"),
            }[kind]
            sheet.data_validation(top + 1, column, end, column, check)
        if data.protect:
            sheet.protect(
                "",
                {
                    "format_columns": True,
                    "format_rows": True,
                    "select_locked_cells": True,
                    "select_unlocked_cells": True,
                },
            )

    def hidden(self, baseline: Iterable[tuple[str, dict[str, Any]]]) -> None:
        import orjson

        data = SheetData(BASELINE_SHEET, ["id", "exported"], (), key=0)
        sheet = self.book.add_worksheet(BASELINE_SHEET)
        self.text(sheet, data, 0, 0, "id", "plain")
        self.text(sheet, data, 0, 1, "exported", "plain")
        cells = self.rows(sheet, 2)
        for row, (ident, exported) in enumerate(baseline, start=1):
            self.text(cells, data, row, 0, ident, "plain", (ident,))
            text = orjson.dumps(exported, option=orjson.OPT_SORT_KEYS).decode()
            self.text(cells, data, row, 1, text, "plain", (ident,))
        if cells is not sheet:
            cells.close()
        sheet.hide()

    def text(
        self,
        sheet: Any,
        data: SheetData,
        row: int,
        column: int,
        text: str,
        kind: str,
        values: Any = (),
        framed: bool = False,
    ) -> None:
        """A text cell, as text whatever it starts with (`kind`: header or plain)."""
        self.check_length(data, row, column, text, values)
        style = self.format(kind, kind == "header", text.startswith(FORMULA_START), framed=framed)
        if text.startswith("<r>") and text.endswith("</r>"):
            text = _not_rich(text)
        sheet.write_string(row, column, text, style)

    @staticmethod
    def check_length(data: SheetData, row: int, column: int, text: str, values: Any) -> None:
        """Refuse a text longer than a cell holds: XlsxWriter would cut it short without a word."""
        if len(text) > MAX_CELL_CHARS // 2 and len(text.encode("utf-16-le")) // 2 > MAX_CELL_CHARS:
            raise _too_long(data, row, column, values)


class _Rows:
    """The cells of a sheet's rows, written as the XML XlsxWriter writes for them straight into
    the file where its constant-memory mode keeps a sheet's rows. XlsxWriter spends some 4 µs on a
    cell (its argument decorators, a tuple, a list of attributes escaped one by one, a check of the
    used range), and a year of 20,000 problems has a million cells; this writes a row as one string.

    It takes the calls of an XlsxWriter worksheet that `_Writer` makes, with the same arguments:
    `write_string`, `write_number`, `write_datetime`, `write_blank`, `write_boolean` and
    `write_formula` (a plain formula such as `=SUM(K4:R4)`), the rows in order, each row's cells in
    column order and each once; then `close`. Like XlsxWriter it holds a row back until the next
    begins (so formats are numbered in the same order), and `close` hands the last row to
    XlsxWriter itself. tests/test_xlsx_rows.py holds the workbook to the one XlsxWriter writes
    cell by cell (`xlsx_bytes(..., per_cell=True)`), byte for byte. Of XlsxWriter's inside it uses
    the row file (`fh`), the row it holds back (`previous_row`, `_write_single_row`), a format's
    number (`_get_xf_index`) and date serials (`_convert_date_time`)."""

    def __init__(self, sheet: Any, width: int) -> None:
        self.sheet = sheet
        self.letters = [column_letter(column) for column in range(1, width + 1)]
        """The letters of the sheet's columns (it has `width`)."""
        self.row = -1
        """The row held back (-1: none yet)."""
        self.cells: list[tuple[str, int, int, Any, Any, Any]] = []
        """The calls of the row held back: (method, row, column, value, format, formula's value)."""
        self.styles: dict[int, str] = {}
        self.serials: dict[date, str] = {}

    def _start(self, row: int) -> None:
        if self.row < 0:
            self.sheet._write_single_row(row)  # out goes the row XlsxWriter holds (the headers)
        else:
            self._flush()
        self.row = row

    def _call(self, method: str, row: int, column: int, value: Any, style: Any, result: Any = None) -> None:
        if row != self.row:
            self._start(row)
        self.cells.append((method, row, column, value, style, result))

    def write_string(self, row: int, column: int, text: str, style: Any = None) -> None:
        self._call("write_string", row, column, text, style)

    def write_number(self, row: int, column: int, number: float, style: Any = None) -> None:
        self._call("write_number", row, column, number, style)

    def write_datetime(self, row: int, column: int, day: date, style: Any = None) -> None:
        self._call("write_datetime", row, column, day, style)

    def write_blank(self, row: int, column: int, blank: None, style: Any = None) -> None:
        if style is not None:  # a blank cell without a format is no cell
            self._call("write_blank", row, column, blank, style)

    def write_boolean(self, row: int, column: int, value: bool, style: Any = None) -> None:
        self._call("write_boolean", row, column, value, style)

    def write_formula(self, row: int, column: int, formula: str, style: Any = None, value: Any = 0) -> None:
        self._call("write_formula", row, column, formula, style, value)

    def _flush(self) -> None:
        """The row held back, as XML into XlsxWriter's row file."""
        number = str(self.row + 1)
        xml = [f'<row r="{number}">']
        styles, letters = self.styles, self.letters
        for method, _row, column, value, style, result in self.cells:
            cell = f'<c r="{letters[column]}{number}"'
            if style is not None:
                found = styles.get(id(style))
                if found is None:
                    found = styles[id(style)] = f' s="{style._get_xf_index()}"'
                cell += found
            if method == "write_string":
                xml.append(f'{cell} t="inlineStr"><is>{_inline(value)}</is></c>')
            elif method == "write_blank":
                xml.append(f"{cell}/>")
            elif method == "write_number":
                xml.append(f"{cell}><v>{value:.16G}</v></c>")
            elif method == "write_datetime":
                xml.append(f"{cell}><v>{self._serial(value)}</v></c>")
            elif method == "write_formula":
                xml.append(cell + _formula(value, result))
            else:
                xml.append(f'{cell} t="b"><v>{1 if value else 0}</v></c>')
        xml.append("</row>")
        self.sheet.fh.write("".join(xml))
        self.cells.clear()

    def _serial(self, day: date) -> str:
        found = self.serials.get(day)
        if found is None:
            found = self.serials[day] = f"{self.sheet._convert_date_time(day):.16G}"
        return found

    def close(self) -> None:
        """The last row handed to XlsxWriter, to hold back and write itself. The range of cells
        it declares it learns from the headers (as wide as any row) and from this row (the last)."""
        if self.row < 0:
            return
        self.sheet.previous_row = self.row
        for method, row, column, value, style, result in self.cells:
            arguments = (row, column, value, style) + ((result,) if method == "write_formula" else ())
            getattr(self.sheet, method)(*arguments)
        self.cells.clear()


def _formula(formula: str, value: Any) -> str:
    """A cell's formula and the value it shows until it is calculated, after the cell's `r`
    and `s`: as XlsxWriter writes a plain formula (no array, no function of its newer ones)."""
    kind = ""
    if isinstance(value, bool):
        kind, value = ' t="b"', int(value)
    elif isinstance(value, str) and value:
        kind, value = ' t="str"', _xml_escape(value)
    return f"{kind}><f>{_xml_escape(formula.removeprefix('='))}</f><v>{value}</v></c>"


_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]")
"""What `_inline` changes in a text but its spaces at the ends (and `_x`, found apart)."""


def _inline(text: str) -> str:
    """A text as XlsxWriter writes it within a cell's `<is>`: a control character as Excel's
    escape `_xHHHH_` (and a text of that form kept by escaping its underscore), XML's characters
    escaped, leading or trailing space preserved; a text that looks like rich text (`_not_rich`
    made it so) as it is."""
    if "_x" not in text and not _SPECIAL.search(text):  # most texts
        return (
            f'<t xml:space="preserve">{text}</t>'
            if text[:1].isspace() or text[-1:].isspace()
            else f"<t>{text}</t>"
        )
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda found: f"_x{ord(found[0]):04X}_", text)
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if text.startswith("<r>") and text.endswith("</r>"):
        return text
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    if "&" in text or "<" in text or ">" in text:
        text = _xml_escape(text)
    return f"<t{space}>{text}</t>"


def _not_rich(text: str) -> str:
    """A text that starts with <r> and ends with </r> as the escaped run of rich text that
    XlsxWriter takes it for (it would write the text itself into the sheet unescaped), so that
    it stays the text it is."""
    return '<r><t xml:space="preserve">' + _xml_escape(text) + "</t></r>"


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _too_long(data: SheetData, row: int, column: int, values: Any) -> AuditLedgerError:
    ident = values[data.key] if data.key is not None and data.key < len(values) else None
    if data.name == BASELINE_SHEET:
        message = _(
            "cannot export {id} as a workbook: its texts together hold more than {count} characters, "
            "more than a spreadsheet cell holds"
        ).format(id=ident, count=f"{MAX_CELL_CHARS:,}")
    else:
        header = data.headers[column] if column < len(data.headers) else column_letter(column + 1)
        message = _(
            "cannot export {id} as a workbook: its {column} holds more than {count} characters, "
            "more than a spreadsheet cell holds"
        ).format(id=ident or f"{data.name}!{row + 1}", column=header, count=f"{MAX_CELL_CHARS:,}")
    return AuditLedgerError(message, hint=_("shorten it in the ledger, or export --format csv or json"))


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
    # the characters a CJK font shows double, counted in C: each adds one to the length
    return max(2 * len(line) - len(_WIDE.sub("", line)) for line in lines)


_WIDE = re.compile("[\u2e80-\U0010ffff]")


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]], note: Sequence[str] = ()) -> str:
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
