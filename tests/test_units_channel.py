"""The spreadsheet channel with responsible units: the workbook a unit fills in, what its return
may change, and the lists an audit office sends, as .xlsx, .xls and .ods."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import CLI, raw_problems, snapshot
from tests.office_lists import write_ods, write_xls, write_xlsx

DAY = "2026-10-08"


def export(cli: CLI, path: Path, *units: str) -> Path:
    args = ["export", "--year", "2025", "--as-of", DAY, "-o", str(path)]
    for unit in units:
        args += ["--unit", unit]
    run = cli(*args)
    assert run.exit_code == 0, run.stderr
    return path


class Sheet:
    """整改情况清单 of a workbook as a unit edits it: cells by problem id and header."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = openpyxl.load_workbook(path)
        self.sheet = self.book["整改情况清单"]
        self.headers = [c.value for c in self.sheet[2]]
        self.rows = {
            row[1].value: row[0].row for row in self.sheet.iter_rows(min_row=3) if row[1].value not in (None,)
        }

    def cell(self, ident: str, header: str) -> Any:
        return self.sheet.cell(self.rows[ident], self.headers.index(header) + 1)

    def fill(self, ident: str, header: str, value: object) -> str:
        cell = self.cell(ident, header)
        cell.value = value
        return str(cell.coordinate)

    def save(self, path: Path) -> Path:
        self.book.save(path)
        return path


def cells(path: Path) -> dict[tuple[str, str], object]:
    """Every cell of every visible sheet: (sheet, coordinate) → value (formulas as written)."""
    book = openpyxl.load_workbook(path)
    return {
        (sheet.title, cell.coordinate): cell.value
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def problem(root: Path, ident: str) -> dict[str, Any]:
    return next(p for p in raw_problems(root, int(ident[:4])) if p["id"] == ident)


def test_a_unit_fills_in_its_workbook_and_only_what_it_filled_comes_back(sample: CLI, tmp_path: Path) -> None:
    exported = export(sample, tmp_path / "czj.xlsx", "czj")
    sheet = Sheet(exported)
    filled = {
        sheet.fill("2025-001", "整改状态", "部分整改"),
        sheet.fill("2025-001", "其中：统筹盘活（万元）", 20000),
        sheet.fill("2025-001", "佐证材料", "预算编制规程（修订稿）.pdf"),  # its first evidence
        sheet.fill("2025-001", "未整改到位原因", "项目库尚在建设"),
    }
    returned = sheet.save(tmp_path / "czj-returned.xlsx")
    run = sample("import", str(returned), "--year", "2025", "--update", "--date", DAY, "--by", "市财政局")
    assert run.exit_code == 0, run.stderr
    assert run.lines == [
        "update 2025-001: Status: in progress → partly rectified; "
        "Rectified (10k yuan) / idle funds put to use: — → 20,000.00; "
        "Evidence added: 预算编制规程（修订稿）.pdf; Why unfinished: — → 项目库尚在建设",
        "0 added, 1 updated, 1 already in the ledger",
    ]
    stored = problem(sample.root, "2025-001")
    assert stored["status"] == "partial" and stored["rectified"] == {"reallocated": 20000}
    assert stored["evidence"] == ["预算编制规程（修订稿）.pdf"] and stored["reason"] == "项目库尚在建设"
    assert stored["deadline"].isoformat() == "2027-12-31"  # type: ignore[attr-defined]
    assert stored["history"][-1]["action"] == "import" and stored["history"][-1]["by"] == "市财政局"  # type: ignore[index]
    assert sample("check").exit_code == 0

    again = export(sample, tmp_path / "czj-again.xlsx", "czj")
    before, after = cells(exported), cells(again)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    # the cells the unit filled, and the status in 问题清单 and 整改责任清单, nothing else
    assert {cell for sheet_name, cell in changed if sheet_name == "整改情况清单"} == filled
    assert {sheet_name for sheet_name, _ in changed} == {"整改情况清单", "问题清单", "整改责任清单"}
    assert {after[key] for key in changed if key[0] != "整改情况清单"} == {"部分整改"}
    # the sheet the unit returned is the sheet the ledger now exports
    returned_sheet = {k: v for k, v in cells(returned).items() if k[0] == "整改情况清单"}
    assert returned_sheet == {k: v for k, v in after.items() if k[0] == "整改情况清单"}

    unchanged = snapshot(sample.root)
    once_more = sample("import", str(returned), "--year", "2025", "--update", "--date", DAY)
    assert once_more.exit_code == 0, once_more.stderr
    assert once_more.lines == ["0 added, 0 updated, 2 already in the ledger"]
    assert snapshot(sample.root) == unchanged


def test_a_change_to_the_audit_offices_fields_is_refused_cell_by_cell(sample: CLI, tmp_path: Path) -> None:
    sheet = Sheet(export(sample, tmp_path / "czj.xlsx", "czj"))
    sheet.fill("2025-001", "佐证材料", "规程.pdf")  # allowed, but not alone with the others
    deadline = sheet.fill("2025-002", "整改时限", "2027-12-31")
    amount = sheet.fill("2025-002", "问题金额（万元）", 1000)
    title = sheet.fill("2025-001", "问题摘要", "预算编制已经细化")
    path = sheet.save(tmp_path / "tampered.xlsx")
    before = snapshot(sample.root)
    run = sample("import", str(path), "--year", "2025", "--update", "--date", DAY)
    assert run.exit_code == 2
    assert snapshot(sample.root) == before
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        f"error: {path}: 3 errors in the list; nothing was imported",
        f"{path}:整改情况清单!3:{title[0]}: locked-cell: 2025-001: 问题摘要 is not the unit's to change "
        "(exported: 预算编制不够细化，年初预留资金比例偏高, in the sheet: 预算编制已经细化); "
        "put back 预算编制不够细化，年初预留资金比例偏高; the committee changes it in the ledger, "
        "not through a returned list",
        f"{path}:整改情况清单!4:{amount[0]}: locked-cell: 2025-002: 问题金额（万元） "
        "is not the unit's to change (exported: 9860, in the sheet: 1000); put back 9860; "
        "the committee changes it in the ledger, not through a returned list",
        f"{path}:整改情况清单!4:{deadline[0]}: locked-cell: 2025-002: 整改时限 is not the unit's to change "
        "(exported: 2026-09-30, in the sheet: 2027-12-31); put back 2026-09-30; the change is made with "
        "`auditledger extend 2025-002 --to 2027-12-31 --reason 理由 --approved-by 批准机关`",
    ]


def test_a_cleared_cell_is_said_and_the_ledger_keeps_its_value(sample: CLI, tmp_path: Path) -> None:
    sheet = Sheet(export(sample, tmp_path / "czj.xlsx", "czj"))
    place = sheet.fill("2025-002", "下一步计划", None)
    sheet.fill("2025-002", "整改措施", "下达4项资金7,200万元\n督促项目单位尽快确定")
    path = sheet.save(tmp_path / "cleared.xlsx")
    run = sample("import", str(path), "--year", "2025", "--update", "--date", DAY)
    assert run.exit_code == 0, run.stderr
    assert run.lines == [
        "update 2025-002: Measures added: 督促项目单位尽快确定",
        f"{path}:整改情况清单!4:{place[0]}: cleared-cell (warning): 2025-002: "
        "下一步计划 is empty in the sheet; the ledger keeps 2026年12月上旬完成项目单位确定并下达。; "
        "an empty cell changes nothing; clear it with `auditledger update` if it must go",
        "0 added, 1 updated, 1 already in the ledger",
    ]
    assert problem(sample.root, "2025-002")["next_steps"] == "2026年12月上旬完成项目单位确定并下达。"


def test_the_workbook_is_locked_but_for_the_units_columns_and_prints_on_a4_landscape(
    sample: CLI, tmp_path: Path
) -> None:
    path = export(sample, tmp_path / "czj.xlsx", "czj")
    book = openpyxl.load_workbook(path)
    sheet = book["整改情况清单"]
    assert (
        sheet["A1"].value == "示例市2025 audit-found problems: 整改情况清单 (示例市财政局) — as of 2026-10-08"
    )
    assert "A1:X1" in {str(r) for r in sheet.merged_cells.ranges}
    headers = [c.value for c in sheet[2]]
    assert headers[:10] == [
        "序号",
        "台账编号",
        "问题编号",
        "问题摘要",
        "责任单位",
        "问题金额（万元）",
        "整改时限",
        "整改状态",
        "整改完成时间",
        "已整改金额（万元）",
    ]
    assert headers[10:18] == [
        "其中：追缴资金（万元）",
        "其中：归还原渠道（万元）",
        "其中：统筹盘活（万元）",
        "其中：加快拨付（万元）",
        "其中：退抵税费或补缴补发（万元）",
        "其中：调整账表（万元）",
        "其中：上缴国库（万元）",
        "其中：其他（万元）",
    ]
    assert [c.value for c in sheet[3]][:2] == [1, "2025-001"] and [c.value for c in sheet[4]][:2] == [
        2,
        "2025-002",
    ]
    # protected with no password; only the unit's columns are open
    assert sheet.protection.sheet and not sheet.protection.password
    unlocked = {headers[c.column - 1] for c in sheet[4] if not c.protection.locked}
    assert unlocked == {
        "整改状态",
        "整改完成时间",
        *headers[10:18],
        "整改措施",
        "制定完善制度（项）",
        "追责问责（人次）",
        "佐证材料",
        "未整改到位原因",
        "下一步计划",
    }
    # a dropdown of the statuses a unit reports, a real date, a row total and a 合计 row
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert [(str(v.sqref), v.formula1) for v in lists] == [("H3:H204", '"未整改,整改中,部分整改,已整改"')]
    assert sheet["G4"].is_date and sheet["G4"].number_format == "yyyy-mm-dd"
    assert sheet["J4"].value == "=SUM(K4:R4)" and sheet["N4"].value == 7200
    assert sheet["A5"].value == "合计" and sheet["F5"].value == "=SUM(F3:F4)"
    # wrapped, framed, at the top
    measures = sheet.cell(3, headers.index("整改措施") + 1)
    assert measures.alignment.wrap_text and measures.alignment.vertical == "top"
    assert measures.border.left.style == "thin" and sheet["B2"].border.bottom.style == "thin"
    assert sheet.freeze_panes == "A3"
    for name in ("整改情况清单", "问题清单", "整改责任清单"):
        printed = book[name]
        assert printed.page_setup.orientation == "landscape" and printed.page_setup.paperSize == 9
        assert printed.sheet_properties.pageSetUpPr.fitToPage
        # one page wide (1, the default, is left out of the file), as many pages long as it takes
        assert (printed.page_setup.fitToWidth or 1, printed.page_setup.fitToHeight) == (1, 0)
        assert printed.print_title_rows == "$1:$2"  # the title and the headers on every page
        assert printed["A1"].value.startswith("示例市2025 audit-found problems: " + name)
    assert not book["问题清单"].protection.sheet


def expected_office_problems() -> list[dict[str, object]]:
    return [
        {
            "id": "2026-001",
            "unit": "czj",
            "title": "某专项资金闲置未用",
            "amount": 500,
            "type": "immediate",
            "status": "rectified",
            "rectified": {"treasury": 200, "returned": 100, "accounts": 50, "other": 150},
            "rules_count": 2,
            "accountable": 3,
        },
        {
            "id": "2026-002",
            "unit": "jyj",
            "title": "学校食堂管理不规范",
            "amount": 80.5,
            "type": "phased",
            "status": "partial",
            "rectified": {"returned": 30},
            "rules_count": 1,
            "accountable": None,
        },
        {
            "id": "2026-003",
            "unit": "ybj",
            "title": "医保基金违规支付",
            "amount": 1200,
            "type": "ongoing",
            "status": "in_progress",
            "rectified": None,
            "rules_count": None,
            "accountable": 1,
        },
    ]


@pytest.mark.parametrize("write", [write_xlsx, write_xls, write_ods], ids=["xlsx", "xls", "ods"])
def test_an_audit_offices_list_imports_as_it_comes(
    sample: CLI, tmp_path: Path, write: Callable[[Path], Path]
) -> None:
    suffix = {"write_xlsx": "xlsx", "write_xls": "xls", "write_ods": "ods"}[write.__name__]
    path = write(tmp_path / f"审计局整改清单.{suffix}")
    units = (sample.root / "units.yaml").read_bytes()
    run = sample("import", str(path), "--year", "2026", "--date", DAY, "--create-units")
    assert run.exit_code == 0, run.stderr
    assert run.lines == [
        "add 2026-001 某专项资金闲置未用",
        "add 2026-002 学校食堂管理不规范",
        "add 2026-003 医保基金违规支付",
        "整改清单!7:A: a 合计 row, not a problem: skipped",
        "整改清单!8:A: a 备注 row, not a problem: skipped",
        "1 column not imported, no field has its name: 联系人 (整改清单!3:O); map it with --mapping",
        "3 added, 0 updated, 0 already in the ledger",
    ]
    assert (sample.root / "units.yaml").read_bytes() == units  # 市财政局 is czj: no unit u001
    stored = raw_problems(sample.root, 2026)
    keys = ("id", "unit", "title", "amount", "type", "status", "rectified", "rules_count", "accountable")
    assert [{key: p.get(key) for key in keys} for p in stored] == expected_office_problems()
    days = [(p["deadline"].isoformat(), p.get("completed_on")) for p in stored]  # type: ignore[attr-defined]
    assert [(d, c.isoformat() if c else None) for d, c in days] == [  # type: ignore[attr-defined]
        ("2027-06-30", DAY),
        ("2027-12-31", None),
        ("2028-06-30", None),
    ]
    assert not any("联系人" in json.dumps(p, ensure_ascii=False, default=str) for p in stored)
    assert sample("check").exit_code == 0


def test_the_summary_as_json_names_the_rows_and_columns_left_out(sample: CLI, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx")
    run = sample("import", str(path), "--year", "2026", "--dry-run", "--format", "json")
    assert run.exit_code == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["skipped_rows"] == [
        {"cell": "整改清单!7:A", "text": "合计"},
        {"cell": "整改清单!8:A", "text": "备注"},
    ]
    assert found["unknown_columns"] == [{"cell": "整改清单!3:O", "header": "联系人"}]


def test_a_unit_name_close_to_a_known_one_is_not_created_again(sample: CLI, tmp_path: Path) -> None:
    from tests.office_lists import ROWS

    rows = [list(row) for row in ROWS]
    rows[3][2] = "市财正局"  # a typo of 市财政局
    path = write_xlsx(tmp_path / "typo.xlsx", rows)
    before = snapshot(sample.root)
    run = sample("import", str(path), "--year", "2026", "--create-units")
    assert run.exit_code == 2
    assert (
        "unknown-unit: unit '市财正局' is not in units.yaml (1 rows, first at 整改清单!4:C); "
        "did you mean czj 示例市财政局? Add '市财正局' to its aliases in units.yaml" in run.stderr
    )
    assert snapshot(sample.root) == before


def test_aliases_in_units_yaml_and_status_words_in_the_settings_are_understood(
    sample: CLI, tmp_path: Path
) -> None:
    units = sample.root / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8").replace(
            "    name: 示例市财政局\n", "    name: 示例市财政局\n    aliases:\n      - 市级财政部门\n"
        ),
        encoding="utf-8",
    )
    settings = sample.root / "auditledger.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "status_synonyms:\n  已办结: rectified\n", encoding="utf-8"
    )
    assert sample("check").exit_code == 0
    from tests.office_lists import ROWS

    rows = [list(row) for row in ROWS[:4]]
    rows[3][2], rows[3][6] = "市级财政部门", "已办结"
    run = sample("import", str(write_xlsx(tmp_path / "a.xlsx", rows)), "--year", "2026", "--date", DAY)
    assert run.exit_code == 0, run.stderr
    stored = raw_problems(sample.root, 2026)
    assert [(p["unit"], p["status"]) for p in stored] == [("czj", "rectified")]


def test_a_wps_workbook_is_read_and_an_unreadable_one_refused_with_the_way_out(
    sample: CLI, tmp_path: Path
) -> None:
    readable = write_xls(tmp_path / "清单.xls").rename(tmp_path / "清单.et")
    run = sample("import", str(readable), "--year", "2026", "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == "3 added, 0 updated, 0 already in the ledger (dry run: nothing written)"
    broken = tmp_path / "坏.et"
    broken.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    refused = sample("import", str(broken), "--year", "2026")
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"error: {broken}: not a readable .et workbook (")
    assert refused.stderr.rstrip().endswith("; open it and save it as .xlsx")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("count", "shown"), [(499, False), (1200, True)])
def test_a_progress_bar_is_drawn_on_a_terminal_for_many_rows_only(count: int, shown: bool) -> None:
    from auditledger.render.progress import progress

    terminal, pipe = Terminal(), io.StringIO()
    assert list(progress(range(count), count, "导出 整改情况清单", terminal)) == list(range(count))
    assert list(progress(range(count), count, "导出 整改情况清单", pipe)) == list(range(count))
    assert ("导出 整改情况清单" in terminal.getvalue()) is shown
    assert pipe.getvalue() == ""
