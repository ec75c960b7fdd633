"""Short human forms of an invoice: title, search text and the seller key for duplicates."""

from __future__ import annotations

from services.einvoice.extract import InvoiceData
from services.einvoice.model import ValidationReport


def seller_key(invoice: InvoiceData) -> str | None:
    """What identifies the seller: VAT id (BT-31), else tax number (BT-32), else name (BT-27).

    Normalised (no spaces, upper case) so that printing differences do not hide a
    duplicate.
    """
    seller = invoice.seller
    if seller is None:
        return None
    for value in (seller.vat_id, seller.tax_number, seller.name):
        if value and value.strip():
            return "".join(value.split()).upper()
    return None


def invoice_title(invoice: InvoiceData | None, filename: str | None) -> str:
    if invoice is None or not invoice.number:
        return f"E-Rechnung {filename or ''}".strip()
    seller = invoice.seller.name if invoice.seller and invoice.seller.name else None
    return f"Rechnung {invoice.number}" + (f" – {seller}" if seller else "")


def invoice_text(invoice: InvoiceData, report: ValidationReport) -> str:
    """Searchable text: parties, references, amounts, line names and the verdict."""
    parts: list[str | None] = [
        invoice_title(invoice, None),
        f"Rechnungsdatum {invoice.issue_date.isoformat()}" if invoice.issue_date else None,
        f"Leitweg-ID {invoice.buyer_reference}" if invoice.buyer_reference else None,
        invoice.seller.name if invoice.seller else None,
        invoice.seller.vat_id if invoice.seller else None,
        invoice.buyer.name if invoice.buyer else None,
        invoice.order_reference,
        invoice.contract_reference,
        f"Zahlbetrag {invoice.totals.payable} {invoice.currency or ''}"
        if invoice.totals.payable is not None
        else None,
        *(line.name for line in invoice.lines),
        "gültig" if report.valid else "ungültig: " + ", ".join(f.rule for f in report.errors),
    ]
    return "\n".join(part for part in parts if part)
