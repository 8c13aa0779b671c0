"""A python-docx document laid out as a 党政机关公文 per GB/T 9704-2012 (《党政机关公文格式》).

Facts taken from the standard's text (GB/T 9704-2012):
- §5.1: A4 paper, 210 mm × 297 mm.
- §5.2.1: 天头 (top margin) 37 mm ± 1 mm, 订口 (left margin) 28 mm ± 1 mm, 版心 156 mm × 225 mm;
  so the bottom margin is 297 − 37 − 225 = 35 mm and the right margin 210 − 28 − 156 = 26 mm.
- §5.2.2: elements in 3号仿宋 (16 pt) unless said otherwise.
- §7.3.1: title in 2号小标宋 (22 pt); §7.3.3: headings 一、 in 黑体, (一) in 楷体.
- §7.2.4/§7.2.5: 发文机关标志 in red 小标宋, 发文字号 with 〔〕 around the year, 3号仿宋.
- §7.4: 版记 (抄送机关, 印发机关和印发日期) in 4号仿宋 between separator lines.
- §7.5: page numbers in 4号半角宋体阿拉伯数字 with a one-em dash each side (— 1 —).

Fonts are named as the office's machines know them; the offline server only writes the names
(the reader's Word or WPS renders them) — see docs/user-guide/supervision.md."""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
SIZE_2 = Pt(22)   # 二号
SIZE_3 = Pt(16)   # 三号
SIZE_4 = Pt(14)   # 四号
RED = RGBColor(0xFF, 0x00, 0x00)


def set_font(run, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None):
    """Name the font for Latin and East Asian text: Word picks w:eastAsia for Chinese."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    return run


def new_document():
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _page_numbers(section)
    return doc


def _field(paragraph: Paragraph, instruction: str):
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    return set_font(run, PAGE_NUMBER_FONT, SIZE_4)


def _page_numbers(section) -> None:
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(footer.add_run("— "), PAGE_NUMBER_FONT, SIZE_4)
    _field(footer, "PAGE")
    set_font(footer.add_run(" —"), PAGE_NUMBER_FONT, SIZE_4)


def paragraph(doc, text: str, font: str = BODY_FONT, size: Pt = SIZE_3, *, bold: bool = False,
              align=None, indent: bool = True, color: RGBColor | None = None) -> Paragraph:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size.pt * 2)  # 左空二字
    set_font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _rule(p: Paragraph, color: str, size: int) -> None:
    """A separator line under a paragraph (版头 red line, 版记 lines)."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)


def header_block(doc, issuer: str, doc_number: str) -> None:
    """发文机关标志 (red) and 发文字号 above the red separator line."""
    paragraph(doc, issuer, TITLE_FONT, Pt(36), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
              color=RED)
    number = paragraph(doc, doc_number, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER,
                       indent=False)
    _rule(number, "FF0000", 12)


def title(doc, text: str) -> Paragraph:
    return paragraph(doc, text, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)


def heading1(doc, text: str) -> Paragraph:
    return paragraph(doc, text, HEADING1_FONT)


def heading2(doc, text: str) -> Paragraph:
    return paragraph(doc, text, HEADING2_FONT)


def shade(cell, fill: str) -> None:
    """Background colour of a table cell (hex RGB, e.g. 'FF0000')."""
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def table(doc, header: list[str], rows: list[list[str]], fills: dict[tuple[int, int], str]
          | None = None):
    """A grid table in 4号仿宋 whose columns are as wide as their longest text (版心 156 mm)."""
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.autofit = False
    lengths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    total = sum(lengths) or 1
    widths = [Mm(156 * n / total) for n in lengths]
    for row_index, values in enumerate([header, *rows]):
        cells = t.rows[0].cells if row_index == 0 else t.add_row().cells
        for col, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = widths[col]
            cell.paragraphs[0].text = ""
            set_font(cell.paragraphs[0].add_run(value), HEADING1_FONT if row_index == 0
                     else BODY_FONT, Pt(12), bold=False)
            fill = (fills or {}).get((row_index - 1, col))
            if fill:
                shade(cell, fill)
    return t


def _width(text: str) -> int:
    """Display width in half-ems: a Chinese character counts two (capped so one long
    description does not starve the other columns)."""
    return min(40, sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) + 2)


def colophon(doc, copy_to: str, printed_by: str, printed_on: str) -> None:
    """版记: 抄送 and 印发机关/印发日期 between separator lines, in 4号仿宋."""
    doc.add_paragraph()
    cc = paragraph(doc, f"抄送：{copy_to}。", BODY_FONT, SIZE_4, indent=False)
    _rule(cc, "000000", 4)
    printed = paragraph(doc, f"{printed_by}\u3000\u3000\u3000\u3000{printed_on}印发",
                        BODY_FONT, SIZE_4, indent=False)
    _rule(printed, "000000", 8)
