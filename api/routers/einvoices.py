"""E-invoices: intake (raw XML or PDF), status, extracted data, views and the report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy import select

from api.dependencies import ContainerDep, SessionDep, requires
from api.presenters_einvoice import einvoice_out, einvoice_url
from api.schemas.common import PageOut, page_out
from api.schemas.einvoices import EInvoiceOut, EInvoiceReceiptOut
from services.audit.trail import actor_of
from services.auth.keys import Principal
from services.auth.permissions import Permission
from services.db.models import EInvoice, StoredObject
from services.db.pagination import paginate
from services.db.session import unit_of_work
from services.einvoice.intake import receive_einvoice
from services.errors import InvalidInputError, LimitExceededError, NotFoundError

router = APIRouter(prefix="/api/v1/einvoices", tags=["e-invoices"])
Reader = Annotated[Principal, requires(Permission.READ_RECORDS)]
Sender = Annotated[Principal, requires(Permission.INTAKE)]
_RAW_TYPES = ("application/xml", "text/xml", "application/pdf", "application/octet-stream")


@router.post(
    "",
    response_model=EInvoiceReceiptOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Receive an e-invoice: raw XML or PDF body, or a multipart 'file'",
    openapi_extra={
        "requestBody": {
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in _RAW_TYPES}
        }
    },
)
async def receive(
    request: Request, container: ContainerDep, principal: Sender
) -> EInvoiceReceiptOut:
    data, filename = await _read_body(request, container.settings.einvoice.max_bytes)
    with unit_of_work(container.session_factory) as session:
        receipt = receive_einvoice(
            session,
            container.store,
            data,
            filename=filename,
            source="api",
            actor=actor_of(principal),
            settings=container.settings,
            clock=container.clock,
        )
        invoice = receipt.invoice
        return EInvoiceReceiptOut(
            id=invoice.id,
            status=invoice.status,
            duplicate=receipt.duplicate,
            url=einvoice_url(invoice.id),
        )


@router.get("", response_model=PageOut[EInvoiceOut], summary="E-invoices, newest first")
def invoices(
    session: SessionDep,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
) -> PageOut[EInvoiceOut]:
    query = select(EInvoice).order_by(EInvoice.created_at.desc(), EInvoice.id)
    if status_filter:
        query = query.where(EInvoice.status == status_filter)
    return page_out(paginate(session, query, limit=limit, offset=offset), einvoice_out)


@router.get("/{einvoice_id}", response_model=EInvoiceOut, summary="Status, verdict and data")
def invoice(einvoice_id: str, session: SessionDep, _: Reader) -> EInvoiceOut:
    return einvoice_out(_get(session, einvoice_id))


@router.get("/{einvoice_id}/report", summary="The validation report (JSON)")
def report(einvoice_id: str, session: SessionDep, _: Reader) -> dict[str, object]:
    found = _get(session, einvoice_id)
    if found.report is None:
        raise NotFoundError(f"e-invoice {einvoice_id} has not been validated yet")
    return {"einvoice_id": found.id, "status": found.status, "file": found.filename, **found.report}


@router.get("/{einvoice_id}/html", summary="German view with the validation result (HTML)")
def html(einvoice_id: str, session: SessionDep, container: ContainerDep, _: Reader) -> Response:
    found = _get(session, einvoice_id)
    return _object(session, container, found.html_object_id, "text/html; charset=utf-8", found)


@router.get("/{einvoice_id}/pdf", summary="German view with the validation result (PDF)")
def pdf(einvoice_id: str, session: SessionDep, container: ContainerDep, _: Reader) -> Response:
    found = _get(session, einvoice_id)
    return _object(session, container, found.pdf_view_object_id, "application/pdf", found)


def _get(session: SessionDep, einvoice_id: str) -> EInvoice:
    found = session.get(EInvoice, einvoice_id)
    if found is None:
        raise NotFoundError(f"no e-invoice {einvoice_id}")
    return found


def _object(
    session: SessionDep,
    container: ContainerDep,
    object_id: int | None,
    media_type: str,
    found: EInvoice,
) -> Response:
    stored = session.get(StoredObject, object_id) if object_id is not None else None
    if stored is None:
        raise NotFoundError(f"e-invoice {found.id} has no view yet (status {found.status})")
    data = container.store.get(stored.blob_key, stored.version_id)
    return Response(content=data, media_type=media_type, headers={"ETag": f'"{stored.sha256}"'})


async def _read_body(request: Request, limit: int) -> tuple[bytes, str | None]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInputError("the multipart upload needs a 'file' part")
        data = await upload.read()
        filename = upload.filename
    elif content_type in _RAW_TYPES or not content_type:
        data = await request.body()
        filename = request.headers.get("x-filename")
    else:
        raise InvalidInputError(
            f"Content-Type {content_type!r}: send application/xml, application/pdf or multipart"
        )
    if len(data) > limit:
        raise LimitExceededError(f"the invoice has {len(data)} bytes; the limit is {limit}")
    return data, filename
