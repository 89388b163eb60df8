"""Every exported cell is data (issue 18, item 3): text that starts like a formula, in every
kind of column — a single text, a list joined into one cell, a number kept as text, a name
looked up, a column heading — reaches a workbook as text and a CSV file neutralised."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import CLI, SETTINGS, YEAR, snapshot

STARTS = ["=", "+", "-", "@", "\t", "\r"]
FORMULA_START = tuple(STARTS)


def q(text: str) -> str:
    """A YAML scalar holding `text` as it is (JSON is YAML's double-quoted style)."""
    return json.dumps(text, ensure_ascii=False)


def ledger_of_formulas(make_ledger: Callable[..., Path]) -> CLI:
    """Unit u1 holds problem 2023-001, whose every text starts with `=`; u2 `+`, and so on."""
    units = "units:\n" + "".join(
        f"  - {{id: u{i}, name: {q(start + '1+1单位')}}}\n" for i, start in enumerate(STARTS, start=1)
    )
    settings = SETTINGS + "".join(f"  - {q(start + '1+1类')}\n" for start in STARTS)
    files: dict[str, str | None] = {
        "auditledger.yaml": settings,
        "units.yaml": units,
        "2023/_year.yaml": YEAR,
        "2023/czj.yaml": None,
    }
    for i, start in enumerate(STARTS, start=1):
        files[f"2023/u{i}.yaml"] = f"""\
problems:
  - id: 2023-00{i}
    year: 2023
    audit_no: {q(start + "2023")}
    title: {q(start + "SUM(A1:A9)标题")}
    description: {q(start + "1+1描述")}
    category: {q(start + "1+1类")}
    amount: 10
    unit: u{i}
    type: phased
    deadline: 2024-09-30
    status: in_progress
    measures: [{q(start + "HYPERLINK(1)措施")}, {q(start + "第二条")}]
    evidence: [{q(start + "1材料")}]
    milestones: [{{due: 2024-06-30, text: {q(start + "1阶段")}}}]
    reason: {q(start + "1原因")}
    next_steps: {q(start + "1计划")}
"""
    return CLI(make_ledger(files))


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")) for cell in row]


def test_no_workbook_cell_is_a_formula(make_ledger: Callable[..., Path], tmp_path: Path) -> None:
    cli = ledger_of_formulas(make_ledger)
    assert cli("check").exit_code == 0, cli("check").stdout
    before = snapshot(cli.root)
    path = tmp_path / "out.xlsx"
    run = cli("export", "--year", "2023", "--format", "xlsx", "-o", str(path))
    assert run.exit_code == 0, run.stderr
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
    # the only formulas are the tool's own sums (a row's total by method, the 合计 row) over
    # its own cells; no value of the ledger is one
    sums = re.compile(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)")
    assert formulas and all(sums.fullmatch(str(value)) for _, _, value in formulas), formulas
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for start in ("=", "+", "-", "@"):  # each kind of column holds such a value, as text
        assert start + "SUM(A1:A9)标题" in texts  # a single text
        assert f"{start}HYPERLINK(1)措施\n{start}第二条" in texts  # a list joined
        assert start + "2023" in texts  # a number kept as text
        assert start + "1+1单位" in texts  # a name looked up
    assert snapshot(cli.root) == before


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--year", "2023", "--format", "csv"],
        ["list", "--format", "csv"],
        ["stats", "--by", "unit", "--format", "csv"],
        ["stats", "--by", "category", "--format", "csv"],
        [
            "query",
            "SELECT p.audit_no, p.title, p.description, group_concat(m.text, '; ') AS measures, "
            'u.name, 1 AS "=1+1" FROM problems p JOIN measures m ON m.problem_id = p.id '
            "JOIN units u ON u.id = p.unit GROUP BY p.id",
            "--format",
            "csv",
        ],
    ],
)
def test_no_csv_cell_starts_like_a_formula(make_ledger: Callable[..., Path], args: list[str]) -> None:
    cli = ledger_of_formulas(make_ledger)
    run = cli(*args)
    assert run.exit_code == 0, run.stderr
    cells = csv_cells(run.stdout)
    assert [c for c in cells if c.startswith(FORMULA_START)] == []
    for start in ("=", "+", "-", "@"):  # the values are there, behind an apostrophe
        assert any(c.startswith(f"'{start}1") or c.startswith(f"'{start}SUM") for c in cells)
