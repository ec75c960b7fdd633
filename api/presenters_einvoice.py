"""E-invoice rows -> API models."""

from __future__ import annotations

from api.schemas.einvoices import EInvoiceOut
from services.db.models import EInvoice


def einvoice_url(einvoice_id: str) -> str:
    return f"/api/v1/einvoices/{einvoice_id}"


def einvoice_out(invoice: EInvoice) -> EInvoiceOut:
    url = einvoice_url(invoice.id)
    links = {"self": url, "report": f"{url}/report"}
    if invoice.html_object_id is not None:
        links |= {"html": f"{url}/html", "pdf": f"{url}/pdf"}
    if invoice.document_id is not None:
        links["document"] = f"/api/v1/documents/{invoice.document_id}"
    return EInvoiceOut(
        id=invoice.id,
        status=invoice.status,
        failure_reason=invoice.failure_reason,
        source=invoice.source,
        filename=invoice.filename,
        received_sha256=invoice.received_sha256,
        received_media_type=invoice.received_media_type,
        syntax=invoice.syntax,
        customization_id=invoice.customization_id,
        specification=invoice.specification,
        profile=invoice.profile,
        valid=invoice.valid,
        invoice_number=invoice.invoice_number,
        issue_date=invoice.issue_date,
        payable_amount=invoice.payable_amount,
        currency=invoice.currency,
        leitweg_id=invoice.leitweg_id,
        leitweg_valid=invoice.leitweg_valid,
        org_unit=invoice.org_unit,
        retention_rule=invoice.retention_rule,
        duplicate_of=invoice.duplicate_of_id,
        document_id=invoice.document_id,
        invoice=invoice.data,
        validation=invoice.report,
        links=links,
        created_at=invoice.created_at,
        updated_at=invoice.updated_at,
    )
