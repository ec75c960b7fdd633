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


@dataclass(frozen=True)
class Checked:
    """The invoice XML found in a file (None if there is none) and its validation report."""

    xml: bytes | None
    xml_filename: str | None
    hybrid_attachments: tuple[Attachment, ...]
    report: ValidationReport


def check_file(data: bytes, media_type: str, settings: EInvoiceSettings) -> Checked:
    """Find the invoice XML (in a hybrid PDF: the embedded one) and validate it."""
    if media_type != PDF:
        return Checked(data, None, (), _validate(data, None, settings))
    try:
        hybrid = find_embedded_invoice(data, max_xml_bytes=settings.max_bytes)
    except EAkteError as exc:
        return _without_invoice(f"the PDF cannot be read: {exc.detail}")
    if hybrid is None:
        return _without_invoice(
            "the PDF contains no embedded invoice (factur-x.xml, zugferd-invoice.xml or "
            "xrechnung.xml); a plain PDF is not an e-invoice"
        )
    report = _validate(hybrid.xml, hybrid.profile, settings)
    return Checked(hybrid.xml, hybrid.filename, hybrid.attachments, report)


def read_invoice(checked: Checked, settings: EInvoiceSettings) -> InvoiceData | None:
    """The business terms, as far as they can be read (also from an invalid invoice)."""
    if checked.xml is None or checked.report.recognition is None:
        return None
    try:
        tree = parse_invoice_xml(
            checked.xml, max_bytes=settings.max_bytes, max_depth=settings.max_depth
        )
        return extract_invoice(tree, checked.report.recognition.syntax)
    except (EAkteError, ValueError, ArithmeticError):
        return None


def analyse(data: bytes, media_type: str, settings: EInvoiceSettings) -> Analysis:
    checked = check_file(data, media_type, settings)
    invoice = read_invoice(checked, settings)
    shown = invoice or InvoiceData()
    return Analysis(
        xml=checked.xml,
        xml_filename=checked.xml_filename,
        hybrid_attachments=checked.hybrid_attachments,
        report=checked.report,
        invoice=invoice,
        html=render_html(shown, checked.report),
        pdf=render_pdf(shown, checked.report),
    )


def _validate(xml: bytes, profile: str | None, settings: EInvoiceSettings) -> ValidationReport:
    return validate_invoice(
        xml,
        kosit_config_dir=settings.kosit_config_dir,
        hybrid_profile=profile,
        max_bytes=settings.max_bytes,
        accepted_customizations=settings.accepted_customization_ids,
    )


def _without_invoice(reason: str) -> Checked:
    finding = Finding(
        rule="NO-INVOICE",
        severity=Severity.FATAL,
        message_en=reason,
        message_de=_GERMAN_NO_INVOICE,
        location=None,
        source="xml",
    )
    report = ValidationReport.from_findings(None, [finding])
    return Checked(None, None, (), report)


_GERMAN_NO_INVOICE = (
    "Die Datei enthält keine elektronische Rechnung (XRechnung oder ZUGFeRD/Factur-X mit "
    "eingebetteter XML-Datei)."
)
