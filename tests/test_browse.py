"""`list` and `show` on the sample ledger: filters, formats, languages."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from rich.cells import cell_len

from auditledger.render import text
from tests.conftest import CLI


def ids(run_stdout: str) -> list[str]:
    return [row["id"] for row in json.loads(run_stdout)]


def test_list_json_has_snake_case_keys_codes_and_exact_amounts(sample: CLI) -> None:
    rows = json.loads(sample("list", "--format", "json").stdout)
    assert len(rows) == 47
    first = rows[0]
    assert list(first) == [
        "id",
        "year",
        "audit_no",
        "title",
        "unit",
        "unit_name",
        "category",
        "type",
        "status",
        "deadline",
        "amount",
        "rectified_amount",
        "prominent",
        "systemic",
        "cooperating",
        "completed_on",
    ]
    assert first["id"] == "2023-001" and first["type"] == "immediate" and first["status"] == "closed"
    assert first["deadline"] == "2024-09-30"
    by_id = {row["id"]: row for row in rows}
    assert by_id["2023-002"]["amount"] == "1228.45"
    assert by_id["2024-002"]["rectified_amount"] == "21600"
    assert [row["id"] for row in rows] == sorted(by_id, key=lambda i: (int(i[:4]), i))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--year", "2023", "--unit", "czj"], ["2023-001", "2023-002"]),
        (["--status", "未整改"], ["2024-011", "2025-007", "2025-011"]),
        (
            ["--status", "not_started", "--status", "已整改", "--year", "2025"],
            ["2025-004", "2025-007", "2025-010", "2025-011", "2025-015"],
        ),
        (
            ["--type", "持续整改", "--year", "2024"],
            ["2024-010", "2024-012", "2024-013", "2024-016"],
        ),
        (
            ["--prominent", "--year", "2025"],
            ["2025-001", "2025-002", "2025-007", "2025-013", "2025-016"],
        ),
        (
            ["--category", "国有企业资产", "--unfinished"],
            ["2023-010", "2023-011", "2024-012", "2024-013", "2025-013", "2025-014"],
        ),
        (["--year", "2023", "--status", "未整改"], []),  # a year without problems is refused (test_typos)
    ],
)
def test_list_filters(sample: CLI, args: list[str], expected: list[str]) -> None:
    run = sample("list", *args, "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert ids(run.stdout) == expected


def test_list_filter_with_a_bad_status_names_the_choices(sample: CLI) -> None:
    run = sample("list", "--status", "done")
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "error: --status: 'done' is not a valid value; use one of: not_started, in_progress, "
        "partial (partly rectified), rectified, closed"
    )


def test_list_csv_matches_json(sample: CLI) -> None:
    rows = list(csv.DictReader(io.StringIO(sample("list", "--format", "csv").stdout)))
    assert len(rows) == 47
    assert rows[1]["amount"] == "1228.45" and rows[1]["cooperating"] == "gzw"
    total = sum(Decimal(r["amount"]) for r in rows)
    assert total == sum(Decimal(r["amount"]) for r in json.loads(sample("list", "--format", "json").stdout))


def test_list_table_in_chinese_and_english(sample: CLI) -> None:
    zh = sample("list", "--year", "2023", "--unit", "czj", "--lang", "zh").stdout
    assert "问题摘要" in zh and "已销号" in zh and "财政局" in zh
    assert "合计" in zh and "24,828.45" in zh  # 23,600 + 1,228.45
    en = sample("list", "--year", "2023", "--unit", "czj", "--lang", "en").stdout
    assert "Problem" in en and "closed" in en and "Total" in en and "已销号" not in en


def test_show_text_and_json(sample: CLI) -> None:
    text = sample("show", "2024-002", "--lang", "zh").stdout
    assert "政府债券资金闲置" in text and "统筹盘活" in text and "21,600.00" in text
    record = json.loads(sample("show", "2024-002", "--format", "json").stdout)
    assert record["rectified"] == {"reallocated": "12000", "disbursed": "9600"}
    assert record["rectified_amount"] == "21600"
    assert record["milestones"][0] == {
        "due": "2025-06-30",
        "text": "调整债券资金用途1.2亿元",
        "done": "2025-06-26",
    }
    assert record["unit_name"] == "示例市财政局"


def test_show_unknown_id_suggests_the_nearest(sample: CLI) -> None:
    run = sample("show", "2024-0022")
    assert run.exit_code == 2
    assert run.stderr == "error: no problem or record with id '2024-0022'; did you mean '2024-002'?\n"


def _reference_plain(grid: text.Grid) -> list[str]:
    """The long-table layout the slow, obvious way: Rich's width of every cell, cut a character
    at a time."""

    def cut(cell: str, width: int) -> str:
        if cell_len(cell) <= width:
            return cell
        while cell_len(cell) > width - 1:
            cell = cell[:-1]
        return cell + "…"

    rows = [[cell.replace("\n", " ") for cell in row] for row in grid.rows]
    headers = [column.header for column in grid.columns]
    widths = [
        min(max(cell_len(row[c]) for row in [headers, *rows]), text.PLAIN_CELL) for c in range(len(headers))
    ]

    def line(cells: list[str]) -> str:
        parts = []
        for c, cell in enumerate(cells):
            cell = cut(cell, widths[c])
            pad = " " * (widths[c] - cell_len(cell))
            parts.append(pad + cell if grid.columns[c].justify == "right" else cell + pad)
        return "  ".join(parts).rstrip()

    return [line(headers), "  ".join("─" * w for w in widths), *map(line, rows)]


@pytest.mark.parametrize(
    "cells",
    [
        ["财政局", "专项资金分配下达不及时，影响项目按期实施并造成资金闲置", "12.50"],
        [
            "\U0001f468\u200d\U0001f469\u200d\U0001f467家\u2764\ufe0f",
            "fam \U0001f468\u200d\U0001f469\u200d\U0001f467 and \u2764\ufe0f, e\u0301 combining",
            "ＡＢＣ",
        ],
        ["line\nbreak", "…×—·「」 punctuation mixes narrow and wide characters ok", "1,000.00"],
        ["", "", ""],
    ],
)
def test_long_tables_measure_every_cell_as_rich_does(
    monkeypatch: pytest.MonkeyPatch, cells: list[str]
) -> None:
    """The long-table printer measures widths its own quick way; it must agree with Rich on every
    kind of text: Chinese, full-width letters, joined emoji, combining marks, cut cells."""
    monkeypatch.setattr(text, "LARGE", 1)
    monkeypatch.setattr(text, "PLAIN_CELL", 17)
    grid = text.Grid()
    grid.add_column("单位")
    grid.add_column("What")
    grid.add_column("金额", justify="right")
    for n in range(3):
        grid.add_row(*(cell[n:] for cell in cells))
    out = io.StringIO()
    text.emit(grid, out)
    assert out.getvalue().splitlines() == _reference_plain(grid)


def test_show_labels_every_field_it_prints(sample: CLI) -> None:
    text = sample("show", "2024-011", "--lang", "zh").stdout
    assert "跟踪检查记录" in text and "2026-03-18 实地察看 预算工委监督处：抽查4个农村公路项目" in text
    assert "round" not in text and "整改轮次" not in text  # round 1 is the default
    assert "datetime" not in text and "tracking" not in text
    english = sample("show", "2024-011", "--lang", "en").stdout
    assert "Tracking records" in english and "site visit" in english


def test_long_tables_print_as_aligned_plain_columns(sample: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `LARGE` rows a table is printed without Rich: the same cells, aligned by display
    width (a Chinese character takes two columns), long cells cut with …, amounts to the right."""
    problems = json.loads(sample("list", "--format", "json").stdout)
    monkeypatch.setattr(text, "LARGE", 2)
    monkeypatch.setattr(text, "PLAIN_CELL", 20)
    whole = sample("list").stdout
    monkeypatch.setattr(text, "BLOCK", 3)  # rows are laid out and written a block at a time
    assert sample("list").stdout == whole
    lines = sample("list").lines
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    widths = [len(part) for part in lines[rule].split("  ")]
    rows = lines[rule + 1 : rule + 1 + len(problems)]
    assert [row.split()[0] for row in rows] == [p["id"] for p in problems]
    amount_ends = sum(widths[:7]) + 2 * 6  # display columns up to the end of the amount column
    for row, problem in zip(rows, problems, strict=True):
        assert cell_len(row) <= sum(widths) + 2 * (len(widths) - 1)
        prefix, used = "", 0
        for char in row:
            if used >= amount_ends:
                break
            prefix, used = prefix + char, used + cell_len(char)
        assert Decimal(prefix.split()[-1].replace(",", "")) == Decimal(problem["amount"]).quantize(
            Decimal("0.01")
        )
    assert any("…" in row for row in rows), "titles longer than a plain cell are cut"
    assert max(widths) == text.PLAIN_CELL
