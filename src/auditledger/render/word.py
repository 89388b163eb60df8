"""Word documents (.docx) in the official-document layout of GB/T 9704, converted from a report's
HTML (the contract in templates/README.md: titles, headings, annexes, tables with their totals).
May import: python-docx and lxml (its own dependency), diagnostics, i18n. Only this module uses them.

Every report kind has a Word version this way: its HTML template says what each part is, this
module says how it looks on an A4 page. A committee's own `reference.docx` (in the templates
folder) gives the styles and page setup, as pandoc's reference document does; without one the
styles are made here.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree  # type: ignore[import-untyped]
from lxml import html as lxml_html

from auditledger.diagnostics import AuditLedgerError, display_path
from auditledger.i18n import _

REFERENCE = "reference.docx"
"""A committee's Word template, looked up in the templates folders."""

# --- the layout of GB/T 9704-2012 ----------------------------------------------------------

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
ALTERNATES = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    SUBHEADING_FONT: "楷体",
    HEADING_FONT: "SimHei",
    "宋体": "SimSun",
    "仿宋": "FangSong",
    "楷体": "KaiTi",
}
"""Each font with the one Word and WPS take where it is not installed (the font table's
`w:altName`); every one is declared GB2312 (charset 86), so that a missing font is replaced by a
Chinese one, never a Japanese one."""

PAGE = (Mm(210), Mm(297))
MARGINS = (Mm(37), Mm(35), Mm(28), Mm(26))
"""Top, bottom, left, right."""
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_SIZE = Pt(12)  # 小四
PAGE_NUMBER_SIZE = Pt(14)  # 4号
LINES = 22
LINE_PITCH = Twips(int((PAGE[1] - MARGINS[0] - MARGINS[1]) / LINES / 635))
"""Exact line pitch, in twips: 22 lines fill the type area (579 twips, 28.95 pt)."""
CONDENSED = -5
"""Each character's spacing, in twentieths of a point: 28 characters of 3号 (15.75 pt each)
fit the 156 mm of a line, 29 do not. A character grid (`linesAndChars` with a negative
`charSpace`) would say the same to Word, but LibreOffice gives a character wider than the grid's
pitch two cells, and spreads digits and Latin letters over cells of their own."""


@dataclass(frozen=True)
class _Look:
    """A paragraph style as GB/T 9704 sets it."""

    name: str
    east_asian: str = BODY_FONT
    latin: str = LATIN_FONT
    size: Any = BODY_SIZE
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent_chars: int = 0
    exact: bool = True
    outline: int | None = None
    keep_with_next: bool = False
    space_after: int = 0


_TITLE = _Look(
    "Title",
    TITLE_FONT,
    size=TITLE_SIZE,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    exact=False,
    outline=0,
    keep_with_next=True,
    space_after=1,
)
"""The document's title; an annex's title looks the same."""
LOOKS = (
    _Look("Normal"),
    _Look("Body Text", indent_chars=2),
    _TITLE,
    _Look("Subtitle", SUBHEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER),
    _Look("Byline", SUBHEADING_FONT, align=WD_ALIGN_PARAGRAPH.CENTER),
    _Look("Salutation"),
    _Look("Signature", align=WD_ALIGN_PARAGRAPH.RIGHT),
    _Look("Date", align=WD_ALIGN_PARAGRAPH.RIGHT),
    _Look("Heading 1", HEADING_FONT, indent_chars=2, outline=0, keep_with_next=True),
    _Look("Heading 2", SUBHEADING_FONT, indent_chars=2, outline=1, keep_with_next=True),
    _Look("Heading 3", bold=True, indent_chars=2, outline=2, keep_with_next=True),
    _Look("Annex Label", HEADING_FONT, align=WD_ALIGN_PARAGRAPH.LEFT, keep_with_next=True),
    replace(_TITLE, name="Annex Title"),
    _Look("Table Text", size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, exact=False),
    _Look("Table Heading", HEADING_FONT, size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False),
    _Look("Note", size=TABLE_SIZE, exact=False),
    _Look("Footer", PAGE_NUMBER_FONT, PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE, align=None, exact=False),
)

BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "ul",
    ]
)
SKIPPED = frozenset(
    [
        "head",
        "script",
        "style",
        "svg",
        "nav",
        "img",
        "picture",
        "video",
        "audio",
        "canvas",
        "template",
        "button",
        "form",
    ]
)
SKIPPED_CLASSES = frozenset({"screen-only", "no-docx"})
NEW_PAGE = frozenset({"new-page", "notice"})
"""Classes of an element that starts a new page (a section of its own): each 督办通知 of a
document that holds one for every unit."""


# --- the document --------------------------------------------------------------------------


def reference_in(folders: Sequence[Path]) -> Path | None:
    """The committee's `reference.docx` in the first templates folder that holds one. Like a
    template, it must be a regular file in its folder, not a symbolic link (committed with a
    ledger, a link could lead to any file)."""
    for folder in folders:
        path = folder / REFERENCE
        if not os.path.lexists(path):
            continue
        real = os.path.realpath(path)
        if real != os.path.join(os.path.realpath(folder), REFERENCE) or not stat.S_ISREG(
            os.lstat(real).st_mode
        ):
            raise AuditLedgerError(
                _(
                    "{path}: template-unsafe: not read: a template must be a regular file in its "
                    "folder, not a symbolic link, a device or a FIFO"
                ).format(path=display_path(path)),
                hint=_("replace it with the template file itself, or remove it"),
            )
        return path
    return None


def reference_digest(folders: Sequence[Path], templates: str | None) -> str | None:
    """The digest of a document's own templates (`templates`), with the `reference.docx` it is
    built on; `templates` when there is none."""
    path = reference_in(folders)
    if path is None:
        return templates
    found = hashlib.sha256(f"{templates or ''}\0{REFERENCE}\0".encode())
    found.update(path.read_bytes())
    return found.hexdigest()


def to_docx(page: str, reference: Path | None = None) -> bytes:
    """The Word document of the HTML `page`, on `reference` (a Word file whose styles and page
    setup it keeps) or on styles of its own in the GB/T 9704 layout."""
    tree = lxml_html.document_fromstring(page)
    document = _open(reference)
    meta = {
        str(m.get("name"))[len("auditledger:") :]: str(m.get("content") or "")
        for m in tree.iter("meta")
        if str(m.get("name") or "").startswith("auditledger:")
    }
    language = str(tree.get("lang") or "zh-CN")
    _Writer(document, own=reference is None, zh=language.startswith("zh")).write(tree.body)
    first = document.sections[0]
    if reference is None or (
        first.footer.is_linked_to_previous and first.even_page_footer.is_linked_to_previous
    ):
        _page_numbers(document)
    title = " ".join((tree.findtext(".//title") or "").split())
    _properties(document, title, language, meta, own=reference is None)
    stream = io.BytesIO()
    document.save(stream)
    return _fixed_times(stream.getvalue(), meta.get("as-of", ""))


def _open(reference: Path | None) -> Document:
    if reference is None:
        document = docx.Document()
        rels = document.part.package.rels
        for rid in [rid for rid, rel in rels.items() if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL]:
            rels.pop(rid)  # a picture of python-docx's own blank page
        _own_layout(document)
        return document
    try:
        document = docx.Document(str(reference))
    except Exception:  # python-docx raises anything from zipfile, lxml or its own parts
        raise AuditLedgerError(
            _("{path}: template-docx: not a Word document (.docx)").format(path=display_path(reference)),
            hint=_(
                "save the committee's template from Word or WPS as a .docx file (not .doc or .wps), "
                "or remove it"
            ),
        ) from None
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    # the page setup is the last section's: a document this tool made ends in a landscape annex
    _turn(document.sections[0], landscape=False)
    return document


def _own_layout(document: Document) -> None:
    """A4 and the GB/T 9704 margins, line grid, styles, fonts and page numbers."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGE
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = MARGINS
    section.header_distance, section.footer_distance = Mm(15), Mm(23)
    _grid(section)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _fonts(rpr, BODY_FONT, LATIN_FONT)
            rpr.get_or_add_sz().set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
            _insert(rpr, _element("w:spacing", val=str(CONDENSED)), RPR_ORDER)
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            lang.set(qn("w:eastAsia"), "zh-CN")
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    _font_table(document)


def _turn(section: Section, landscape: bool) -> None:
    """Turn `section` to landscape or portrait, its margins turning with the page (the top
    margin of a portrait page is the left one of the landscape page)."""
    wide = (section.page_width or 0) > (section.page_height or 0)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if wide == landscape:
        return
    section.page_width, section.page_height = section.page_height, section.page_width
    top, bottom, left, right = (
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    if landscape:
        section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = (
            right, bottom, left, top,
        )  # fmt: skip
    else:
        section.right_margin, section.bottom_margin, section.left_margin, section.top_margin = (
            top, right, bottom, left,
        )  # fmt: skip


def _grid(section: Section) -> None:
    """The document grid: lines of 28.95 pt, 22 to a portrait page (28 characters to a line come
    from `CONDENSED`)."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.twips)))


def _related(rels: Any, kind: str) -> Any:
    """The part that `rels` names for `kind`, or None."""
    return next((rel.target_part for rel in rels.values() if rel.reltype == kind), None)


def _font_table(document: Document) -> None:
    """Declare the fonts with their alternates, as GB2312 fonts."""
    part = next(
        (
            rel.target_part
            for rel in document.part.rels.values()
            if rel.reltype == RELATIONSHIP_TYPE.FONT_TABLE
        ),
        None,
    )
    if part is None:
        return
    root = etree.fromstring(part.blob)
    w = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    known = {f.get(f"{{{w}}}name") for f in root.findall(f"{{{w}}}font")}
    for name, alternate in ALTERNATES.items():
        if name in known:
            continue
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alternate})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "modern" if "宋" not in name else "roman"})
        etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
"""The order of a paragraph's properties, which Word insists on."""
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _insert(parent: Any, element: Any, order: Sequence[str]) -> Any:
    """`element` in its place among `parent`'s children (`order`: the schema's), replacing one
    of the same name."""
    for old in parent.findall(element.tag):
        parent.remove(old)
    name = element.tag.rsplit("}", 1)[-1]
    parent.insert_element_before(element, *(f"w:{n}" for n in order[order.index(name) + 1 :]))
    return element


def _fonts(rpr: Any, east_asian: str, latin: str | None) -> None:
    """Explicit fonts in a run's or a style's properties; theme fonts, which would win, removed."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    if latin:
        fonts.set(qn("w:ascii"), latin)
        fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _page_numbers(document: Document) -> None:
    """ "— 1 —" in 4号 宋体: odd pages on the right, even pages on the left, one character in
    (every later section follows the first)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.style = "Footer"
        paragraph.alignment = align
        if align is WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(14)
        else:
            paragraph.paragraph_format.left_indent = Pt(14)
        paragraph.add_run("— ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" —")
        for run in paragraph.runs:
            _fonts(run._r.get_or_add_rPr(), PAGE_NUMBER_FONT, PAGE_NUMBER_FONT)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field (`PAGE`), with "1" shown until Word or WPS updates it."""
    for kind, text in (
        ("begin", None),
        ("instr", f" {instruction} "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
            run._r.append(element)
        elif kind == "text":
            run.text = text or ""
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def _properties(document: Document, title: str, language: str, meta: dict[str, str], own: bool) -> None:
    """The provenance in the document's properties (File > Properties), not in its text (a
    reference document's author stays: it is the committee's)."""
    core = document.core_properties
    version, as_of = meta.get("version", ""), meta.get("as-of", "")
    digest = meta.get("digest", "").removeprefix("sha256:")
    core.title = title
    if own:
        core.author = ""  # not python-docx's
    core.last_modified_by = f"auditledger {version}".strip()
    core.subject = meta.get("kind", "")
    core.category = meta.get("kind", "")
    core.keywords = "; ".join(v for v in ("auditledger", meta.get("kind", ""), meta.get("year", "")) if v)
    core.version = version
    core.identifier = f"sha256:{digest}" if digest else ""
    core.language = language
    core.revision = 1
    core.comments = "; ".join(
        part
        for part in (
            f"auditledger {version}" if version else "",
            f"as-of {as_of}" if as_of else "",
            f"sha256:{digest}" if digest else "",
            f"commit {meta['commit']}" if meta.get("commit") else "",
        )
        if part
    )
    day = _day(as_of)
    if day is not None:
        core.created = core.modified = day
    _custom_properties(document, {f"auditledger:{name}": value for name, value in sorted(meta.items())})


def _day(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time(0))
    except ValueError:
        return None


_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _custom_properties(document: Document, values: dict[str, str]) -> None:
    """`values` as the document's custom properties (a reference document's own are kept)."""
    if not values:
        return
    package = document.part.package
    part = next(
        (
            rel.target_part
            for rel in package.rels.values()
            if rel.reltype == RELATIONSHIP_TYPE.CUSTOM_PROPERTIES
        ),
        None,
    )
    if part is None:
        root = etree.Element(f"{{{_CUSTOM}}}Properties", nsmap={None: _CUSTOM, "vt": _VT})
        part = Part(PackURI("/docProps/custom.xml"), CONTENT_TYPE.OFC_CUSTOM_PROPERTIES, b"", package)
        package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)
    else:
        root = etree.fromstring(part.blob)
        for old in root.findall(f"{{{_CUSTOM}}}property"):
            if str(old.get("name", "")).startswith("auditledger:"):
                root.remove(old)
    ids = [int(p.get("pid", "1")) for p in root.findall(f"{{{_CUSTOM}}}property")]
    pid = max([1, *ids])
    for name, value in values.items():
        pid += 1
        prop = etree.SubElement(root, f"{{{_CUSTOM}}}property", fmtid=_FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = value
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _fixed_times(data: bytes, as_of: str) -> bytes:
    """The package with every member dated the as-of day: the same ledger and day give the same
    bytes (python-docx dates them now)."""
    day = _day(as_of) or datetime.datetime(2000, 1, 1)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=day.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# --- HTML to paragraphs and tables ---------------------------------------------------------


@dataclass
class _Segment:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


_BREAK = _Segment("\n")


@dataclass
class _Writer:
    """Walks the HTML body once, writing paragraphs and tables into `document`."""

    document: Document
    own: bool
    zh: bool
    annex: bool = False
    portrait_pending: bool = False
    after_table: bool = False
    fonts: dict[str, str] = field(default_factory=dict)
    style_ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._styles()
        self.end = self.document.element.body.get_or_add_sectPr()
        """The body's last child, the last section's properties: new paragraphs go before it."""

    # styles

    def _styles(self) -> None:
        """The styles the converter uses: set as GB/T 9704 has them (a reference document's
        own are kept as they are; those it lacks are added)."""
        styles = self.document.styles
        for look in LOOKS:
            names = [s.name for s in styles]
            if look.name in names:
                if not self.own:
                    continue
                style = styles[look.name]
            else:
                style = styles.add_style(look.name, WD_STYLE_TYPE.PARAGRAPH)
                base = "Body Text" if look.name in ("Salutation", "Signature", "Date") else "Normal"
                if look.name != "Normal" and base in names:
                    style.base_style = styles[base]
            assert isinstance(style, ParagraphStyle)
            self._set(style, look)

    def _set(self, style: ParagraphStyle, look: _Look) -> None:
        element = style.element
        for old in (element.find(qn("w:pPr")), element.find(qn("w:rPr"))):
            if old is not None:
                element.remove(old)
        style.quick_style = True
        style.hidden = False
        font = style.font
        font.size = look.size
        font.bold = look.bold
        font.italic = False
        font.color.rgb = None
        _fonts(element.get_or_add_rPr(), look.east_asian, look.latin)
        fmt = style.paragraph_format
        fmt.alignment = look.align
        fmt.space_before = Pt(0)
        fmt.space_after = Twips(int(LINE_PITCH.twips) * look.space_after)
        if look.exact:
            fmt.line_spacing = LINE_PITCH
        else:
            fmt.line_spacing = 1.0 if look.size != TITLE_SIZE else Pt(36)
        fmt.first_line_indent = Pt(look.size.pt * look.indent_chars) if look.indent_chars else Pt(0)
        fmt.left_indent = fmt.right_indent = Pt(0)
        fmt.keep_with_next = look.keep_with_next
        ppr = element.get_or_add_pPr()
        if look.indent_chars:
            ind = ppr.find(qn("w:ind"))
            if ind is not None:
                ind.set(qn("w:firstLineChars"), str(look.indent_chars * 100))
        if not look.exact:
            _insert(ppr, _element("w:snapToGrid", val="0"), PPR_ORDER)
        if look.outline is not None:
            _insert(ppr, _element("w:outlineLvl", val=str(look.outline)), PPR_ORDER)

    def east_asian(self, style: str) -> str:
        """The East Asian font of paragraph style `style`, through its base styles: each run
        says it again, so that Word and WPS never fall back to a Japanese font."""
        found = self.fonts.get(style)
        if found is None:
            found = BODY_FONT
            current: Any = self.document.styles[style]
            while current is not None:
                fonts = current.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                if fonts is not None and fonts.get(qn("w:eastAsia")):
                    found = str(fonts.get(qn("w:eastAsia")))
                    break
                current = current.base_style
            self.fonts[style] = found
        return found

    def _style_id(self, name: str) -> str:
        """The id of paragraph style `name` (python-docx looks it up through every style, for
        every paragraph: most of a large report's time)."""
        found = self.style_ids.get(name)
        if found is None:
            found = self.style_ids[name] = str(self.document.styles[name].style_id)
        return found

    def _new_paragraph(self, style: str) -> Paragraph:
        """An empty paragraph in `style` at the end of the body (before its last section's
        properties, which python-docx finds by going through every paragraph written so far)."""
        element = OxmlElement("w:p")
        element.style = self._style_id(style)
        self.end.addprevious(element)
        return Paragraph(element, self.document._body)

    # sections

    def _before_content(self) -> None:
        if self.portrait_pending and not self.annex:
            self.portrait_pending = False
            self._section(landscape=False)

    def _section(self, landscape: bool) -> None:
        """A new section on a new page, turned to landscape (an annex) or back to portrait."""
        body = self.document.element.body
        if len(body) <= 1:  # nothing written yet: turn the first section
            section = self.document.sections[0]
        else:
            section = self.document.add_section(WD_SECTION.NEW_PAGE)
            self.after_table = False
        _turn(section, landscape)
        if self.own:
            _grid(section)

    def _width(self) -> int:
        section = self.document.sections[-1]
        return int((section.page_width or Mm(210)) - (section.left_margin or 0) - (section.right_margin or 0))

    # walking

    def write(self, element: Any) -> None:
        self._block(element, "Body Text")
        if self.after_table:  # a document ends with a paragraph
            self._new_paragraph("Table Text")

    def _skipped(self, element: Any) -> bool:
        if not isinstance(element.tag, str):
            return True
        if element.tag in SKIPPED:
            return True
        classes = set(str(element.get("class") or "").split())
        return bool(classes & SKIPPED_CLASSES) or element.get("hidden") is not None

    def _block(self, element: Any, style: str) -> None:
        """The children of a block: runs of inline content become paragraphs in `style`, blocks
        are written as what they are."""
        pending: list[_Segment] = []
        if element.text:
            pending += _text(element.text, pre=element.tag in ("td", "th", "dd", "pre"))
        for child in element:
            if self._skipped(child):
                pass
            elif child.tag in BLOCKS:
                self._paragraph(pending, style)
                pending = []
                self._element(child)
            else:
                pending += self._inline(child, _Segment(""))
            if child.tail:
                pending += _text(child.tail)
        self._paragraph(pending, style)

    def _element(self, element: Any) -> None:
        tag = element.tag
        classes = set(str(element.get("class") or "").split())
        if "annex" in classes:
            self.annex = True
            self._section(landscape=True)
            self._annex(element)
            self.annex = False
            self.portrait_pending = True
            return
        written = len(self.document.element.body) > 1
        if classes & NEW_PAGE and written and not self.annex and not self.portrait_pending:
            self._section(landscape=False)
        if tag == "table":
            self._table(element)
        elif tag == "h1":
            self._block(element, "Title")
        elif tag == "h2":
            self._block(element, "Heading 1")
        elif tag == "h3":
            self._block(element, "Heading 2")
        elif tag in ("h4", "h5", "h6"):
            self._block(element, "Heading 3")
        elif tag == "p":
            style = next(
                (
                    name
                    for cls, name in (
                        ("subtitle", "Subtitle"),
                        ("byline", "Byline"),
                        ("salutation", "Salutation"),
                        ("signature", "Signature"),
                        ("date", "Date"),
                        ("plain", "Salutation"),
                    )
                    if cls in classes
                ),
                "Body Text",
            )
            self._block(element, style)
        elif tag == "dl":
            self._definitions(element)
        elif tag == "footer" and element.getparent() is not None and element.getparent().tag == "body":
            return  # the page's footer: its provenance goes into the properties
        elif tag == "footer":
            self._block(element, "Note")
        elif tag == "hr":
            return
        else:
            self._block(element, "Body Text")

    def _annex(self, element: Any) -> None:
        """An annex: its first `<h2>` is the 附件 title ("附件1 单项整改结果": the label on
        the left in 黑体, the title centred in 小标宋)."""
        titled = False
        pending: list[_Segment] = _text(element.text or "")
        for child in element:
            if self._skipped(child):
                pass
            elif child.tag == "h2" and not titled:
                titled = True
                self._paragraph(pending, "Body Text")
                pending = []
                text = "".join(s.text for s in self._inline(child, _Segment(""))).strip()
                label = re.match(r"^(附件\s*[0-9０-９一二三四五六七八九十]+)[\s：:]*(.*)$", text)
                if label:
                    self._paragraph([_Segment(label.group(1))], "Annex Label")
                    text = label.group(2)
                self._paragraph([_Segment(text)], "Annex Title")
            elif child.tag in BLOCKS:
                self._paragraph(pending, "Body Text")
                pending = []
                self._element(child)
            else:
                pending += self._inline(child, _Segment(""))
            if child.tail:
                pending += _text(child.tail)
        self._paragraph(pending, "Body Text")

    def _definitions(self, element: Any) -> None:
        """`<dt>`/`<dd>` pairs as body paragraphs "term：description"."""
        colon = "：" if self.zh else ": "
        term: list[_Segment] = []
        for child in element:
            if self._skipped(child):
                continue
            if child.tag == "dt":
                if term:
                    self._paragraph(term, "Body Text")
                term = self._contents(child)
            elif child.tag == "dd":
                self._paragraph(
                    [*term, _Segment(colon) if term else _Segment(""), *self._contents(child)], "Body Text"
                )
                term = []
        if term:
            self._paragraph(term, "Body Text")

    def _contents(self, element: Any) -> list[_Segment]:
        """Everything inside `element` as runs (blocks inside it become line breaks)."""
        pre = element.tag in ("td", "th", "dd", "pre")
        found: list[_Segment] = _text(element.text or "", pre=pre)
        for child in element:
            if not self._skipped(child):
                if child.tag in BLOCKS and found:
                    found.append(_BREAK)
                found += self._inline(child, _Segment(""), pre=pre)
            if child.tail:
                found += _text(child.tail, pre=pre)
        return _trim(found)

    def _inline(self, element: Any, look: _Segment, pre: bool = False) -> list[_Segment]:
        if self._skipped(element):
            return []
        tag = element.tag
        if tag == "br":
            return [_BREAK]
        look = _Segment(
            "",
            bold=look.bold or tag in ("strong", "b", "th"),
            italic=look.italic or tag in ("em", "i", "cite"),
            underline=look.underline or tag in ("u", "ins"),
        )
        pre = pre or tag == "pre"
        found = _styled(_text(element.text or "", pre), look)
        for child in element:
            if child.tag in BLOCKS and found and found[-1] is not _BREAK and not self._skipped(child):
                found.append(_BREAK)
            found += self._inline(child, look, pre)
            if child.tail:
                found += _styled(_text(child.tail, pre), look)
        return found

    # output

    def _paragraph(self, segments: list[_Segment], style: str) -> None:
        """Runs as paragraphs in `style`: one for each line (a line break in the text of a
        公文 starts a new indented paragraph; a justified line before a break would be spread)."""
        lines: list[list[_Segment]] = [[]]
        for segment in segments:
            if segment is _BREAK:
                lines.append([])
            else:
                lines[-1].append(segment)
        for line in lines:
            line = _trim(line)
            if line:
                self._before_content()
                self._runs(self._new_paragraph(style), line, style)
                self.after_table = False

    def _runs(self, paragraph: Paragraph, segments: list[_Segment], style: str, bold: bool = False) -> None:
        font = self.east_asian(style)
        for segment in _merged(segments):
            run = paragraph.add_run()
            if segment is _BREAK or segment.text == "\n":
                run.add_break()
            else:
                run.text = segment.text
            if segment.bold or bold:
                run.bold = True
            if segment.italic:
                run.italic = True
            if segment.underline:
                run.underline = True
            _fonts(run._r.get_or_add_rPr(), font, None)

    def _table(self, element: Any) -> None:
        """A table with borders: `<thead>` rows repeat on every page, `<tfoot>` rows (the
        total) come once after the body rows."""
        rows: list[tuple[str, Any]] = []
        for part in element:
            if part.tag == "thead":
                rows += [("head", tr) for tr in part.iter("tr")]
            elif part.tag == "tbody":
                rows += [("body", tr) for tr in part.iter("tr")]
            elif part.tag == "tr":
                rows.append(("body", part))
        for part in element:
            if part.tag == "tfoot":
                rows += [("foot", tr) for tr in part.iter("tr")]
        cells = [
            (where, [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]) for where, tr in rows
        ]
        columns = max((sum(_span(c) for c in row) for _, row in cells), default=0)
        if not columns:
            return
        caption = element.find("caption")
        if caption is not None:
            self._paragraph(self._contents(caption), "Table Heading")
        self._before_content()
        if self.after_table:  # two tables in a row would be one in Word
            self._new_paragraph("Table Text")
        texts = [[self._contents(c) for c in row] for _, row in cells]
        widths = _widths(cells, texts, columns, self._width())
        table = self.document.add_table(rows=0, cols=columns)
        _table_look(table, widths)
        for (where, row), row_texts in zip(cells, texts, strict=True):
            word_row = table.add_row()
            word_cells = [_Cell(tc, table) for tc in word_row._tr.tc_lst]
            trpr = word_row._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))
            if where == "head":
                trpr.append(OxmlElement("w:tblHeader"))
            column = 0
            for cell_element, content in zip(row, row_texts, strict=True):
                if column >= columns:
                    break
                span = min(_span(cell_element), columns - column)
                cell = word_cells[column]
                if span > 1:
                    cell = cell.merge(word_cells[column + span - 1])
                heading = where == "head" or cell_element.tag == "th"
                style = "Table Heading" if heading else "Table Text"
                paragraph = cell.paragraphs[0]
                paragraph._p.style = self._style_id(style)
                classes = set(str(cell_element.get("class") or "").split())
                if "num" in classes and not heading:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if "nowrap" in classes or "num" in classes:
                    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
                self._runs(paragraph, content, style, bold=where == "foot")
                column += span
        self.after_table = True


def _span(cell: Any) -> int:
    try:
        return max(1, min(int(cell.get("colspan") or 1), 63))
    except ValueError:
        return 1


def _table_look(table: Table, widths: list[int]) -> None:
    """Single borders, the width of the type area, columns as wide as their contents ask."""
    tblpr = table._tbl.tblPr
    _insert(tblpr, _element("w:tblW", w=str(sum(widths)), type="dxa"), TBLPR_ORDER)
    _insert(tblpr, _element("w:jc", val="center"), TBLPR_ORDER)
    borders = _insert(tblpr, _element("w:tblBorders"), TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="single", sz="4", space="0", color="000000"))
    _insert(tblpr, _element("w:tblLayout", type="fixed"), TBLPR_ORDER)
    for column, twips in zip(table.columns, widths, strict=True):
        column.width = Twips(twips)


_UNBROKEN = re.compile(r"[\x21-\x7e]{1,16}")
"""Text a cell keeps on one line: an id, a date, an amount (printable ASCII, no space)."""
_PADDING = 2
"""A cell's left and right margins, in half characters."""
_CAP = 24
"""The widest a column of words asks to be, in half characters: a long title wraps."""


def _widths(
    cells: list[tuple[str, list[Any]]], texts: list[list[list[_Segment]]], columns: int, area: int
) -> list[int]:
    """Each column's width in twips. Ids, dates, amounts and `nowrap` cells get their whole
    width first; the rest of the line is shared by the columns of words, in proportion to their
    longest line (capped, so that one long title does not squeeze the rest; headings wrap)."""
    need = [float(_PADDING + 2)] * columns
    want = [float(_PADDING + 2)] * columns
    for (_where, row), row_texts in zip(cells, texts, strict=True):
        column = 0
        for cell, content in zip(row, row_texts, strict=True):
            span = _span(cell)
            if span == 1 and column < columns:
                lines = list(_lines(content))
                longest = max((_display(line) for line in lines), default=0) + _PADDING
                classes = set(str(cell.get("class") or "").split())
                if "nowrap" in classes or all(_UNBROKEN.fullmatch(line) for line in lines if line):
                    need[column] = max(need[column], longest)
                cap = 8 if cell.tag == "th" else _CAP
                want[column] = max(want[column], min(longest, cap + _PADDING))
            column += span
    want = [max(w, n) for w, n in zip(want, need, strict=True)]
    half = TABLE_SIZE.pt * 10  # twips in half a character
    line = area // 635
    if sum(want) * half <= line or sum(want) == sum(need):
        return [int(line * w / sum(want)) for w in want]
    spare = line - sum(need) * half
    if spare <= 0:
        return [int(line * n / sum(need)) for n in need]
    extra = sum(w - n for w, n in zip(want, need, strict=True))
    return [int(n * half + spare * (w - n) / extra) for w, n in zip(want, need, strict=True)]


def _lines(segments: list[_Segment]) -> Iterator[str]:
    line = ""
    for s in segments:
        if s is _BREAK or s.text == "\n":
            yield line
            line = ""
        else:
            line += s.text
    yield line


def _display(text: str) -> int:
    """Width in half characters: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters a Word document cannot hold (the ledger's text has none; a template might)."""


def _text(text: str, pre: bool = False) -> list[_Segment]:
    """HTML text as runs: white space collapsed, or (`pre`, for cells and descriptions that keep
    their lines) line breaks kept; a character Word cannot hold shown as �."""
    if not text:
        return []
    text = _NOT_XML.sub("\ufffd", text)
    if not pre:
        return [_Segment(re.sub(r"[ \t\r\n\f]+", " ", text))]
    found: list[_Segment] = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text)):
        if number:
            found.append(_BREAK)
        found.append(_Segment(re.sub(r"[ \t\f]+", " ", line)))
    return found


def _styled(segments: list[_Segment], look: _Segment) -> list[_Segment]:
    return [s if s is _BREAK else _Segment(s.text, look.bold, look.italic, look.underline) for s in segments]


def _trim(segments: list[_Segment]) -> list[_Segment]:
    """Without white space at either end, and no breaks there."""
    segments = [s for s in segments if s is _BREAK or s.text]
    while segments and (segments[0] is _BREAK or not segments[0].text.strip()):
        segments.pop(0)
    while segments and (segments[-1] is _BREAK or not segments[-1].text.strip()):
        segments.pop()
    if segments:
        first, last = segments[0], segments[-1]
        segments[0] = _Segment(first.text.lstrip(), first.bold, first.italic, first.underline)
        last = segments[-1]
        segments[-1] = _Segment(last.text.rstrip(), last.bold, last.italic, last.underline)
    return segments


def _merged(segments: list[_Segment]) -> Iterator[_Segment]:
    """Neighbouring runs that look alike, as one."""
    current: _Segment | None = None
    for segment in segments:
        if segment is _BREAK:
            if current is not None:
                yield current
                current = None
            yield _BREAK
        elif current is not None and (current.bold, current.italic, current.underline) == (
            segment.bold,
            segment.italic,
            segment.underline,
        ):
            current = _Segment(current.text + segment.text, current.bold, current.italic, current.underline)
        else:
            if current is not None:
                yield current
            current = segment
    if current is not None:
        yield current
