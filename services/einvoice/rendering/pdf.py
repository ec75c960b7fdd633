"""PDF rendition of an :class:`InvoiceView` with fpdf2 (pure Python, from PyPI).

fpdf2 needs no system libraries (unlike WeasyPrint's Pango/Cairo), which keeps the
worker image small; with an embedded DejaVu TrueType font it writes umlauts, "€" and
"…" that the 14 standard PDF fonts cannot encode.  Text is set as plain strings (no
markup), so supplier content can never become layout instructions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from services.einvoice.rendering.view import InvoiceView, Row, Section, Table, ValidationView
from services.errors import ConfigurationError

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
FAMILY = "DejaVu"
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


def find_font_dir(candidates: Sequence[Path] = FONT_DIRS) -> Path:
    """The first directory holding DejaVuSans.ttf and DejaVuSans-Bold.ttf."""
    for folder in candidates:
        if (folder / "DejaVuSans.ttf").is_file() and (folder / "DejaVuSans-Bold.ttf").is_file():
            return folder
    searched = ", ".join(str(c) for c in candidates)
    raise ConfigurationError(
        f"DejaVu fonts not found (searched {searched}); install the package fonts-dejavu-core"
    )


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._title_text = title
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=7)
        self.cell(0, 5, f"{self._title_text} — Seite {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str, bt: str, size: float) -> None:
    pdf.set_font(FAMILY, "B", size)
    label = f"{text}  [{bt}]" if bt else text
    pdf.multi_cell(0, size * 0.5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _terms(pdf: FPDF, rows: Sequence[Row]) -> None:
    pdf.set_font(FAMILY, size=8)
    with pdf.table(
        col_widths=(16, 58, 106),
        first_row_as_headings=False,
        text_align="LEFT",
        line_height=4,
    ) as table:
        for r in rows:
            table.row((r.bt, r.label, r.value))
    pdf.ln(2)


def _grid(pdf: FPDF, t: Table) -> None:
    pdf.set_font(FAMILY, size=7)
    n = len(t.columns)
    with pdf.table(
        headings_style=HEADINGS,
        text_align="LEFT",
        wrapmode=WrapMode.CHAR,
        line_height=3.6,
    ) as table:
        table.row([f"{c.label}\n{c.bt}" for c in t.columns])
        for row in t.rows:
            cells = list(row.cells)
            if cells and row.level:
                cells[0] = "  " * row.level + "↳ " + cells[0]
            table.row(cells)
            if row.details:
                detail = "\n".join(f"{d.bt} {d.label}: {d.value}" for d in row.details)
                table.row().cell(detail, colspan=n)
    pdf.ln(2)


def _section(pdf: FPDF, s: Section, level: int = 0) -> None:
    _heading(pdf, s.title, s.bt, 12 if level == 0 else 10)
    if s.rows:
        _terms(pdf, s.rows)
    for t in s.tables:
        if t.title != s.title:
            _heading(pdf, t.title, t.bt, 10)
        _grid(pdf, t)
    for sub in s.subsections:
        _section(pdf, sub, level + 1)


def _validation(pdf: FPDF, v: ValidationView) -> None:
    _heading(pdf, "Prüfergebnis", "", 12)
    pdf.set_font(FAMILY, "B", 10)
    pdf.set_fill_color(*((217, 242, 217) if v.valid else (248, 215, 215)))
    pdf.cell(0, 7, f"Die Rechnung ist {v.verdict}.", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    if v.facts:
        _terms(pdf, v.facts)
    for title, items in (("Fehler", v.errors), ("Warnungen", v.warnings)):
        _heading(pdf, f"{title} ({len(items)})", "", 10)
        if not items:
            pdf.set_font(FAMILY, size=8)
            pdf.cell(0, 5, "Keine.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            continue
        pdf.set_font(FAMILY, size=7)
        with pdf.table(
            col_widths=(22, 16, 92, 50),
            headings_style=HEADINGS,
            text_align="LEFT",
            wrapmode=WrapMode.CHAR,
            line_height=3.6,
        ) as table:
            table.row(("Regel", "Schwere", "Meldung", "Fundstelle"))
            for f in items:
                table.row((f.rule, f.severity, f.message, f.location))
        pdf.ln(2)


def render_view_pdf(view: InvoiceView, *, font_dir: Path | None = None) -> bytes:
    """The PDF document for ``view`` (A4, German, DejaVu Sans embedded)."""
    fonts = font_dir or find_font_dir()
    pdf = _Pdf(view.title)
    pdf.add_font(FAMILY, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_title(view.title)
    pdf.set_lang("de-DE")
    pdf.set_creator("eakte")
    pdf.add_page()
    _heading(pdf, view.title, "", 16)
    pdf.set_font(FAMILY, size=8)
    pdf.multi_cell(
        0,
        4,
        "Menschenlesbare Darstellung der elektronischen Rechnung. "
        "Rechtlich maßgeblich ist die strukturierte XML-Datei.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    if view.validation is not None:
        _validation(pdf, view.validation)
    if view.notes:
        _heading(pdf, "Hinweise zum Auslesen", "", 10)
        pdf.set_font(FAMILY, size=8)
        for note in view.notes:
            pdf.multi_cell(0, 4, f"• {note}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    for section in view.sections:
        _section(pdf, section)
    return bytes(pdf.output())
