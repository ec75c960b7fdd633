"""E-invoices: intake (raw XML or PDF), status, extracted data, views and the report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters_einvoice import einvoice_out, einvoice_url
from api.schemas.common import Offset, PageOut, page_out
from api.schemas.einvoices import EInvoiceOut, EInvoiceReceiptOut
from api.spooled_body import spool_body
from services.access.roles import Permission
from services.access.scope import Scope
from services.db.session import unit_of_work
from services.einvoice.intake import receive_einvoice
from services.einvoice.queries import get_einvoice, list_einvoices, read_view
from services.errors import InvalidInputError, LimitExceededError, NotFoundError
from services.intake.filenames import clean_filename

router = APIRouter(prefix="/api/v1/einvoices", tags=["e-invoices"])
Reader = Annotated[Scope, requires(Permission.READ_RECORDS)]
Sender = Annotated[Scope, requires(Permission.INTAKE)]
VIEW_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
_RAW_TYPES = ("application/xml", "text/xml", "application/pdf", "application/octet-stream")
_LIMIT_SETTING = "EAKTE_EINVOICE__MAX_BYTES"


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
async def receive(request: Request, container: ContainerDep, scope: Sender) -> EInvoiceReceiptOut:
    data, filename = await _read_body(request, container.settings.einvoice.max_bytes)
    with unit_of_work(container.session_factory) as session:
        receipt = receive_einvoice(
            session,
            container.store,
            data,
            filename=filename,
            source="api",
            actor=scope.actor,
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
    scope: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
    status_filter: Annotated[str | None, Query(alias="status", max_length=16)] = None,
) -> PageOut[EInvoiceOut]:
    page = list_einvoices(session, scope, limit=limit, offset=offset, status=status_filter)
    return page_out(page, einvoice_out)


@router.get("/{einvoice_id}", response_model=EInvoiceOut, summary="Status, verdict and data")
def invoice(einvoice_id: str, session: SessionDep, scope: Reader) -> EInvoiceOut:
    return einvoice_out(get_einvoice(session, scope, einvoice_id))


@router.get("/{einvoice_id}/report", summary="The validation report (JSON)")
def report(einvoice_id: str, session: SessionDep, scope: Reader) -> dict[str, object]:
    found = get_einvoice(session, scope, einvoice_id)
    if found.report is None:
        raise NotFoundError(f"e-invoice {einvoice_id} has not been validated yet")
    return {"einvoice_id": found.id, "status": found.status, "file": found.filename, **found.report}


@router.get("/{einvoice_id}/html", summary="German view with the validation result (HTML)")
def html(
    einvoice_id: str, session: WriteSessionDep, container: ContainerDep, scope: Reader
) -> Response:
    return _view(session, container, scope, einvoice_id, "html", "text/html; charset=utf-8")


@router.get("/{einvoice_id}/pdf", summary="German view with the validation result (PDF)")
def pdf(
    einvoice_id: str, session: WriteSessionDep, container: ContainerDep, scope: Reader
) -> Response:
    return _view(session, container, scope, einvoice_id, "pdf", "application/pdf")


def _view(
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Scope,
    einvoice_id: str,
    view: str,
    media_type: str,
) -> Response:
    found = read_view(session, scope, container.store, einvoice_id, view, clock=container.clock)
    headers = {"ETag": f'"{found.sha256}"', "X-Content-Type-Options": "nosniff"}
    if view == "html":  # our own rendering, self-contained: no script, nothing to fetch
        headers["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; style-src 'unsafe-inline'"
        )
    return Response(content=found.data, media_type=media_type, headers=headers)


async def _read_body(request: Request, limit: int) -> tuple[bytes, str | None]:
    """The invoice's bytes and file name; nothing past ``limit`` is read or held."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1)  # file parts are spooled to disk, not memory
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInputError("the multipart upload needs a 'file' part")
        if upload.size is not None and upload.size > limit:
            raise LimitExceededError(f"the invoice has {upload.size} bytes; the limit is {limit}")
        data = await upload.read()
        filename = upload.filename
    elif content_type in _RAW_TYPES or not content_type:
        with await spool_body(request, limit, setting=_LIMIT_SETTING) as spooled:
            data = spooled.read()
        filename = request.headers.get("x-filename")
    else:
        raise InvalidInputError(
            f"Content-Type {content_type!r}: send application/xml, application/pdf or multipart"
        )
    return data, clean_filename(filename)
