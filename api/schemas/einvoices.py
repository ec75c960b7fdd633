"""Response models of e-invoices."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel


class EInvoiceOut(BaseModel):
    id: str
    status: str
    """received, accepted, rejected, duplicate or failed."""
    failure_reason: str | None
    source: str
    filename: str | None
    received_sha256: str
    received_media_type: str
    syntax: str | None
    customization_id: str | None
    specification: str | None
    profile: str | None
    valid: bool | None
    invoice_number: str | None
    issue_date: date | None
    payable_amount: str | None
    currency: str | None
    leitweg_id: str | None
    leitweg_valid: bool | None
    org_unit: str | None
    retention_rule: str | None
    duplicate_of: str | None
    document_id: str | None
    invoice: dict[str, Any] | None
    """The extracted invoice record (numbers, parties, totals, VAT, payment, lines)."""
    validation: dict[str, Any] | None
    """{syntax, customization, valid, errors: [...], warnings: [...]}"""
    links: dict[str, str]
    created_at: datetime
    updated_at: datetime


class EInvoiceReceiptOut(BaseModel):
    id: str
    status: str
    duplicate: bool
    url: str
