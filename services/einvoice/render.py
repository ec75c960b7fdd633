"""Human-readable renditions of an e-invoice: German HTML and PDF.

Both show every extracted business term with its BT/BG id, the parties, the lines,
the VAT breakdown, the totals, the payment details, the attachments and, when given,
the validation result with the rule ids.  They are renditions for people; the XML
stays the legally relevant original (GoBD).
"""

from __future__ import annotations

from pathlib import Path

from services.einvoice.extraction.data import InvoiceData
from services.einvoice.model import ValidationReport
from services.einvoice.rendering.html import render_view_html
from services.einvoice.rendering.pdf import render_view_pdf
from services.einvoice.rendering.view import InvoiceView, build_view

__all__ = ["InvoiceView", "build_view", "render_html", "render_pdf"]


def render_html(invoice: InvoiceData, report: ValidationReport | None = None) -> str:
    """A self-contained German HTML page (no scripts, no external resources)."""
    return render_view_html(build_view(invoice, report))


def render_pdf(
    invoice: InvoiceData, report: ValidationReport | None = None, *, font_dir: Path | None = None
) -> bytes:
    """The same content as :func:`render_html` as an A4 PDF."""
    return render_view_pdf(build_view(invoice, report), font_dir=font_dir)
