"""``/ui/verwaltung/vernichtungsprotokolle``: destruction certificates, PDF and JSON.

Auditors read them too (``read_audit``): a certificate outlives its Akten and names
who approved what on which legal basis.  Downloading one is audited like any content
read (:func:`services.archive.queries.certificate_content`), hence the write session.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.dependencies import SessionDep, WriteSessionDep
from api.ui.labels import label
from api.ui.page import PageDep
from api.ui.pages.archive_texts import CERTIFICATE_REASONS, CERTIFICATES, PROCESSES
from api.ui.pages.retention_texts import require
from services.access.roles import Permission
from services.archive.queries import CertificateFormat, certificate_content, list_certificates

router = APIRouter(include_in_schema=False)

PER_PAGE = 50
MEDIA_TYPES = {CertificateFormat.PDF: "application/pdf", CertificateFormat.JSON: "application/json"}


@router.get(CERTIFICATES, response_class=HTMLResponse)
def certificates(
    page: PageDep,
    session: SessionDep,
    ab: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    require(page, Permission.READ_AUDIT)
    listed = list_certificates(session, limit=PER_PAGE, offset=ab)
    return page.render(
        "records_admin/archive_certificates.html",
        title="Vernichtungsprotokolle",
        certificates=listed,
        previous=max(ab - PER_PAGE, 0) if ab > 0 else None,
        next=ab + PER_PAGE if ab + PER_PAGE < listed.total else None,
        label=label,
        reasons=CERTIFICATE_REASONS,
        certificates_path=CERTIFICATES,
        processes_path=PROCESSES,
    )


@router.get(CERTIFICATES + "/{certificate_id}/{kind}")
def certificate(
    page: PageDep, session: WriteSessionDep, certificate_id: str, kind: CertificateFormat
) -> Response:
    require(page, Permission.READ_AUDIT)
    row, data = certificate_content(
        session, page.container.store, page.scope, certificate_id, kind, clock=page.container.clock
    )
    return Response(
        data,
        media_type=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{row.number}.{kind.value}"'},
    )
