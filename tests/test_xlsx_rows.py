"""The rows of an exported workbook are written as XML by the tool itself (issue 20: XlsxWriter's
own calls cost 4 µs a cell, a million cells a year at 100,000 problems). The workbook must be the
one XlsxWriter writes through its own calls, byte for byte: these tests write the same sheets
both ways (`xlsx_bytes(..., per_cell=True)` is XlsxWriter cell by cell) and compare every part."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditledger.asof import ledger_on
from auditledger.interchange import exporting
from auditledger.interchange.sheets import SheetData, xlsx_bytes
from auditledger.loader import load
from tests.conftest import CLI

STAMPED = "docProps/core.xml"
"""The part that holds the time the workbook was made: the one part allowed to differ."""


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != STAMPED}


def assert_same_both_ways(
    sheets: Callable[[], list[SheetData]], baseline: list[tuple[str, dict[str, Any]]]
) -> None:
    """`sheets` makes the sheets anew for each way: their rows are read once."""
    ours = parts(xlsx_bytes(sheets(), baseline))
    theirs = parts(xlsx_bytes(sheets(), baseline, per_cell=True))
    assert list(ours) == list(theirs)
    for name in ours:
        assert ours[name] == theirs[name], name


def test_the_sample_years_workbooks_are_xlsxwriters_byte_for_byte(sample: CLI) -> None:
    ledger, _diagnostics = load(sample.root, disk=False)
    day = date(2026, 10, 8)
    ledger = ledger_on(ledger, day)

    def check(year: int, units: list[str]) -> None:
        problems = [p for p in ledger.problems_of(year) if not units or p.unit in units]
        assert problems
        assert_same_both_ways(
            lambda: exporting.workbook_sheets(ledger, problems, year, day, units),
            list(exporting.baseline(ledger, problems)),
        )

    years = sorted({p.year for p in ledger.problems})
    assert len(years) >= 2
    for year in years:
        check(year, [])
        check(year, [ledger.problems_of(year)[-1].unit])


ODD_TEXTS = [
    "",
    " leading space",
    "trailing space ",
    "\tTab",
    "line\nbreak",
    "carriage\r\nreturn",
    "\x01control\x1f",
    "_x0041_ looks escaped",
    "_x005F_ and _xFFFF_",
    "\ufffe\uffff",
    "<r>looks rich</r>",
    "<r><t>rich</t></r>",
    "a & b < c > d \" e '",
    "=SUM(A1:A9)",
    "+1",
    "-1",
    "@A1",
    "整改措施：下达4项资金7,200万元",
    "\u3000全角空格",
    "emoji 🙂",
]


def sheet_of(rows: list[list[Any]], framed: bool) -> SheetData:
    """A sheet of six columns: an id, a text, an amount, a date, a count and a row total of the
    amount and the count (as 整改情况清单 sums the methods into 已整改金额)."""
    headers = ["台账编号", "问题摘要", "问题金额（万元）", "整改时限", "追责问责（人次）", "合计"]
    if not framed:
        return SheetData("问题清单", headers, rows, key=0)
    return SheetData(
        "整改情况清单",
        headers,
        rows,
        key=0,
        title="2025 整改情况清单",
        unlocked=frozenset({1, 4}),
        protect=True,
        choices={1: ["未整改", "整改中"]},
        checks={2: "amount", 3: "date", 4: "count", 5: "amount"},
        totals=[2, 5],
        row_total=(5, 2, 4),
    )


def odd_rows() -> list[list[Any]]:
    amounts: list[Any] = [Decimal("23600"), Decimal("0.5"), Decimal("1.23456789"), 7, None, Decimal("1E+3")]
    days: list[Any] = [date(2024, 6, 30), date(1900, 2, 28), date(1900, 3, 1), None, "2024-13-01"]
    counts: list[Any] = [0, 3, None, True, ["a", "b"], 10**17]
    return [
        [
            f"2025-{index:03}",
            text if index % 4 else [text, "第二条"],
            amounts[index % len(amounts)],
            days[index % len(days)],
            counts[index % len(counts)],
            amounts[(index + 1) % len(amounts)],
        ]
        for index, text in enumerate(ODD_TEXTS)
    ]


def test_odd_cells_are_written_as_xlsxwriter_writes_them() -> None:
    rows = odd_rows()
    baseline = [(str(row[0]), {"title": row[1], "amount": str(row[2])}) for row in rows]
    assert_same_both_ways(lambda: [sheet_of(rows, True), sheet_of(rows, False)], baseline)


def test_a_sheet_without_rows_is_written_as_xlsxwriter_writes_it() -> None:
    assert_same_both_ways(lambda: [sheet_of([], True), sheet_of([], False)], [])


cell_text = st.text(max_size=40)
cell_value = st.one_of(
    st.none(),
    cell_text,
    st.lists(cell_text, max_size=3),
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=4),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_value, min_size=6, max_size=6), max_size=6), cell_text)
def test_any_cells_are_written_as_xlsxwriter_writes_them(rows: list[list[Any]], ident: str) -> None:
    baseline = [(ident, {"title": ident})] if ident else []
    assert_same_both_ways(lambda: [sheet_of(rows, True), sheet_of(rows, False)], baseline)


def test_the_rows_stay_in_the_sheet_after_the_headers(tmp_path: Path) -> None:
    """The workbook read back: the rows below the headers and the 合计 row after them."""
    import openpyxl

    path = tmp_path / "odd.xlsx"
    rows = odd_rows()
    path.write_bytes(xlsx_bytes([sheet_of(rows, True)], []))
    sheet = openpyxl.load_workbook(path)["整改情况清单"]
    assert [c.value for c in sheet[2]] == sheet_of(rows, True).headers
    assert [sheet.cell(3 + i, 1).value for i in range(len(rows))] == [row[0] for row in rows]
    assert sheet.cell(3, 2).value == "\n第二条"  # a list, one item a line
    assert sheet.cell(4, 2).value == " leading space"
    assert sheet.cell(3 + len(rows), 1).value == "合计"
    assert sheet.cell(3 + len(rows), 3).value == f"=SUM(C3:C{2 + len(rows)})"
    assert sheet.max_row == 3 + len(rows)
