"""Turning a template and a context into a document: sections of plain text, printable HTML, DOCX.

Each section of a ``DocumentTemplate`` is Django template text rendered without HTML escaping (it is
plain text: one paragraph per line, empty lines dropped). The rendered sections are stored on the
``IssuedDocument``; the HTML page and the DOCX file are laid out from what was stored, so a document
looks the same however often it is printed, whatever happens to its template later.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from chengguan.core.errors import InvalidInput
from chengguan.documents.models import REASONING_PARTS, SECTION_FIELDS, DocumentTemplate, IssuedDocument

TEXT_ENGINE = Engine(autoescape=False)
CELL_SEPARATOR = "|"


def render_text(source: str, context: dict[str, Any], *, name: str) -> str:
    """``source`` rendered with ``context``: trimmed lines, empty ones dropped."""
    if not source.strip():
        return ""
    try:
        template = TEXT_ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise InvalidInput(
            _("The template section %(name)s has an error: %(error)s") % {"name": name, "error": exc},
            field=f"template.{name}",
        ) from exc
    text = template.render(Context(context, autoescape=False))
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def check_template_text(source: str, *, name: str) -> None:
    """Raise ``InvalidInput`` naming ``name`` when ``source`` is not valid template text."""
    render_text(source, {}, name=name)


def parse_table(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split(CELL_SEPARATOR)] for line in text.splitlines() if line]


@dataclass(frozen=True)
class Rendered:
    sections: dict[str, Any]
    reasoning: dict[str, str]


def render_sections(template: DocumentTemplate, context: dict[str, Any]) -> Rendered:
    """Every section of ``template`` rendered with ``context``. A part of the reasoning given in
    ``context["reasoning"]`` (the officer's own words) replaces the template's text of that part."""
    given = context.get("reasoning") or {}
    reasoning = {}
    for part in REASONING_PARTS:
        own = str(given.get(part) or "").strip() if isinstance(given, dict) else ""
        reasoning[part] = own or render_text(getattr(template, part), context, name=part)
    sections: dict[str, Any] = {
        name: render_text(getattr(template, name), context, name=name) for name in SECTION_FIELDS
    }
    sections["headings"] = {
        part: render_text(getattr(template, f"{part}_heading"), context, name=f"{part}_heading")
        for part in REASONING_PARTS
    }
    sections["table_title"] = render_text(template.table_title, context, name="table_title")
    sections["table"] = parse_table(render_text(template.table, context, name="table"))
    return Rendered(sections, reasoning)


# --- layout shared by HTML and DOCX --------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # bureau, title, number, note, heading, para, table_title, table, closing
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def _paras(kind: str, text: str) -> list[Block]:
    return [Block(kind, line) for line in text.splitlines() if line.strip()]


def layout(doc: IssuedDocument) -> list[Block]:
    """The document as a list of blocks, in print order."""
    s = doc.sections
    blocks = [Block("bureau", doc.bureau_name), Block("title", doc.title), Block("number", doc.number)]
    if doc.supersedes_id is not None:
        blocks.append(
            Block(
                "note",
                _("This document corrects and replaces %(number)s. Reason: %(reason)s")
                % {"number": doc.context.get("supersedes_number", ""), "reason": doc.correction_reason},
            )
        )
    blocks += _paras("para", s.get("opening", ""))
    headings = s.get("headings", {})
    for part, text in doc.reasoning().items():
        if headings.get(part):
            blocks.append(Block("heading", headings[part]))
        blocks += _paras("para", text)
    blocks += _paras("para", s.get("body", ""))
    table = s.get("table") or []
    if table:
        if s.get("table_title"):
            blocks.append(Block("table_title", s["table_title"]))
        blocks.append(Block("table", rows=tuple(tuple(row) for row in table)))
    blocks += _paras("para", s.get("rights", ""))
    blocks += _paras("closing", s.get("closing", ""))
    return blocks


def build_html(doc: IssuedDocument) -> str:
    """The printable page (A4, print stylesheet) of ``doc``."""
    blocks = layout(doc)
    return render_to_string("documents/document.html", {"doc": doc, "blocks": blocks})


def build_docx(doc: IssuedDocument) -> bytes:
    """``doc`` as a Word document (A4), laid out like the printed page."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(22)
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    document.core_properties.title = f"{doc.title} {doc.number}"
    document.core_properties.author = doc.bureau_name

    def paragraph(
        text: str, *, size: float = 12, bold: bool = False, align: Any = None, indent: bool = False
    ):
        p = document.add_paragraph()
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        return p

    for block in layout(doc):
        if block.kind == "bureau":
            paragraph(block.text, size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif block.kind == "title":
            paragraph(block.text, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif block.kind == "number":
            paragraph(block.text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif block.kind == "note":
            paragraph(block.text, size=10.5, bold=True)
        elif block.kind in ("heading", "table_title"):
            paragraph(block.text, bold=True)
        elif block.kind == "closing":
            paragraph(block.text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif block.kind == "table":
            width = max(len(row) for row in block.rows)
            table = document.add_table(rows=len(block.rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
                    if r == 0:
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
        else:
            paragraph(block.text, indent=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
