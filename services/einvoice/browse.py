"""Browsing e-invoices within the caller's scope: filters by verdict and routing.

The web interface lists invoices by what a Rechnungseingangsstelle asks: which ones are
invalid, which carry warnings, which still wait to be assigned to a unit.  Everything
here starts from :func:`services.access.visibility.einvoice_visible`, like the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import akte_visible, document_visible, einvoice_visible
from services.db.models import Akte, Document, EInvoice
from services.db.pagination import Page, paginate


class Verdict(StrEnum):
    VALID = "gueltig"
    """Valid without warnings."""
    WARNINGS = "warnungen"
    """Valid, with warnings."""
    INVALID = "ungueltig"
    PENDING = "offen"
    """Not validated yet (received, or processing failed)."""


class Routing(StrEnum):
    ROUTED = "zugeordnet"
    UNROUTED = "nicht-zugeordnet"


@dataclass(frozen=True)
class Filing:
    """Where an invoice's document lies, as far as the caller may see it."""

    akte_id: str
    aktenzeichen: str
    title: str


def browse_einvoices(
    session: Session,
    scope: Scope,
    *,
    limit: int,
    offset: int,
    receiving_unit: str,
    verdict: Verdict | None = None,
    routing: Routing | None = None,
) -> Page[EInvoice]:
    """Invoices the caller may see, newest first, filtered.

    ``receiving_unit`` is the Rechnungseingangsstelle: an invoice parked there (or
    never assigned, as a rejected one) counts as not routed.
    """
    query = (
        select(EInvoice)
        .where(einvoice_visible(scope))
        .order_by(EInvoice.created_at.desc(), EInvoice.id)
    )
    if verdict is not None:
        query = query.where(_verdict(session, verdict))
    if routing is not None:
        query = _routing(query, routing, receiving_unit)
    return paginate(session, query, limit=limit, offset=offset)


def filings_of(session: Session, scope: Scope, document_ids: Iterable[str]) -> dict[str, Filing]:
    """Document id -> its Akte, for the documents and Akten the caller may see."""
    wanted = [d for d in set(document_ids) if d]
    if not wanted:
        return {}
    rows = session.execute(
        select(Document.id, Akte.id, Akte.aktenzeichen, Akte.title)
        .join(Akte, Akte.id == Document.akte_id)
        .where(Document.id.in_(wanted), document_visible(scope), akte_visible(scope))
    )
    return {
        document_id: Filing(akte_id=akte_id, aktenzeichen=aktenzeichen, title=title)
        for document_id, akte_id, aktenzeichen, title in rows
    }


def is_routed(invoice: EInvoice, receiving_unit: str) -> bool:
    return invoice.org_unit is not None and invoice.org_unit != receiving_unit


def _routing(query: Select[EInvoice], routing: Routing, receiving: str) -> Select[EInvoice]:
    routed = and_(EInvoice.org_unit.is_not(None), EInvoice.org_unit != receiving)
    if routing is Routing.ROUTED:
        return query.where(routed)
    return query.where(or_(EInvoice.org_unit.is_(None), EInvoice.org_unit == receiving))


def _verdict(session: Session, verdict: Verdict) -> ColumnElement[bool]:
    if verdict is Verdict.PENDING:
        return EInvoice.valid.is_(None)
    if verdict is Verdict.INVALID:
        return EInvoice.valid.is_(False)
    warnings = _warning_count(session)
    if verdict is Verdict.WARNINGS:
        return and_(EInvoice.valid.is_(True), warnings > 0)
    return and_(EInvoice.valid.is_(True), or_(warnings.is_(None), warnings == 0))


def _warning_count(session: Session) -> ColumnElement[int]:
    """The number of warnings in the stored report (a JSON column on both databases)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_length(EInvoice.report["warnings"])
    return func.json_array_length(EInvoice.report, "$.warnings")
