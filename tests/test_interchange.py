"""Spreadsheets in and out (`import`, `export`) and the git review workflow (`diff`, `fmt`)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import CLI, PROBLEM, SAMPLE, snapshot

UNITS = """\
units:
  - id: czj
    name: 测试市财政局
  - id: jyj
    name: 测试市教育局
  - id: wjw
    name: 测试市卫生健康委员会
"""


@pytest.fixture
def fresh(make_ledger: Callable[..., Path]) -> CLI:
    """A ledger with units and no problems."""
    return CLI(make_ledger({"units.yaml": UNITS, "2023/czj.yaml": None}))


HEADER = [
    "序号",
    "问题标题",
    "在审计报告中的表述",
    "问题类别",
    "涉及金额（万元）",
    "整改责任单位",
    "配合单位",
    "整改类型",
    "整改期限",
    "是否已完成整改",
    "完成时间",
    "已整改金额（万元）",
    "已采取的整改措施",
    "未完成原因",
    "下一步计划",
]
ROWS: list[list[object]] = [
    [
        1,
        "专项资金下达不及时",
        "12项资金未在30日内下达",
        "财政管理",
        23600,
        "测试市财政局",
        "教育局",
        "立行立改",
        datetime(2024, 9, 30),
        "是",
        "2024年8月20日",
        "23,600",
        "逐项下达资金",
        None,
        None,
    ],
    [
        2,
        "学生资助资金发放不精准",
        "向不符合条件的学生发放资助",
        "重点民生资金",
        "28.08万元",
        "教育局",
        None,
        "立行立改",
        "2024/10/31",
        "否",
        None,
        20,
        "追回资金\n建立数据比对机制",
        "部分学生已毕业",
        "2024年底前追回",
    ],
    [
        3,
        "大型医用设备采购不规范",
        "3家医院未公开招标",
        "重点民生资金",
        "1,280.50",
        "测试市卫生健康委员会",
        "测试市财政局、测试市教育局",
        "分阶段整改",
        "2025.6.30",
        "否",
        None,
        None,
        None,
        None,
        "开展专项检查",
    ],
]


def workbook(path: Path, rows: list[list[object]], title: bool = True) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "问题清单"
    if title:
        sheet.append(["测试市2023年度审计查出问题清单"])  # a title row above the headers
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text as typed, even when it starts with =
    book.save(path)
    return path


def problems(cli: CLI, year: int = 2023) -> list[dict[str, object]]:
    run = cli("list", "--year", str(year), "--format", "json")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_a_real_problem_list_imports_into_a_fresh_ledger(fresh: CLI, tmp_path: Path) -> None:
    path = workbook(tmp_path / "问题清单.xlsx", ROWS)
    run = fresh("import", str(path), "--year", "2023", "--date", "2024-12-01")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == "3 added, 0 updated, 0 already in the ledger"
    assert fresh("check").exit_code == 0
    rows = problems(fresh)
    assert [(r["id"], r["audit_no"], r["unit"], r["type"], r["deadline"], r["status"]) for r in rows] == [
        ("2023-001", "1", "czj", "immediate", "2024-09-30", "rectified"),
        ("2023-002", "2", "jyj", "immediate", "2024-10-31", "in_progress"),
        ("2023-003", "3", "wjw", "phased", "2025-06-30", "in_progress"),
    ]
    assert [(r["amount"], r["rectified_amount"]) for r in rows] == [
        ("23600", "23600"),
        ("28.08", "20"),
        ("1280.50", "0"),
    ]
    shown = json.loads(fresh("show", "2023-002", "--format", "json").stdout)
    assert shown["measures"] == ["追回资金", "建立数据比对机制"]
    assert shown["reason"] == "部分学生已毕业"
    assert json.loads(fresh("show", "2023-003", "--format", "json").stdout)["cooperating"] == ["czj", "jyj"]
    assert json.loads(fresh("show", "2023-001", "--format", "json").stdout)["completed_on"] == "2024-08-20"

    again = fresh("import", str(path), "--year", "2023")
    assert again.exit_code == 0
    assert again.lines[-1] == "0 added, 0 updated, 3 already in the ledger"  # matched on 问题编号
    assert len(problems(fresh)) == 3


def test_a_gb18030_csv_imports_too(fresh: CLI, tmp_path: Path) -> None:
    lines = [",".join(HEADER)]
    for row in ROWS:
        cells = [
            (c.strftime("%Y-%m-%d") if isinstance(c, datetime) else "" if c is None else str(c)) for c in row
        ]
        lines.append(",".join(f'"{c}"' for c in cells))
    path = tmp_path / "问题清单.csv"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    run = fresh("import", str(path), "--year", "2023", "--date", "2024-12-01")
    assert run.exit_code == 0, run.stderr
    assert fresh("check").exit_code == 0
    assert [r["title"] for r in problems(fresh)] == [r[1] for r in ROWS]


def test_every_bad_row_is_reported_and_nothing_is_written(fresh: CLI, tmp_path: Path) -> None:
    bad = [list(r) for r in ROWS]
    bad[0][8] = "2024-13-01"  # row 3: no such date
    bad[1][4] = "二十八万"  # row 4: no amount
    bad[2][7] = "马上改"  # row 5: no such type
    path = workbook(tmp_path / "bad.xlsx", bad)
    before = snapshot(fresh.root)
    run = fresh("import", str(path), "--year", "2023")
    assert run.exit_code == 2
    lines = run.stderr.splitlines()
    assert lines[0] == f"error: {path}: 3 errors in the list; nothing was imported"
    assert lines[1].startswith(f"{path}:问题清单!3:I: import-cell: 整改期限: '2024-13-01' is not a date")
    assert lines[2].startswith(
        f"{path}:问题清单!4:E: import-cell: 涉及金额（万元）: '二十八万' is not an amount"
    )
    assert lines[3].startswith(f"{path}:问题清单!5:H: import-cell: 整改类型: '马上改' is not a valid value")
    assert snapshot(fresh.root) == before


def test_unknown_units_are_listed_or_created(fresh: CLI, tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][5] = "测试市审计局"
    rows[2][5] = "测试市审计局"
    path = workbook(tmp_path / "units.xlsx", rows)
    before = snapshot(fresh.root)
    run = fresh("import", str(path), "--year", "2023")
    assert run.exit_code == 2
    assert (
        "unknown-unit: unit '测试市审计局' is not in units.yaml (2 rows, first at 问题清单!3:F)" in run.stderr
    )
    assert snapshot(fresh.root) == before
    run = fresh("import", str(path), "--year", "2023", "--create-units", "--date", "2024-12-01")
    assert run.exit_code == 0, run.stderr
    assert run.lines[0] == "add unit u001 测试市审计局"
    assert [r["unit"] for r in problems(fresh)] == ["u001", "jyj", "u001"]
    assert fresh("check").exit_code == 0


def test_dry_run_shows_the_plan_and_writes_nothing(fresh: CLI, tmp_path: Path) -> None:
    path = workbook(tmp_path / "list.xlsx", ROWS, title=False)
    before = snapshot(fresh.root)
    run = fresh("import", str(path), "--year", "2023", "--dry-run")
    assert run.exit_code == 0
    assert run.lines == [
        "would add 2023-001 专项资金下达不及时",
        "would add 2023-002 学生资助资金发放不精准",
        "would add 2023-003 大型医用设备采购不规范",
        "3 added, 0 updated, 0 already in the ledger (dry run: nothing written)",
    ]
    assert snapshot(fresh.root) == before


def test_a_mapping_file_names_other_headers(fresh: CLI, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "问题概述,牵头部门,完成期限,类型\n资金闲置,财政局,2025-06-30,持续整改\n", encoding="utf-8"
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("问题概述: title\n牵头部门: unit\n完成期限: deadline\n类型: type\n", encoding="utf-8")
    run = fresh("import", str(path), "--year", "2023", "--mapping", str(mapping))
    assert run.exit_code == 0, run.stderr
    assert problems(fresh)[0]["title"] == "资金闲置"
    mapping.write_text("问题概述: titel\n", encoding="utf-8")
    assert (
        "unknown field names titel"
        in fresh("import", str(path), "--year", "2023", "--mapping", str(mapping)).stderr
    )


# --- export and the round trip -----------------------------------------------------------


def test_export_workbook_has_three_sheets_with_dates_numbers_and_a_frozen_header(
    sample: CLI, tmp_path: Path
) -> None:
    path = tmp_path / "2023.xlsx"
    run = sample("export", "--year", "2023", "--output", str(path), "--as-of", "2026-11-30")
    assert run.exit_code == 0, run.stderr
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["问题清单", "整改责任清单", "整改情况清单", "_auditledger"]
    assert book["_auditledger"].sheet_state == "hidden"
    sheet = book["问题清单"]
    assert sheet.freeze_panes == "A3"
    assert sheet["A1"].value == "示例市2023 audit-found problems: 问题清单 — as of 2026-11-30"
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["序号", "台账编号", "问题编号", "问题摘要"]
    row = {h: c for h, c in zip(headers, sheet[3], strict=True)}
    assert row["问题金额（万元）"].value == 23600 and row["问题金额（万元）"].number_format == "#,##0.00"
    assert isinstance(row["整改时限"].value, datetime) and row["整改时限"].number_format == "yyyy-mm-dd"
    assert row["责任单位"].value == "示例市财政局" and row["整改类型"].value == "立行立改"
    assert sheet.column_dimensions["D"].width > 20
    assert sheet.max_row == 17  # a title, the headers, 14 problems of 2023 and a 合计 row
    assert sheet["A17"].value == "合计" and sheet["A16"].value == 14


def test_a_unit_fills_in_its_sheet_and_the_changes_come_back_with_history(
    sample: CLI, tmp_path: Path
) -> None:
    path = tmp_path / "zjj.xlsx"
    assert sample("export", "--year", "2023", "--unit", "zjj", "-o", str(path)).exit_code == 0
    book = openpyxl.load_workbook(path)
    sheet = book["整改情况清单"]
    headers = [c.value for c in sheet[2]]
    sheet.cell(3, headers.index("整改状态") + 1).value = "已整改"
    sheet.cell(3, headers.index("已整改金额（万元）") + 1).value = 5210
    sheet.cell(3, headers.index("整改完成时间") + 1).value = datetime(2026, 11, 20)
    book.save(path)
    run = sample("import", str(path), "--year", "2023", "--update", "--date", "2026-11-24", "--by", "住建局")
    assert run.exit_code == 0, run.stderr
    assert run.lines == [
        "update 2023-008: Status: partly rectified → rectified; Completed on: — → 2026-11-20; "
        "Rectified (10k yuan) / other: — → 1,230.00",
        "0 added, 1 updated, 0 already in the ledger",
    ]
    shown = json.loads(sample("show", "2023-008", "--format", "json").stdout)
    assert shown["status"] == "rectified" and shown["rectified_amount"] == "5210"
    assert shown["history"][-1]["action"] == "import" and shown["history"][-1]["by"] == "住建局"
    assert sample("check").exit_code == 0
    again = sample("import", str(path), "--year", "2023", "--update", "--date", "2026-11-24")
    assert again.lines[-1] == "0 added, 0 updated, 1 already in the ledger"


def test_a_change_made_in_the_ledger_since_the_export_is_a_conflict(sample: CLI, tmp_path: Path) -> None:
    path = tmp_path / "zjj.xlsx"
    assert sample("export", "--year", "2023", "--unit", "zjj", "-o", str(path)).exit_code == 0
    assert sample("update", "2023-008", "--next-steps", "委员会督办", "--date", "2026-11-21").exit_code == 0
    book = openpyxl.load_workbook(path)
    sheet = book["整改情况清单"]
    headers = [c.value for c in sheet[2]]
    sheet.cell(3, headers.index("下一步计划") + 1).value = "单位自报的计划"
    book.save(path)
    before = snapshot(sample.root)
    run = sample("import", str(path), "--year", "2023", "--update")
    assert run.exit_code == 2
    assert (
        "整改情况清单!3:X: import-cell: 下一步计划 was changed in the ledger since the export" in run.stderr
    )
    assert "(ledger: 委员会督办, spreadsheet: 单位自报的计划)" in run.stderr
    assert snapshot(sample.root) == before


def test_cells_that_would_run_as_formulas_stay_text(fresh: CLI, tmp_path: Path) -> None:
    rows = [list(ROWS[0])]
    rows[0][1] = '=HYPERLINK("http://evil.example","点击")'
    rows[0][14] = "+1 下月完成"
    assert fresh("import", str(workbook(tmp_path / "f.xlsx", rows)), "--year", "2023").exit_code == 0
    out = tmp_path / "out.xlsx"
    assert fresh("export", "--year", "2023", "-o", str(out)).exit_code == 0
    cell = openpyxl.load_workbook(out)["问题清单"]["D3"]
    assert cell.value == '=HYPERLINK("http://evil.example","点击")'
    assert cell.data_type == "s" and cell.quotePrefix
    csv_text = fresh("export", "--year", "2023", "--format", "csv").stdout
    assert ",'=HYPERLINK(" in csv_text.replace('"', "") and "=HYPERLINK" not in csv_text.replace(
        "'=HYPERLINK", ""
    )
    # and back: the apostrophe is not part of the title
    path = tmp_path / "back.csv"
    path.write_text(csv_text, encoding="utf-8")
    again = CLI(fresh.root)("import", str(path), "--year", "2023", "--update")
    assert again.lines[-1] == "0 added, 0 updated, 1 already in the ledger"


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_import_of_an_export_gives_the_same_ledger(
    sample: CLI, make_ledger: Callable[..., Path], year: int
) -> None:
    """import(export(ledger)) equals the ledger, on every field the list carries."""
    exported = sample("export", "--year", str(year), "--format", "csv").stdout
    target = CLI(
        make_ledger(
            {"units.yaml": (SAMPLE / "units.yaml").read_text(encoding="utf-8"), "2023/czj.yaml": None}
        )
    )
    path = target.root.parent / "export.csv"
    path.write_text(exported, encoding="utf-8")
    run = target("import", str(path), "--year", str(year))
    assert run.exit_code == 0, run.stderr
    assert problems(target, year) == problems(sample, year)
    assert target("export", "--year", str(year), "--format", "csv").stdout == exported


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_an_exported_workbook_imported_back_with_update_changes_nothing(sample: CLI, year: int) -> None:
    """Every cell of 整改情况清单 reads back as the value it was exported from."""
    path = sample.root.parent / "export.xlsx"
    assert sample("export", "--year", str(year), "-o", str(path)).exit_code == 0
    before = snapshot(sample.root)
    again = sample("import", str(path), "--year", str(year), "--update")
    assert again.exit_code == 0, again.stderr
    assert again.lines[-1] == f"0 added, 0 updated, {len(problems(sample, year))} already in the ledger"
    assert snapshot(sample.root) == before


TRICKY = {
    "title": "<r><t>加粗</t></r>",
    "description": "含 _x0041_、_x005F_ 与回车\r之后 & <b>",
    "measures": ["=1+1", "_x000D_ 字面"],
    "next_steps": "<r></t></is></c><c><f>1+1</f></c></r>",
}


def test_texts_like_markup_or_excel_escapes_stay_as_they_are_in_the_workbook(
    make_ledger: Callable[..., Path], tmp_path: Path
) -> None:
    """XlsxWriter writes a text shaped <r>…</r> as rich-text XML and escapes control characters
    as _xHHHH_: the export keeps every text as it is, and the import reads it back."""
    fields = "".join(
        f"    {name}: {json.dumps(value, ensure_ascii=False)}\n" for name, value in TRICKY.items()
    )
    body = f"""\
problems:
  - id: 2023-001
    year: 2023
    category: 财政管理
    amount: 100.50
    unit: czj
    type: immediate
    deadline: 2024-09-30
    status: in_progress
{fields}"""
    cli = CLI(make_ledger({"2023/czj.yaml": body}))
    assert cli("check").exit_code == 0
    path = tmp_path / "out.xlsx"
    assert cli("export", "--year", "2023", "-o", str(path)).exit_code == 0
    sheet = openpyxl.load_workbook(path)["整改情况清单"]
    cells = {header.value: cell.value for header, cell in zip(sheet[2], sheet[3], strict=True)}
    assert cells["问题摘要"] == TRICKY["title"] and cells["下一步计划"] == TRICKY["next_steps"]
    assert [c for c in sheet.iter_rows(values_only=True) for c in c if c == "1+1"] == []
    again = cli("import", str(path), "--year", "2023", "--update")
    assert again.exit_code == 0, again.stderr
    assert again.lines[-1] == "0 added, 0 updated, 1 already in the ledger"
    empty = tmp_path / "empty"
    shutil.copytree(cli.root, empty, ignore=shutil.ignore_patterns("czj.yaml", ".auditledger"))
    target = CLI(empty)
    run = target("import", str(path), "--year", "2023")  # 问题清单
    assert run.exit_code == 0 and run.lines[-1].startswith("1 added"), run.stderr
    imported = json.loads(target("show", "2023-001", "--format", "json").stdout)
    assert imported["title"] == TRICKY["title"] and imported["description"] == TRICKY["description"]


def test_an_escaped_control_character_in_a_workbook_is_refused_as_such(fresh: CLI, tmp_path: Path) -> None:
    """Excel's escape of a NUL (written by openpyxl's inline texts as it is) reads as the NUL it
    stands for, which the ledger refuses, with a message and no traceback."""
    rows = [list(ROWS[0])]
    rows[0][1] = "_x0000_资金"
    before = snapshot(fresh.root)
    run = fresh("import", str(workbook(tmp_path / "f.xlsx", rows)), "--year", "2023")
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert "nothing was imported" in run.stderr and "control character" in run.stderr
    assert snapshot(fresh.root) == before


def test_a_text_longer_than_a_cell_holds_is_refused_not_cut(
    make_ledger: Callable[..., Path], tmp_path: Path
) -> None:
    long = "财" * 40_000
    cli = CLI(make_ledger({"2023/czj.yaml": PROBLEM + f"    description: {long}\n"}))
    path = tmp_path / "out.xlsx"
    run = cli("export", "--year", "2023", "-o", str(path))
    assert run.exit_code == 2
    assert (
        "cannot export 2023-001 as a workbook: its 具体问题表述 holds more than 32,767 characters"
        in run.stderr
    )
    assert "export --format csv or json" in run.stderr and not path.exists()
    assert long in cli("export", "--year", "2023", "--format", "csv").stdout


def test_export_refusals(sample: CLI) -> None:
    assert "--format xlsx needs --output" in sample("export", "--year", "2023").stderr
    assert (
        "--unit: unit 'zjjj' is not in units.yaml"
        in sample("export", "--year", "2023", "--unit", "zjjj", "--format", "csv").stderr
    )


# --- review in git -----------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_diff_lists_what_changed_for_review(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo / "ledgers", ignore=shutil.ignore_patterns(".auditledger"))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "ledger")
    cli = CLI(repo / "ledgers")
    assert cli("diff").stdout == "No changes to the ledger.\n"
    assert (
        cli(
            "update", "2023-008", "--status", "已整改", "--measure", "完成改造", "--date", "2026-11-20"
        ).exit_code
        == 0
    )
    assert (
        cli(
            "extend",
            "2024-002",
            "--to",
            "2026-06-30",
            "--reason",
            "用地审批",
            "--approved-by",
            "副市长",
            "--date",
            "2026-11-25",
        ).exit_code
        == 0
    )
    assert cli("update", "2023-003", "--evidence", "复核报告", "--date", "2026-11-20").exit_code == 0
    assert (
        cli(
            "add-problem",
            "--year",
            "2025",
            "--title",
            "新发现的问题",
            "--unit",
            "czj",
            "--type",
            "立行立改",
            "--deadline",
            "2026-12-31",
            "--amount",
            "12",
        ).exit_code
        == 0
    )
    run = cli("diff", "--lang", "zh")
    assert run.exit_code == 0, run.stderr
    assert run.lines == [
        "修改 2023-003 部分政府投资项目前期工作不充分导致概算调增（示例市发展和改革委员会）",
        "    佐证材料 新增：复核报告",
        "修改 2023-008 老旧小区改造项目进度滞后（示例市住房和城乡建设局）",
        "    整改措施 新增：完成改造",
        "    整改状态：部分整改 → 已整改",
        "    整改完成时间：— → 2026-11-20",
        "修改 2024-002 政府债券资金闲置（示例市财政局）",
        "    整改时限 延期：2025-12-31 → 2026-06-30",
        "新增 2025-018 新发现的问题（示例市财政局）",
    ]
    md = cli("diff", "--format", "md", "--lang", "zh").stdout
    assert md.startswith("- 修改 **2023-003** ") and "\n  - 整改状态：部分整改 → 已整改\n" in md
    found = json.loads(cli("diff", "--format", "json").stdout)
    assert [(p["kind"], p["id"]) for p in found["problems"]] == [
        ("changed", "2023-003"),
        ("changed", "2023-008"),
        ("changed", "2024-002"),
        ("added", "2025-018"),
    ]
    git(repo, "commit", "-qam", "progress")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "new files")
    assert cli("diff").stdout == "No changes to the ledger.\n"
    between = cli("diff", "HEAD~2", "HEAD", "--lang", "zh")
    assert between.lines[0].startswith("修改 2023-003") and len(between.lines) == 9
    assert "git cannot read revision 'nosuch'" in cli("diff", "nosuch").stderr


def test_diff_outside_git_is_one_line(small: CLI) -> None:
    run = small("diff")
    assert run.exit_code == 2 and "is not in a git repository" in run.stderr


def test_fmt_check_names_files_and_fmt_makes_them_canonical(small: CLI) -> None:
    path = small.root / "2023" / "czj.yaml"
    path.write_text(
        "problems:\n-   id: 2023-001\n    year: 2023\n    title:   专项资金下达不及时\n"
        "    category: 财政管理\n"
        "    amount: 100.50\n    unit: czj\n    type: immediate\n    deadline: 2024-09-30   \n"
        "    status: in_progress\n",
        encoding="utf-8",
    )
    before = snapshot(small.root)
    run = small("fmt", "--check")
    assert run.exit_code == 1
    assert run.stdout == f"{path}: not in the canonical layout (run `auditledger fmt`)\n"
    assert snapshot(small.root) == before
    assert small("fmt").exit_code == 0
    assert path.read_text(encoding="utf-8").startswith(
        "problems:\n  - id: 2023-001\n    year: 2023\n    title: 专项"
    )
    assert small("fmt", "--check").exit_code == 0
    formatted = snapshot(small.root)
    assert small("fmt").exit_code == 0 and snapshot(small.root) == formatted  # canonical stays byte for byte
    assert small("check").exit_code == 0


def test_the_sample_ledger_is_canonical(sample: CLI) -> None:
    run = sample("fmt", "--check")
    assert run.exit_code == 0 and run.stdout == ""


def test_the_pre_commit_hooks_run_the_commands_they_name(sample: CLI) -> None:
    from ruamel.yaml import YAML

    from tests.conftest import REPO

    hooks = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["auditledger-check", "auditledger-fmt"]
    for hook in hooks:
        assert hook["entry"] == "auditledger" and hook["language"] == "python" and not hook["pass_filenames"]
        run = sample(*hook["args"])
        assert run.exit_code == 0, (hook["id"], run.stdout, run.stderr)


def test_problems_for_new_files_are_checked_before_anything_is_written(fresh: CLI, tmp_path: Path) -> None:
    """The new files an import creates are read back and checked like the others."""
    rows = [list(ROWS[0])]
    rows[0].insert(0, "已销号")  # closed, but no evidence and no checker
    header = ["整改状态", *HEADER]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    sheet.append(rows[0])
    path = tmp_path / "closed.xlsx"
    book.save(path)
    before = snapshot(fresh.root)
    run = fresh("import", str(path), "--year", "2023")
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "error: the imported problems would make the ledger invalid, so nothing was written"
    )
    assert f"{fresh.root}/2023/czj.yaml:" in run.stderr and "closed-incomplete" in run.stderr
    assert snapshot(fresh.root) == before


NO_NUMBERS = (
    "问题标题,涉及金额（万元）,整改责任单位,整改类型,整改期限\n"
    "专项资金下达不及时,23.5,测试市财政局,立行立改,2024-09-30\n"
    "学生资助资金发放不精准,28.08,测试市教育局,立行立改,2024-09-30\n"
    "大型医用设备采购不规范,1280.50,测试市卫生健康委员会,分阶段整改,2025-06-30\n"
)


def test_importing_a_list_without_numbers_twice_adds_nothing(fresh: CLI, tmp_path: Path) -> None:
    """Rows without the audit office's number are recognised by year, unit, title and amount:
    importing the same list again duplicated every problem."""
    path = tmp_path / "list.csv"
    path.write_text(NO_NUMBERS, encoding="utf-8")
    assert fresh("import", str(path), "--year", "2023", "--date", "2024-12-01").exit_code == 0
    after = snapshot(fresh.root)
    again = fresh("import", str(path), "--year", "2023", "--date", "2024-12-01")
    assert again.exit_code == 0, again.stderr
    assert again.lines == [
        "3 rows already in the ledger as 2023-001, 2023-002, 2023-003 "
        "(the same unit, title and amount): skipped; use --update to change them",
        "0 added, 0 updated, 3 already in the ledger",
    ]
    assert snapshot(fresh.root) == after
    assert len(problems(fresh)) == 3


def test_a_row_matching_a_recorded_problem_by_content_is_skipped(small: CLI, tmp_path: Path) -> None:
    """The ledger holds 2023-001 (entered by hand); the list names it again, its title spaced
    and its amount written differently; the same words for another unit are another problem."""
    path = tmp_path / "list.csv"
    path.write_text(
        "问题标题,涉及金额（万元）,整改责任单位,整改类型,整改期限\n"
        "专项资金 下达不及时,100.5,测试市财政局,立行立改,2024-09-30\n"
        "专项资金下达不及时,100.5,测试市教育局,立行立改,2024-09-30\n",
        encoding="utf-8",
    )
    run = small("import", str(path), "--year", "2023", "--date", "2024-12-01")
    assert run.exit_code == 0, run.stderr
    assert run.lines == [
        "add 2023-002 专项资金下达不及时",
        "1 row already in the ledger as 2023-001 (the same unit, title and amount): skipped; "
        "use --update to change them",
        "1 added, 0 updated, 1 already in the ledger",
    ]


def test_rows_matched_by_the_audit_office_number_say_so(fresh: CLI, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "问题编号,问题标题,涉及金额（万元）,整改责任单位,整改类型,整改期限\n"
        "A-1,学生资助资金发放不精准,28.08,测试市教育局,立行立改,2024-09-30\n",
        encoding="utf-8",
    )
    assert fresh("import", str(path), "--year", "2023").exit_code == 0
    path.write_text(path.read_text(encoding="utf-8").replace("不精准", "不够精准"), encoding="utf-8")
    run = fresh("import", str(path), "--year", "2023")
    assert run.lines == [
        "1 row already in the ledger as 2023-001 (the same 问题编号): skipped; use --update to change them",
        "0 added, 0 updated, 1 already in the ledger",
    ]
