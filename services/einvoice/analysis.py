"""Everything eakte learns from an invoice file, without touching the database.

A hybrid PDF gives up its embedded XML (and further attachments); the XML is validated
as the KoSIT validator would, its business terms extracted, and a German HTML and PDF
view rendered with the verdict.  A file that yields no invoice at all still gets a
report that says why, so the supplier can be told.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.einvoice.extract import InvoiceData, extract_invoice
from services.einvoice.hybrid import Attachment, find_embedded_invoice
from services.einvoice.model import Finding, Severity, ValidationReport
from services.einvoice.render import render_html, render_pdf
from services.einvoice.safe_xml import parse_invoice_xml
from services.einvoice.validate import validate_invoice
from services.errors import EAkteError
from services.settings import EInvoiceSettings

PDF = "application/pdf"


@dataclass(frozen=True)
class Analysis:
    xml: bytes | None
    """The structured invoice (for a hybrid: the embedded XML); None if there is none."""
    xml_filename: str | None
    hybrid_attachments: tuple[Attachment, ...]
    report: ValidationReport
    invoice: InvoiceData | None
    html: str
    pdf: bytes


def analyse(data: bytes, media_type: str, settings: EInvoiceSettings) -> Analysis:
    xml: bytes = data
    xml_filename: str | None = None
    profile: str | None = None
    attachments: tuple[Attachment, ...] = ()
    if media_type == PDF:
        try:
            hybrid = find_embedded_invoice(data, max_xml_bytes=settings.max_bytes)
        except EAkteError as exc:
            return _without_invoice(f"the PDF cannot be read: {exc.detail}")
        if hybrid is None:
            return _without_invoice(
                "the PDF contains no embedded invoice (factur-x.xml, zugferd-invoice.xml or "
                "xrechnung.xml); a plain PDF is not an e-invoice"
            )
        xml, xml_filename, profile = hybrid.xml, hybrid.filename, hybrid.profile
        attachments = hybrid.attachments
    report = validate_invoice(
        xml,
        kosit_config_dir=settings.kosit_config_dir,
        hybrid_profile=profile,
        max_bytes=settings.max_bytes,
    )
    invoice = _extract(xml, report, settings)
    shown = invoice or InvoiceData()
    return Analysis(
        xml=xml,
        xml_filename=xml_filename,
        hybrid_attachments=attachments,
        report=report,
        invoice=invoice,
        html=render_html(shown, report),
        pdf=render_pdf(shown, report),
    )


def _extract(
    xml: bytes, report: ValidationReport, settings: EInvoiceSettings
) -> InvoiceData | None:
    """Best effort: an invalid invoice is still shown as far as it can be read."""
    if report.recognition is None:
        return None
    try:
        tree = parse_invoice_xml(xml, max_bytes=settings.max_bytes, max_depth=settings.max_depth)
        return extract_invoice(tree, report.recognition.syntax)
    except (EAkteError, ValueError, ArithmeticError):
        return None


def _without_invoice(reason: str) -> Analysis:
    finding = Finding(
        rule="NO-INVOICE",
        severity=Severity.FATAL,
        message_en=reason,
        message_de=_GERMAN_NO_INVOICE,
        location=None,
        source="xml",
    )
    report = ValidationReport.from_findings(None, [finding])
    return Analysis(
        xml=None,
        xml_filename=None,
        hybrid_attachments=(),
        report=report,
        invoice=None,
        html=render_html(InvoiceData(), report),
        pdf=render_pdf(InvoiceData(), report),
    )


_GERMAN_NO_INVOICE = (
    "Die Datei enthält keine elektronische Rechnung (XRechnung oder ZUGFeRD/Factur-X mit "
    "eingebetteter XML-Datei)."
)
