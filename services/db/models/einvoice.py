"""Models of the e-invoice intake: invoices, Leitweg-ID routes, adopted annual accounts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base, new_id


class EInvoiceStatus(StrEnum):
    RECEIVED = "received"
    """Stored and queued; validation has not run yet."""
    ACCEPTED = "accepted"
    """Valid (warnings allowed), extracted, rendered, routed and filed."""
    REJECTED = "rejected"
    """Invalid: a schema error or an error-level rule fired; the report goes to the supplier."""
    DUPLICATE = "duplicate"
    """Same bytes, or same seller, number and total as an earlier invoice: not processed again."""
    FAILED = "failed"
    """Processing failed for a reason that is not the invoice's fault (see failure_reason)."""


class RetentionRule(StrEnum):
    KOMHVO = "komhvo"
    """Municipal budget voucher (KomHVO NRW §59): 6 years from 1 January after the council
    adopted the annual accounts of the invoice's fiscal year."""
    AO = "ao"
    """Commercial activity (AO §147, UStG §14b): 8 years from the end of the calendar year."""


class EInvoice(Base):
    __tablename__ = "einvoices"
    __table_args__ = (
        Index("ix_einvoices_business_key", "seller_key", "invoice_number", "payable_amount"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    received_object_id: Mapped[int] = mapped_column(ForeignKey("stored_objects.id"))
    """The file as received (the XML, or the hybrid PDF kept beside its XML)."""
    received_sha256: Mapped[str] = mapped_column(String(64), index=True)
    received_media_type: Mapped[str] = mapped_column(String(100))
    item_id: Mapped[str | None] = mapped_column(ForeignKey("intake_items.id"), index=True)
    """The mail-room upload, when the invoice arrived as a hybrid PDF through the mail room."""
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    """The invoice document: its content is the structured XML, the legally relevant original."""
    source: Mapped[str] = mapped_column(String(20))
    """api, inbox or mailroom."""
    filename: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=EInvoiceStatus.RECEIVED, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    syntax: Mapped[str | None] = mapped_column(String(30))
    customization_id: Mapped[str | None] = mapped_column(String(300))
    specification: Mapped[str | None] = mapped_column(String(50))
    profile: Mapped[str | None] = mapped_column(String(30))
    valid: Mapped[bool | None]
    report: Mapped[dict[str, Any] | None]
    data: Mapped[dict[str, Any] | None]
    invoice_number: Mapped[str | None] = mapped_column(String(200))
    seller_key: Mapped[str | None] = mapped_column(String(300))
    """Seller VAT id, else tax number, else name: what makes an invoice number unique."""
    payable_amount: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str | None] = mapped_column(String(3))
    issue_date: Mapped[date | None]
    leitweg_id: Mapped[str | None] = mapped_column(String(60), index=True)
    leitweg_valid: Mapped[bool | None]
    org_unit: Mapped[str | None] = mapped_column(String(100), index=True)
    retention_rule: Mapped[str | None] = mapped_column(String(16))
    duplicate_of_id: Mapped[str | None] = mapped_column(ForeignKey("einvoices.id"))
    xml_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    xml_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    html_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    pdf_view_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LeitwegRoute(Base):
    """Which organisational unit receives invoices addressed to a Leitweg-ID."""

    __tablename__ = "leitweg_routes"

    leitweg_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    org_unit: Mapped[str] = mapped_column(String(100))
    retention_rule: Mapped[str | None] = mapped_column(String(16))
    """None: the configured default rule set."""
    description: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))


class AnnualAccountsAdoption(Base):
    """The council adopted the annual accounts of a fiscal year (starts KomHVO retention)."""

    __tablename__ = "annual_accounts_adoptions"

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    adopted_on: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
