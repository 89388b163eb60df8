"""`--format docx`: the Word document in the GB/T 9704 layout, opened with python-docx and checked
for its page, fonts, page numbers, landscape annexes, tables and properties; a committee's own
reference.docx; every report kind; the same figures as in Markdown and HTML; a golden file.

The golden file is regenerated on purpose only: `AUDITLEDGER_UPDATE_GOLDEN=1 pytest
tests/test_word.py`, then review the diff before committing.
"""

from __future__ import annotations

import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import html as lxml_html

from auditledger import __version__
from auditledger.cli import app
from auditledger.reports import Kind
from tests.conftest import CLI, REPO, raw_problems, snapshot

YEAR, CUTOFF = "2024", "2025-09-30"
"""The sample's year and the cut-off of its rectification report (ledgers/2024/_year.yaml)."""
GOLDEN = REPO / "tests" / "golden" / "rectification.sample.zh.docx.txt"


def word(cli: CLI, tmp_path: Path, *args: str, command: str = "report") -> Any:
    """The document `command` writes with --format docx, opened."""
    target = tmp_path / "out.docx"
    run = cli(command, *args, "--as-of", CUTOFF, "--format", "docx", "-o", str(target))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    return docx.Document(str(target))


@pytest.fixture
def rectification(sample: CLI, tmp_path: Path) -> Any:
    return word(sample, tmp_path, "--year", YEAR)


def body_paragraphs(document: Any, style: str) -> list[Any]:
    return [p for p in document.paragraphs if p.style.name == style and p.text.strip()]


def near(length: int, mm: float) -> bool:
    return abs(length - Mm(mm)) < Mm(0.1)


# --- the page ------------------------------------------------------------------------------


def test_a4_with_the_official_margins_and_line_grid(rectification: Any) -> None:
    first = rectification.sections[0]
    assert near(first.page_width, 210) and near(first.page_height, 297)
    margins = (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)
    assert [near(m, mm) for m, mm in zip(margins, (37, 35, 28, 26), strict=True)] == [True] * 4
    grid = first._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    pitch = int(grid.get(qn("w:linePitch")))
    assert 22 * pitch <= (Mm(297 - 37 - 35) / 635) < 23 * pitch  # 22 lines fill the type area
    spacing = rectification.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    condensed = int(spacing.find(qn("w:spacing")).get(qn("w:val"))) / 20  # points
    line = Mm(210 - 28 - 26) / 12700
    assert 28 * (16 + condensed) <= line < 29 * (16 + condensed)  # 28 characters a line
    normal = rectification.styles["Body Text"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == pitch * 635  # exact, the grid's pitch
    assert normal.paragraph_format.first_line_indent == Pt(32)  # two characters


def test_every_run_of_the_text_names_its_east_asian_font(rectification: Any) -> None:
    expected = {
        "Body Text": "仿宋_GB2312",
        "Title": "方正小标宋简体",
        "Heading 1": "黑体",
        "Heading 2": "楷体_GB2312",
        "Annex Title": "方正小标宋简体",
    }
    for style, font in expected.items():
        paragraphs = body_paragraphs(rectification, style)
        assert paragraphs, style
        styled = rectification.styles[style].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert styled.get(qn("w:eastAsia")) == font
        for paragraph in paragraphs:
            for run in paragraph.runs:
                if run.text.strip():
                    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == font, (style, run.text)
    cells = [p for t in rectification.tables for c in t._cells for p in c.paragraphs if p.text.strip()]
    assert cells and all(
        r._r.rPr.rFonts.get(qn("w:eastAsia")) in ("仿宋_GB2312", "黑体") for p in cells for r in p.runs
    )
    assert "zh-CN" in rectification.styles.element.xml  # the document's East Asian language


def test_pages_are_numbered_with_a_page_field_between_dashes(rectification: Any) -> None:
    for footer in (rectification.sections[0].footer, rectification.sections[0].even_page_footer):
        xml = footer._element.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert footer.paragraphs[0].text == "— 1 —"
    assert rectification.settings.odd_and_even_pages_header_footer
    for section in rectification.sections[1:]:
        assert section.footer.is_linked_to_previous  # every section numbered alike


def sections_of(document: Any) -> list[tuple[str, list[str]]]:
    """Each section's orientation with the texts of its paragraphs and tables, in order."""
    found: list[tuple[str, list[str]]] = []
    texts: list[str] = []
    for child in document.element.body:
        if child.tag != qn("w:sectPr"):
            texts.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        sect = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if child.tag == qn("w:p") else None
        if child.tag == qn("w:sectPr"):
            sect = child
        if sect is not None:
            size = sect.find(qn("w:pgSz"))
            wide = int(size.get(qn("w:w"))) > int(size.get(qn("w:h")))
            assert wide == (size.get(qn("w:orient")) == "landscape")
            found.append(("landscape" if wide else "portrait", texts))
            texts = []
    return found


def test_each_annex_is_a_landscape_section_of_its_own(rectification: Any) -> None:
    sections = sections_of(rectification)
    assert [orientation for orientation, _ in sections] == ["portrait", "landscape", "landscape"]
    assert sections[1][1][:2] == ["附件1", "单项整改结果"]
    assert sections[2][1][:2] == ["附件2", "整改详细清单"]
    assert not any("附件" in text for text in sections[0][1])
    wide = rectification.sections[2]
    assert near(wide.page_width, 297) and near(wide.page_height, 210)


def html_tables(sample: CLI) -> list[Any]:
    run = sample("report", "--year", YEAR, "--as-of", CUTOFF, "--format", "html")
    assert run.exit_code == 0, run.stderr
    return list(lxml_html.document_fromstring(run.stdout).iter("table"))


def repeats(row: Any) -> bool:
    """Whether a table row is a header row, repeated on every page."""
    return row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None


def test_header_rows_repeat_and_each_total_comes_once_after_the_body(sample: CLI, rectification: Any) -> None:
    tables = html_tables(sample)
    assert len(rectification.tables) == len(tables) > 0
    totals = 0
    for table, source in zip(rectification.tables, tables, strict=True):
        heads = len(source.findall("thead/tr"))
        repeat = [
            row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
            for row in table.rows
        ]
        assert repeat == [True] * heads + [False] * (len(table.rows) - heads)
        texts = [[c.text for c in row.cells] for row in table.rows]
        feet = source.findall("tfoot/tr")
        assert sum("合计" in " ".join(row) for row in texts) == len(feet)
        if feet:
            totals += 1
            foot = [" ".join(td.text_content().split()) for td in feet[-1].iter("td")]
            assert texts[-1] == foot  # the total once, after the body rows
            border = table._tbl.tblPr.find(f"{qn('w:tblBorders')}/{qn('w:insideH')}")
            assert border.get(qn("w:val")) == "single"
    assert totals >= 1


def test_cells_are_smaller_and_numbers_right_aligned(rectification: Any) -> None:
    assert rectification.styles["Table Text"].font.size == Pt(12)
    amounts = rectification.tables[-1]
    assert amounts.rows[1].cells[-1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_provenance_is_in_the_properties_not_the_text(sample: CLI, rectification: Any) -> None:
    core = rectification.core_properties
    assert core.version == __version__
    assert f"as-of {CUTOFF}" in core.comments
    assert core.identifier.startswith("sha256:") and len(core.identifier) == 7 + 64
    assert core.title.startswith("关于示例市2024年度")
    assert core.created.date().isoformat() == CUTOFF
    custom = rectification.part.package.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    ).blob.decode("utf-8")
    assert 'name="auditledger:as-of"' in custom and f">{CUTOFF}<" in custom
    assert 'name="auditledger:version"' in custom and 'name="auditledger:kind"' in custom
    text = "\n".join(p.text for p in rectification.paragraphs)
    assert "sha256" not in text and core.identifier[7:] not in text


def test_the_same_ledger_and_day_give_the_same_bytes(sample: CLI, tmp_path: Path) -> None:
    paths = [tmp_path / "a.docx", tmp_path / "b.docx"]
    for path in paths:
        run = sample("report", "--year", YEAR, "--as-of", CUTOFF, "--format", "docx", "-o", str(path))
        assert run.exit_code == 0, run.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()


# --- every kind ----------------------------------------------------------------------------

COMMANDS: dict[Kind, tuple[str, ...]] = {
    Kind.unit: ("report", "--year", YEAR, "--kind", "unit", "--unit", "czj"),
    Kind.plan: ("plan", "--year", "2025"),
    Kind.stats: ("stats", "--years", YEAR),
    Kind.rollup: ("rollup", "--year", YEAR),
}
"""How each report kind is asked for; any other kind is `report --kind KIND`."""


@pytest.mark.parametrize("kind", list(Kind), ids=[k.value for k in Kind])
def test_every_report_kind_has_a_word_version(sample: CLI, tmp_path: Path, kind: Kind) -> None:
    command, *args = COMMANDS.get(kind, ("report", "--year", YEAR, "--kind", kind.value))
    document = word(sample, tmp_path, *args, command=command)
    assert body_paragraphs(document, "Title")
    assert document.core_properties.category == kind.value
    assert near(document.sections[0].page_width, 210)
    for table in document.tables:
        assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None


# --- the file it goes to -------------------------------------------------------------------


def test_without_output_it_writes_a_named_file_in_the_current_folder(
    sample: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = sample("report", "--year", YEAR, "--as-of", CUTOFF, "--format", "docx")
    assert run.exit_code == 0, run.stderr
    name = f"{YEAR}-rectification-report-{CUTOFF}.docx"
    assert run.stdout == "" and f"wrote {name}" in run.stderr
    assert docx.Document(str(tmp_path / name)).paragraphs[0].text.startswith("关于示例市")


def test_dash_output_prints_the_document_into_a_pipe(sample: CLI) -> None:
    result = sample.runner.invoke(
        app,
        [
            "--ledger",
            str(sample.root),
            "report",
            "--year",
            YEAR,
            "--as-of",
            CUTOFF,
            "--format",
            "docx",
            "-o",
            "-",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert docx.Document(io.BytesIO(result.stdout_bytes)).paragraphs[0].text.startswith("关于示例市")


# --- a committee's template ----------------------------------------------------------------


def committee_template(folder: Path) -> Path:
    """A reference.docx as a committee would save it: its own margin, body style and some text."""
    document = docx.Document()
    document.sections[0].left_margin = Mm(30)
    document.styles["Body Text"].font.size = Pt(15)
    document.styles["Body Text"].font.name = "宋体"
    document.add_paragraph("委员会模板中的示例文字")
    folder.mkdir(exist_ok=True)
    path = folder / "reference.docx"
    document.save(str(path))
    return path


@pytest.mark.parametrize("where", ["--templates", "setting"])
def test_a_committee_reference_docx_gives_styles_and_page(sample: CLI, tmp_path: Path, where: str) -> None:
    if where == "setting":
        committee_template(sample.root / "tpl")
        settings = sample.root / "auditledger.yaml"
        settings.write_text(settings.read_text(encoding="utf-8") + "templates: tpl\n", encoding="utf-8")
        document = word(sample, tmp_path, "--year", YEAR)
    else:
        committee_template(tmp_path / "mine")
        document = word(sample, tmp_path, "--year", YEAR, "--templates", str(tmp_path / "mine"))
    assert near(document.sections[0].left_margin, 30)
    assert document.styles["Body Text"].font.size == Pt(15)
    text = [p.text for p in document.paragraphs]
    assert "委员会模板中的示例文字" not in text
    assert text[0].startswith("关于示例市") and any("附件2" in t for t in text)
    assert "Annex Title" in [s.name for s in document.styles]  # what the template lacks is added
    custom = document.part.package.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    ).blob.decode("utf-8")
    assert 'name="auditledger:templates"' in custom  # the reference is part of the provenance


def test_a_document_it_made_serves_as_the_reference(sample: CLI, tmp_path: Path) -> None:
    """The easy way to a committee's template: a document the tool made, its styles changed."""
    folder = tmp_path / "mine"
    folder.mkdir()
    made = word(sample, tmp_path, "--year", YEAR)  # ends with a landscape annex
    made.styles["Heading 1"].font.size = Pt(18)
    made.save(str(folder / "reference.docx"))
    document = word(sample, tmp_path, "--year", YEAR, "--templates", str(folder))
    first = document.sections[0]
    assert near(first.page_width, 210) and near(first.top_margin, 37) and near(first.left_margin, 28)
    assert [orientation for orientation, _ in sections_of(document)] == ["portrait", "landscape", "landscape"]
    assert document.styles["Heading 1"].font.size == Pt(18)
    assert "PAGE" in first.footer._element.xml
    assert structure(document) == structure(made)


def test_a_reference_with_its_own_footer_keeps_it(sample: CLI, tmp_path: Path) -> None:
    path = committee_template(tmp_path / "mine")
    template = docx.Document(str(path))
    footer = template.sections[0].footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].text = "示例市人大常委会办公厅印发"
    template.core_properties.author = "示例市人大常委会预算工作委员会"
    template.save(str(path))
    document = word(sample, tmp_path, "--year", YEAR, "--templates", str(tmp_path / "mine"))
    assert document.sections[0].footer.paragraphs[0].text == "示例市人大常委会办公厅印发"
    assert "PAGE" not in document.sections[0].footer._element.xml
    assert document.core_properties.author == "示例市人大常委会预算工作委员会"
    assert document.core_properties.version == __version__


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is no Word document", "reference.docx: template-docx: not a Word document (.docx)"),
        (b"PK\x03\x04broken zip", "reference.docx: template-docx: not a Word document (.docx)"),
    ],
)
def test_a_reference_that_is_no_word_document_is_one_line(
    sample: CLI, tmp_path: Path, content: bytes, message: str
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "reference.docx").write_bytes(content)
    before = snapshot(sample.root)
    target = tmp_path / "out.docx"
    run = sample(
        "report",
        "--year",
        YEAR,
        "--as-of",
        CUTOFF,
        "--format",
        "docx",
        "--templates",
        str(folder),
        "-o",
        str(target),
    )
    assert run.exit_code == 2
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len([line for line in run.stderr.splitlines() if "error" in line.lower()]) <= 1
    assert not target.exists() and snapshot(sample.root) == before


def test_a_template_with_characters_word_cannot_hold(sample: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "rectification.html.j2").write_text(
        '{% extends "_base.html.j2" %}{% block body %}<p>其\x07中</p>{% endblock %}', encoding="utf-8"
    )
    document = word(sample, tmp_path, "--year", YEAR, "--templates", str(folder))
    assert any("其\ufffd中" in p.text for p in document.paragraphs)


def test_a_reference_that_is_a_link_is_refused(sample: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    committee_template(tmp_path / "elsewhere")
    folder.mkdir()
    (folder / "reference.docx").symlink_to(tmp_path / "elsewhere" / "reference.docx")
    run = sample(
        "report", "--year", YEAR, "--as-of", CUTOFF, "--format", "docx", "--templates", str(folder), "-o",
        str(tmp_path / "out.docx"),
    )  # fmt: skip
    assert run.exit_code == 2
    assert "template-unsafe" in run.stderr and "Traceback" not in run.stderr


def test_output_into_a_missing_folder_is_one_line(sample: CLI, tmp_path: Path) -> None:
    run = sample(
        "report", "--year", YEAR, "--as-of", CUTOFF, "--format", "docx", "-o", str(tmp_path / "no" / "x.docx")
    )
    assert run.exit_code == 2
    assert "does not exist" in run.stderr and "Traceback" not in run.stderr


# --- the same figures in every format ------------------------------------------------------


def plain_text(data: bytes | str, output_format: str) -> str:
    """A document's text without white space, table rules or thousands separators."""
    if output_format == "docx":
        document = docx.Document(io.BytesIO(data if isinstance(data, bytes) else data.encode()))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
        text = "\n".join(parts)
    elif output_format == "html":
        text = lxml_html.document_fromstring(data).text_content()
    else:
        text = data if isinstance(data, str) else data.decode("utf-8")
    return re.sub(r"[\s|,]", "", text)


def test_markdown_html_and_word_give_the_same_headline_figures(sample: CLI, tmp_path: Path) -> None:
    problems = raw_problems(sample.root, int(YEAR))
    count = len(problems)
    amount = sum((Decimal(str(p.get("amount") or 0)) for p in problems), Decimal(0))
    data = json.loads(sample("report", "--year", YEAR, "--as-of", CUTOFF, "--format", "json").stdout)[
        "overall"
    ]
    assert data["share"]["count"] == count and Decimal(data["amount"]) == amount
    done, rectified = data["share"]["done"], Decimal(data["rectified"])
    texts = {}
    for output_format in ("md", "html", "docx"):
        path = tmp_path / f"report.{output_format}"
        run = sample("report", "--year", YEAR, "--as-of", CUTOFF, "--format", output_format, "-o", str(path))
        assert run.exit_code == 0, run.stderr
        texts[output_format] = plain_text(path.read_bytes(), output_format)
    for output_format, text in texts.items():
        assert f"{count}个问题" in text and f"已完成整改{done}个" in text, output_format
        assert f"{amount:.2f}" in text and f"{rectified:.2f}" in text, output_format  # the annex's total


# --- the golden file -----------------------------------------------------------------------


def structure(document: Any) -> str:
    """The document's text and structure: each paragraph with its style, each table row with
    its cells (header rows marked), each section break with its orientation."""
    lines: list[str] = []
    for child in document.element.body:
        if child.tag == qn("w:p"):
            paragraph = docx.text.paragraph.Paragraph(child, document._body)
            text = paragraph.text.replace("\n", " / ")
            if text.strip():
                lines.append(f"[{paragraph.style.name}] {text}")
            sect = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if sect is not None:
                orientation = sect.find(qn("w:pgSz")).get(qn("w:orient")) or "portrait"
                lines.append(f"--- end of section: {orientation} ---")
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, document._body)
            lines.append(f"<table {len(table.columns)} columns>")
            for row in table.rows:
                cells = " | ".join(c.text.replace("\n", " / ") for c in row.cells)
                lines.append(f"{'H' if repeats(row) else ' '}| {cells} |")
            lines.append("</table>")
    last = document.sections[-1]
    lines.append(f"--- end of section: {'landscape' if last.orientation == 1 else 'portrait'} ---")
    return "\n".join(lines) + "\n"


def test_golden(rectification: Any) -> None:
    found = structure(rectification)
    if os.environ.get("AUDITLEDGER_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(found, encoding="utf-8")
        pytest.skip(f"regenerated {GOLDEN.relative_to(REPO)}; review the diff")
    assert found == GOLDEN.read_text(encoding="utf-8"), f"differs from {GOLDEN.name}"


# --- the HTML ↔ Word contract, on a page that uses all of it --------------------------------

CONTRACT = """<!DOCTYPE html><html lang="zh-CN"><head>
<meta name="auditledger:version" content="9.9.9"><meta name="auditledger:as-of" content="2027-03-31">
<meta name="auditledger:digest" content="sha256:abc123"><meta name="auditledger:kind" content="notice">
<meta name="auditledger:year" content="2026"><meta name="auditledger:commit" content="0123abc">
<title>关于督促整改的通知</title><style>p { color: red }</style></head><body>
<nav>目录</nav><header><h1>关于督促整改的通知</h1><p class="subtitle">（征求意见稿）</p>
<p class="byline">示例市人大常委会预算工作委员会</p></header><main>
<p class="salutation">示例市财政局：</p>
<p>第一段，<strong>加粗</strong>的话。<br>第二行成段。</p>
<div class="figures no-docx"><div>问题数<strong>3</strong></div></div>
<p class="screen-only">只在屏幕上</p><svg><text>图表合计</text></svg>
<h2>一、逾期事项</h2><h3>（一）问题</h3><h4>1.专项资金</h4>
<ul><li>事项甲<ul><li>子项乙</li></ul></li></ul>
<dl><dt>整改时限</dt><dd>2027-01-31</dd><dt>整改措施</dt><dd>措施一
措施二</dd></dl>
<p class="signature">示例市人大常委会预算工作委员会</p><p class="date">2027年3月31日</p>
<section class="annex"><h2>附件1 逾期事项清单</h2>
<table><thead><tr><th>编号</th><th class="num">金额</th></tr></thead>
<tfoot><tr><td>合计</td><td class="num">30.00</td></tr></tfoot>
<tbody><tr><td class="nowrap">2026-001</td><td class="num">10.00</td></tr>
<tr><td class="nowrap">2026-002</td><td class="num">20.00</td></tr></tbody></table></section>
<p>附件之后的正文</p>
<section class="new-page"><p>新页上的正文</p></section>
</main><footer>本稿由 auditledger 生成 sha256:abc123</footer></body></html>"""


def test_the_html_conventions_become_word_structure() -> None:
    from auditledger.render.word import to_docx

    document = docx.Document(io.BytesIO(to_docx(CONTRACT)))
    found = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert found == [
        ("Title", "关于督促整改的通知"),
        ("Subtitle", "（征求意见稿）"),
        ("Byline", "示例市人大常委会预算工作委员会"),
        ("Salutation", "示例市财政局："),
        ("Body Text", "第一段，加粗的话。"),
        ("Body Text", "第二行成段。"),
        ("Heading 1", "一、逾期事项"),
        ("Heading 2", "（一）问题"),
        ("Heading 3", "1.专项资金"),
        ("Body Text", "事项甲"),
        ("Body Text", "子项乙"),
        ("Body Text", "整改时限：2027-01-31"),
        ("Body Text", "整改措施：措施一"),
        ("Body Text", "措施二"),
        ("Signature", "示例市人大常委会预算工作委员会"),
        ("Date", "2027年3月31日"),
        ("Annex Label", "附件1"),
        ("Annex Title", "逾期事项清单"),
        ("Body Text", "附件之后的正文"),
        ("Body Text", "新页上的正文"),
    ]
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert bold == ["加粗"]
    assert [o for o, _ in sections_of(document)] == ["portrait", "landscape", "portrait", "portrait"]
    assert sections_of(document)[-1][1] == ["新页上的正文"]
    (table,) = document.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["编号", "金额"],
        ["2026-001", "10.00"],
        ["2026-002", "20.00"],
        ["合计", "30.00"],
    ]
    assert [repeats(row) for row in table.rows] == [True, False, False, False]
    assert table.rows[1].cells[0]._tc.tcPr.find(qn("w:noWrap")) is not None
    assert all(r.bold for r in table.rows[3].cells[0].paragraphs[0].runs)  # the total
    core = document.core_properties
    assert (core.version, core.identifier, core.category) == ("9.9.9", "sha256:abc123", "notice")
    assert core.comments == "auditledger 9.9.9; as-of 2027-03-31; sha256:abc123; commit 0123abc"
    text = "\n".join(p.text for p in document.paragraphs)
    hidden = ("目录", "只在屏幕上", "图表合计", "问题数", "sha256")
    assert [term for term in hidden if term in text] == []
