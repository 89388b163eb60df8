"""An audit office's list as real lists come: a title and a note above the headers, 「其中」
columns by method and by level, 「追责问责（人次）」, short unit names, a column the ledger
does not know, a 合计 row and a 备注 row below; written as .xlsx (openpyxl), .xls (xlwt) and
.ods (odfpy), with dates as dates in each."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

SHEET = "整改清单"
ROWS: list[list[object]] = [
    ["示例市2026年度审计查出问题整改情况清单"],
    ["填报单位：示例市审计局", None, None, None, None, None, None, "单位：万元"],
    [
        "序号",
        "问题摘要",
        "责任单位",
        "问题金额（万元）",
        "整改类型",
        "整改时限",
        "整改状态",
        "已整改金额（万元）",
        "其中：上缴国库",
        "其中：归还原渠道资金",
        "其中：调账处理",
        "制定完善制度（项）",
        "其中：市级制度",
        "追责问责（人次）",
        "联系人",
    ],
    [
        1,
        "某专项资金闲置未用",
        "市财政局",
        500,
        "立行立改",
        datetime(2027, 6, 30),
        "已完成",
        500,
        200,
        100,
        50,
        2,
        1,
        3,
        "张三",
    ],
    [
        2,
        "学校食堂管理不规范",
        "教育局",
        80.5,
        "分阶段整改",
        datetime(2027, 12, 31),
        "基本完成",
        30,
        None,
        30,
        None,
        None,
        1,
        0,
        "李四",
    ],
    [
        3,
        "医保基金违规支付",
        "示例市医疗保障局",
        1200,
        "持续整改",
        datetime(2028, 6, 30),
        "正在整改",
        None,
        None,
        None,
        None,
        None,
        None,
        1,
        None,
    ],
    ["合计", None, None, 1780.5, None, None, None, 530, 200, 130, 50, 2, 2, 4, None],
    ["备注：金额单位为万元，追责问责以人次计。"],
]


def write_xlsx(path: Path, rows: list[list[object]] = ROWS) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_xls(path: Path, rows: list[list[object]] = ROWS) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(SHEET)
    day = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write(r, c, value, day)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, rows: list[list[object]] = ROWS) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=SHEET)
    for row in rows:
        line = TableRow()
        for value in row:
            if isinstance(value, datetime):
                cell = TableCell(valuetype="date", datevalue=value.date().isoformat())
                cell.addElement(P(text=value.date().isoformat()))
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif value is not None:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell()
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path
