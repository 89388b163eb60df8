"""Hostile and broken files: each gives a positioned diagnostic and exit 1, or is read
correctly; nothing runs, nothing crashes, nothing expands."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CLI, PROBLEM, snapshot

HOSTILE = {
    "billion laughs": (
        "problems:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"  - &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)),
        "2023/czj.yaml:2:5: yaml-alias:",
    ),
    "python tag": (
        "problems: !!python/object/apply:os.system ['touch PWNED']\n",
        "2023/czj.yaml:1:11: yaml-tag: the tag !!python/object/apply:os.system is not allowed",
    ),
    "custom tag": ("problems:\n  - !include other.yaml\n", "2023/czj.yaml:2:5: yaml-tag: the tag !include"),
    "binary": ("problems:\n  - title: !!binary 5Lit5paH\n", "2023/czj.yaml:2:12: yaml-tag: the tag !!binary"),
    "two documents": (PROBLEM + "---\n" + PROBLEM, "2023/czj.yaml:11:1: multi-document:"),
    "deep flow": ("problems: " + "[" * 100 + "]" * 100 + "\n", "2023/czj.yaml:1:42: yaml-depth:"),
    "deep block": ("problems:\n" + "- " * 100 + "x\n", "2023/czj.yaml:2:63: yaml-depth:"),
    "NUL": (PROBLEM.replace("专项资金", "专项\x00资金"), "2023/czj.yaml:4:14: control-character: "),
    "C1": (PROBLEM.replace("专项资金", "专项\x9b资金"), "2023/czj.yaml:4:14: control-character: "),
    "U+2028": (PROBLEM.replace("专项资金", "专项\u2028资金"), "2023/czj.yaml:4:14: control-character: "),
    "escaped U+2029": (
        PROBLEM.replace("title: 专项资金下达不及时", 'title: "专项\\u2029资金"'),
        "2023/czj.yaml:4:5: invalid-value: title: text holds the control character U+2029",
    ),
    "tab indent": (
        PROBLEM.replace("    title:", "\ttitle:"),
        "2023/czj.yaml:4:1: yaml-syntax: a tab indents",
    ),
    "bad date": (PROBLEM.replace("2024-09-30", "2024-13-01"), "2023/czj.yaml:9:5: invalid-date:"),
    "bad amount": (PROBLEM.replace("100.50", "1,00.5x"), "2023/czj.yaml:6:5: invalid-amount:"),
    "infinite amount": (PROBLEM.replace("100.50", ".inf"), "2023/czj.yaml:6:5: invalid-amount:"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_one_positioned_diagnostic(
    name: str, make_ledger: Callable[..., Path], tmp_path: Path
) -> None:
    text, expected = HOSTILE[name]
    root = make_ledger({"2023/czj.yaml": None})
    (root / "2023" / "czj.yaml").write_bytes(text.encode("utf-8"))
    cli = CLI(root)
    started = time.monotonic()
    run = cli("check")
    assert time.monotonic() - started < 5  # nothing expanded
    assert run.exit_code == 1
    assert f"{root}/{expected}" in run.stdout, run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


def test_nesting_that_crashes_the_c_loader_is_refused(make_ledger: Callable[..., Path]) -> None:
    """30,000 levels segfault ruamel's C loader; run in a child process so that a regression
    fails this test instead of killing the test run."""
    root = make_ledger({"2023/czj.yaml": "problems: " + "[" * 30000 + "]" * 30000 + "\n"})
    done = subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(root), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "2023/czj.yaml:1:42: yaml-depth:" in done.stdout


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("BOM", b"\xef\xbb\xbf" + PROBLEM.encode()),
        ("CRLF", PROBLEM.replace("\n", "\r\n").encode()),
        ("BOM and CRLF", b"\xef\xbb\xbf" + PROBLEM.replace("\n", "\r\n").encode()),
    ],
)
def test_bom_and_crlf_are_read_and_kept_by_edits(
    make_ledger: Callable[..., Path], name: str, content: bytes
) -> None:
    root = make_ledger()
    path = root / "2023" / "czj.yaml"
    path.write_bytes(content)
    cli = CLI(root)
    assert cli("check").exit_code == 0
    assert cli("update", "2023-001", "--next-steps", "下月完成", "--date", "2024-08-01").exit_code == 0
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == content.startswith(b"\xef\xbb\xbf")
    lines = after.split(b"\n")
    crlf = b"\r\n" in content
    assert all(line.endswith(b"\r") == crlf for line in lines[:-1])
    assert after.startswith(content[: content.index(b"status")])  # the lines before are untouched
    assert cli("check").exit_code == 0


@pytest.mark.parametrize(
    ("name", "text"),
    [("empty", ""), ("comments only", "# 尚无问题\n# none yet\n"), ("empty list", "problems: []\n")],
)
def test_empty_files_are_empty_not_errors(make_ledger: Callable[..., Path], name: str, text: str) -> None:
    cli = CLI(make_ledger({"2023/jyj.yaml": text}))
    run = cli("check")
    assert run.exit_code == 0
    assert run.stdout.startswith("1 problems,")


def test_a_broken_file_refuses_edits_and_keeps_every_byte(make_ledger: Callable[..., Path]) -> None:
    root = make_ledger({"2023/czj.yaml": PROBLEM + "  - &x {id: 2023-002}\n"})
    cli = CLI(root)
    before = snapshot(root)
    run = cli("update", "2023-001", "--status", "整改中", "--date", "2024-08-01")
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert snapshot(root) == before


# --- hostile spreadsheets (issue 18, item 11) --------------------------------------------
# Each is imported in a child process with 1 GB of memory and a timeout: only a clear
# one-line error (exit 2, nothing written) or a correct import, never a traceback.

import resource  # noqa: E402
import zipfile  # noqa: E402
from collections.abc import Iterable, Iterator  # noqa: E402

_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>",
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="问题清单" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>",
}
_SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_HEADERS = ("问题摘要", "责任单位", "整改时限", "整改类型")


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _rows(count: int, first: Iterable[str] = ()) -> Iterator[str]:
    """The header row, then `count` good rows (after the `first` raw rows)."""
    yield '<row r="1">' + "".join(_cell(f"{c}1", h) for c, h in zip("ABCD", _HEADERS, strict=True)) + "</row>"
    yield from first
    for n in range(2, count + 2):
        values = (f"问题{n}", "czj", "2024-12-31", "立行立改")
        yield (
            f'<row r="{n}">'
            + "".join(_cell(f"{c}{n}", v) for c, v in zip("ABCD", values, strict=True))
            + "</row>"
        )


def xlsx(
    path: Path, rows: Iterable[str], parts: dict[str, str] | None = None, start: bytes = _SHEET_START
) -> Path:
    """A workbook written part by part, the sheet streamed: millions of rows or a cell of
    400 MB take seconds and no memory to make."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**_XLSX_PARTS, **(parts or {})}.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(start)
            for row in rows:
                sheet.write(row.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _huge_cell(megabytes: int) -> Iterator[str]:
    yield '<row r="2"><c r="A2" t="inlineStr"><is><t>'
    chunk = "秘" * (1 << 20)
    for _ in range(megabytes // 3):
        yield chunk
    yield "</t></is></c></row>"


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _import(root: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "auditledger", "--ledger", str(root), "import", str(path), "--year", "2023"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_cap_memory,
    )


def _external_link_parts() -> dict[str, str]:
    parts = dict(_XLSX_PARTS)
    return {
        "xl/_rels/workbook.xml.rels": parts["xl/_rels/workbook.xml.rels"].replace(
            "</Relationships>",
            '<Relationship Id="rId9" Target="externalLinks/externalLink1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"/>'
            "</Relationships>",
        ),
        "xl/workbook.xml": parts["xl/workbook.xml"].replace(
            "</workbook>",
            '<externalReferences><externalReference r:id="rId9"/></externalReferences></workbook>',
        ),
        "xl/externalLinks/externalLink1.xml": '<?xml version="1.0" encoding="UTF-8"?>'
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<externalBook r:id="rId1" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        "</externalLink>",
        "xl/externalLinks/_rels/externalLink1.xml.rels": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="file:///etc/passwd" TargetMode="External" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"/>'
        "</Relationships>",
    }


_ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.encode() for i in range(1, 10)
    ).replace(b"&lol0;", b"&lol;")
    + b"]>"
    + _SHEET_START.split(b"?>", 1)[1]
)

_CSV_HEADER = "问题摘要,责任单位,整改时限,整改类型\n"

SPREADSHEETS: dict[str, tuple[Callable[[Path], Path], str]] = {
    # 3M rows once needed over 8 GB and ended in a raw traceback
    "many rows": (
        lambda d: xlsx(d / "many.xlsx", _rows(150_000)),
        "many.xlsx:问题清单!100101:A: the sheet has more than 100,100 rows",
    ),
    "a cell of 40 MB": (
        lambda d: xlsx(d / "cell.xlsx", _rows(1, _huge_cell(40))),
        "cell.xlsx:问题清单!2:A: the cell holds more than 32,767 characters",
    ),
    # a 0.4 MB file with a 400 MB cell peaked at 3.2 GB and echoed the cell
    "zip bomb": (
        lambda d: xlsx(d / "bomb.xlsx", _rows(1, _huge_cell(400))),
        "bomb.xlsx: its part xl/worksheets/sheet1.xml unpacks to",
    ),
    "too many columns": (
        lambda d: xlsx(d / "wide.xlsx", _rows(1, ['<row r="2">' + _cell("ZZ2", "x") + "</row>"])),
        "wide.xlsx:问题清单!2:ZZ: a row has more than 200 columns",
    ),
    # 12M empty cells of one column in one row (a 258 KB file) needed 3.9 GB, then a traceback
    "empty cells in one row": (
        lambda d: xlsx(d / "empty.xlsx", _rows(1, ['<row r="2">' + '<c r="A2"/>' * 3_000_000 + "</row>"])),
        "empty.xlsx:问题清单!2:B: a row has more than 200 cells",
    ),
    "entity bomb": (
        lambda d: xlsx(d / "lol.xlsx", _rows(1), start=_ENTITY_BOMB),
        "lol.xlsx: its part xl/worksheets/sheet1.xml declares a DTD",
    ),
    "NUL in the sheet XML": (
        lambda d: xlsx(d / "nul.xlsx", _rows(1, ['<row r="2">' + _cell("A2", "a\x00b") + "</row>"])),
        "nul.xlsx: not a readable .xlsx workbook (ParseError: not well-formed",
    ),
    "date serial out of range": (
        lambda d: xlsx(
            d / "serial.xlsx",
            _rows(1, ['<row r="2"><c r="C2" s="1"><v>99999999999</v></c></row>']),
            {
                "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8"?>'
                '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
                "</styleSheet>",
                "[Content_Types].xml": _XLSX_PARTS["[Content_Types].xml"].replace(
                    "</Types>",
                    '<Override PartName="/xl/styles.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
                ),
                "xl/_rels/workbook.xml.rels": _XLSX_PARTS["xl/_rels/workbook.xml.rels"].replace(
                    "</Relationships>",
                    '<Relationship Id="rId3" Target="styles.xml" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
                    "</Relationships>",
                ),
            },
        ),
        "serial.xlsx: ",
    ),
    "not a zip": (
        lambda d: _write(d / "junk.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        "junk.xlsx: not a readable",
    ),
    "huge CSV": (
        lambda d: _write(
            d / "huge.csv",
            (
                "问题摘要,责任单位,整改时限,整改类型\n"
                + "专项资金下达不及时的问题,czj,2024-12-31,立行立改\n" * 400_000
            ).encode(),
        ),
        "huge.csv:100101:A: the sheet has more than 100,100 rows",
    ),
    "CSV with a long cell": (
        lambda d: _write(d / "long.csv", ("问题摘要,责任单位\n" + "x" * 200_000 + ",czj\n").encode()),
        "long.csv:2:A: a cell holds more than 32,767 characters",
    ),
    "CSV with NUL bytes": (
        lambda d: _write(
            d / "nul.csv",
            (_CSV_HEADER + "专项\x00资金,czj,2024-12-31,立行立改\n").encode(),
        ),
        "nul.csv",
    ),
    "CSV date beyond 2100": (
        lambda d: _write(d / "late.csv", (_CSV_HEADER + "专项资金,czj,9999-12-31,立行立改\n").encode()),
        "late.csv:2:C: import-cell: 整改时限: 9999-12-31 is not between 1990-01-01 and 2100-12-31",
    ),
    "external link": (lambda d: xlsx(d / "linked.xlsx", _rows(1), _external_link_parts()), ""),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", sorted(SPREADSHEETS))
def test_a_hostile_spreadsheet_is_one_clear_error(
    name: str, make_ledger: Callable[..., Path], tmp_path: Path
) -> None:
    make, expected = SPREADSHEETS[name]
    root = make_ledger()
    before = snapshot(root)
    path = make(tmp_path)
    done = _import(root, path)
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    assert len(output) < 4000  # no cell echoed
    if name == "external link":  # the link is neither followed nor kept: the rows import
        assert done.returncode == 0, output
        assert "1 added" in done.stdout
        return
    assert done.returncode == 2, output[-2000:]
    assert expected in done.stderr, done.stderr
    assert snapshot(root) == before
