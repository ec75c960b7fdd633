"""The e-invoice a document belongs to, if any (a document page links to its invoice)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import einvoice_visible
from services.db.models import EInvoice


def einvoice_of_document(session: Session, scope: Scope, document_id: str) -> EInvoice | None:
    """The visible e-invoice whose document is ``document_id`` (the first, if several)."""
    return session.scalar(
        select(EInvoice)
        .where(EInvoice.document_id == document_id, einvoice_visible(scope))
        .order_by(EInvoice.created_at, EInvoice.id)
        .limit(1)
    )
