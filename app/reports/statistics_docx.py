"""年度统计 as a Word document (.docx, which WPS opens too): the title, the figures in the
sentences a report writer pastes into the work report, then the tables.

Word and WPS pick a Chinese face from a run's East Asian font (w:eastAsia), not from its font
name: every style used here names 宋体 there (黑体 for headings), or Chinese text falls back to
whatever the reader's default is."""
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from app.reports import sections, wording
from app.reports.statistics import Statistics

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
FONTS = {"Normal": BODY_FONT, "Table Grid": BODY_FONT, "Title": HEADING_FONT, "Heading 1": HEADING_FONT,
         "Heading 2": HEADING_FONT}


def _set_font(style, name: str) -> None:
    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):  # a theme font would win over the name
        fonts.attrib.pop(qn(theme), None)


def _a4(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)


def document(stats: Statistics) -> bytes:
    doc = Document()
    _a4(doc)
    for name, font in FONTS.items():
        _set_font(doc.styles[name], font)
    doc.styles["Normal"].font.size = Pt(12)
    title = doc.add_heading(stats.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for sentence in wording.sentences(stats):
        paragraph = doc.add_paragraph(sentence)
        paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters, as reports are set
    for table in sections.tables(stats):
        doc.add_heading(table.title, level=2)
        grid = doc.add_table(rows=1, cols=len(table.header), style="Table Grid")
        for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for row in table.rows:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                cell.text = str(value)
        if table.note:
            doc.add_paragraph(f"说明：{table.note}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
