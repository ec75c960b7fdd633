"""Reading e-invoices within the caller's scope; reading a view is an audit event."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.scope import Scope, not_found
from services.access.visibility import einvoice_visible
from services.audit.trail import record_event
from services.db.models import EInvoice, StoredObject
from services.db.pagination import Page, paginate
from services.errors import NotFoundError
from services.ports import BlobStore, Clock


@dataclass(frozen=True)
class InvoiceView:
    data: bytes
    sha256: str


def get_einvoice(session: Session, scope: Scope, einvoice_id: str) -> EInvoice:
    found = session.scalar(
        select(EInvoice).where(EInvoice.id == einvoice_id, einvoice_visible(scope))
    )
    if found is None:
        raise not_found("e-invoice", einvoice_id)
    return found


def list_einvoices(
    session: Session, scope: Scope, *, limit: int, offset: int, status: str | None = None
) -> Page[EInvoice]:
    query = (
        select(EInvoice)
        .where(einvoice_visible(scope))
        .order_by(EInvoice.created_at.desc(), EInvoice.id)
    )
    if status:
        query = query.where(EInvoice.status == status)
    return paginate(session, query, limit=limit, offset=offset)


def read_view(
    session: Session,
    scope: Scope,
    store: BlobStore,
    einvoice_id: str,
    view: str,
    *,
    clock: Clock,
) -> InvoiceView:
    """The German ``html`` or ``pdf`` view of an invoice (it shows the whole invoice)."""
    found = get_einvoice(session, scope, einvoice_id)
    object_id = found.html_object_id if view == "html" else found.pdf_view_object_id
    stored = session.get(StoredObject, object_id) if object_id is not None else None
    if stored is None:
        raise NotFoundError(f"e-invoice {found.id} has no view yet (status {found.status})")
    data = store.get(stored.blob_key, stored.version_id)
    record_event(
        session,
        actor=scope.actor,
        action="content.read",
        object_type="document" if found.document_id else "einvoice",
        object_id=found.document_id or found.id,
        details={"einvoice": found.id, "part": f"einvoice_{view}", "sha256": stored.sha256},
        clock=clock,
    )
    return InvoiceView(data=data, sha256=stored.sha256)
