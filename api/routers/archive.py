"""Archive transfer (xdomea Aussonderung): offer, poll, processes, approval, certificates.

The same use cases as ``eakte archive ...``; offer, poll and approve open their own
transactions (a message must be recorded before it leaves, :mod:`services.archive.outbox`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.dependencies import ContainerDep, SessionDep, WriteSessionDep, requires
from api.presenters_archive import (
    alert_out,
    certificate_out,
    offer_out,
    poll_out,
    process_detail_out,
    process_out,
)
from api.schemas.archive import (
    AlertOut,
    CancelIn,
    CertificateOut,
    OfferOut,
    PollOut,
    ProcessDetailOut,
    ProcessOut,
    ResolveIn,
)
from api.schemas.common import MAX_OFFSET, PageOut, page_out
from services.access.roles import Permission
from services.access.scope import Scope
from services.archive import workflow
from services.archive.alerts import acknowledge_alert
from services.archive.queries import (
    CertificateFormat,
    certificate_content,
    list_certificates,
    list_processes,
    message_content,
    open_alerts,
    process_detail,
)

router = APIRouter(prefix="/api/v1/archive", tags=["archive"])
Manager = Annotated[Scope, requires(Permission.MANAGE_RETENTION)]
Auditor = Annotated[Scope, requires(Permission.READ_AUDIT)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


@router.post(
    "/offer",
    response_model=OfferOut,
    summary="Start a process with every due Akte not yet offered (two-step: writes the 0503)",
)
def offer(container: ContainerDep, scope: Manager) -> OfferOut:
    return offer_out(workflow.offer(container.archive_context, scope))


@router.post(
    "/poll",
    response_model=PollOut,
    summary="Read the archive's replies, act on them, write ours (as the scheduled job)",
)
def poll(container: ContainerDep, scope: Manager) -> PollOut:
    return poll_out(workflow.poll(container.archive_context, actor=scope.actor))


@router.get("/processes", response_model=PageOut[ProcessOut], summary="Transfer processes")
def processes(
    session: SessionDep,
    scope: Manager,
    running: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PageOut[ProcessOut]:
    page = list_processes(session, scope, limit=limit, offset=offset, running_only=running)
    return page_out(page, process_out)


@router.get(
    "/processes/{process_id}",
    response_model=ProcessDetailOut,
    summary="A process with its Akten, messages, alerts and certificates",
)
def process(process_id: str, session: SessionDep, scope: Manager) -> ProcessDetailOut:
    return process_detail_out(process_detail(session, scope, process_id))


@router.post(
    "/processes/{process_id}/approve",
    response_model=ProcessDetailOut,
    summary="Approve the process's destruction list; it is carried out at once",
)
def approve(
    process_id: str, container: ContainerDep, session: SessionDep, scope: Manager
) -> ProcessDetailOut:
    workflow.approve(container.archive_context, scope, process_id)
    return process_detail_out(process_detail(session, scope, process_id))


@router.post(
    "/processes/{process_id}/cancel",
    response_model=ProcessDetailOut,
    summary="Cancel a running process: nothing more is destroyed, the Akten are released",
)
def cancel(
    process_id: str, body: CancelIn, container: ContainerDep, session: SessionDep, scope: Manager
) -> ProcessDetailOut:
    workflow.cancel(container.archive_context, scope, process_id, reason=body.reason)
    return process_detail_out(process_detail(session, scope, process_id))


@router.get(
    "/processes/{process_id}/messages/{message_id}",
    summary="The write-once copy of a message exchanged in the process (XML)",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def message(
    process_id: str,
    message_id: int,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> Response:
    row, data = message_content(
        session, container.store, scope, process_id, message_id, clock=container.clock
    )
    name = row.file_name.removesuffix(".zip") + ".xml"
    return Response(
        data,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/alerts", response_model=PageOut[AlertOut], summary="Open archive alerts")
def alerts(
    session: SessionDep, scope: Manager, limit: Limit = 50, offset: Offset = 0
) -> PageOut[AlertOut]:
    return page_out(open_alerts(session, scope, limit=limit, offset=offset), alert_out)


@router.post(
    "/alerts/{alert_id}/resolve",
    response_model=AlertOut,
    summary="Acknowledge an alert whose cause was dealt with (note required, audited)",
)
def resolve_alert(
    alert_id: int,
    body: ResolveIn,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Manager,
) -> AlertOut:
    alert = acknowledge_alert(
        session, scope, alert_id=alert_id, note=body.note, clock=container.clock
    )
    return alert_out(alert)


@router.get(
    "/certificates",
    response_model=PageOut[CertificateOut],
    summary="Destruction certificates (Vernichtungs- und Löschprotokolle)",
)
def certificates(
    session: SessionDep, scope: Auditor, limit: Limit = 50, offset: Offset = 0
) -> PageOut[CertificateOut]:
    return page_out(list_certificates(session, limit=limit, offset=offset), certificate_out)


@router.get(
    "/certificates/{certificate_id}/{kind}",
    summary="A destruction certificate as PDF or JSON",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "application/json": {}}}},
)
def certificate(
    certificate_id: str,
    kind: CertificateFormat,
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Auditor,
) -> Response:
    row, data = certificate_content(
        session, container.store, scope, certificate_id, kind, clock=container.clock
    )
    media_type = "application/pdf" if kind == CertificateFormat.PDF else "application/json"
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{row.number}.{kind.value}"'},
    )
