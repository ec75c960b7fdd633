"""API shapes of archive processes, messages, certificates and alerts (router and CLI)."""

from __future__ import annotations

from api.schemas.archive import (
    AkteInProcessOut,
    AlertOut,
    CertificateOut,
    HandledOut,
    MessageOut,
    OfferOut,
    PollOut,
    ProcessDetailOut,
    ProcessOut,
    SkippedOut,
)
from services.archive.inbox import Handled
from services.archive.queries import AkteInProcess, ProcessDetail, ProcessSummary
from services.archive.workflow import OfferReport, PollReport
from services.db.models import ArchiveAlert, ArchiveMessage, DestructionCertificate

ARCHIVE = "/api/v1/archive"


def process_url(process_id: str) -> str:
    return f"{ARCHIVE}/processes/{process_id}"


def offer_out(report: OfferReport) -> OfferOut:
    return OfferOut(
        processes=report.processes,
        offered=report.offered,
        waived=report.waived,
        skipped=[SkippedOut(aktenzeichen=a, reason=r) for a, r in report.skipped],
    )


def handled_out(handled: Handled) -> HandledOut:
    return HandledOut(
        file=handled.file_name,
        process_id=handled.process_id,
        message_type=handled.message_type,
        accepted=handled.accepted,
        detail=handled.detail,
    )


def poll_out(report: PollReport) -> PollOut:
    return PollOut(messages=[handled_out(m) for m in report.messages], advanced=report.advanced)


def process_out(summary: ProcessSummary) -> ProcessOut:
    p = summary.process
    return ProcessOut(
        id=p.id,
        flow=p.flow,
        status=p.status,
        waived=p.waived,
        xdomea_version=p.xdomea_version,
        items=summary.states,
        akten=summary.akten,
        open_alerts=summary.open_alerts,
        approval_required=p.approval_required,
        awaiting_approval=summary.awaiting_approval,
        approved_at=p.approved_at,
        approved_by=p.approved_by,
        created_at=p.created_at,
        created_by=p.created_by,
        offer_sent_at=p.offer_sent_at,
        appraisal_received_at=p.appraisal_received_at,
        transfer_sent_at=p.transfer_sent_at,
        transfer_received_at=p.transfer_received_at,
        import_confirmed_at=p.import_confirmed_at,
        completed_at=p.completed_at,
        cancelled_at=p.cancelled_at,
        cancelled_by=p.cancelled_by,
        cancel_reason=p.cancel_reason,
        url=process_url(p.id),
    )


def akte_in_process_out(row: AkteInProcess) -> AkteInProcessOut:
    akte, item = row.akte, row.item
    return AkteInProcessOut(
        akte_id=akte.id,
        aktenzeichen=akte.aktenzeichen,
        title=akte.title,
        code=akte.file_plan_code,
        retention_until=akte.retention_until,
        xdomea_id=item.xdomea_id,
        agency_value=item.agency_value,
        archive_value=item.archive_value,
        state=item.state,
        archive_signature=item.archive_signature,
        result_message=item.result_message,
        documents=row.documents,
        disposed_at=akte.disposed_at,
    )


def message_out(message: ArchiveMessage) -> MessageOut:
    url = None
    if message.object_id is not None and message.process_id is not None:
        url = f"{process_url(message.process_id)}/messages/{message.id}"
    return MessageOut(
        id=message.id,
        message_type=message.message_type,
        direction=message.direction,
        file_name=message.file_name,
        sha256=message.sha256,
        size=message.size,
        accepted=message.accepted,
        error=message.error,
        at=message.at,
        delivered_at=message.delivered_at,
        url=url,
    )


def alert_out(alert: ArchiveAlert) -> AlertOut:
    return AlertOut(
        id=alert.id,
        process_id=alert.process_id,
        kind=alert.kind,
        message=alert.message,
        raised_at=alert.raised_at,
        resolved_at=alert.resolved_at,
    )


def certificate_out(certificate: DestructionCertificate) -> CertificateOut:
    base = f"{ARCHIVE}/certificates/{certificate.id}"
    return CertificateOut(
        id=certificate.id,
        number=certificate.number,
        process_id=certificate.process_id,
        reason=certificate.reason,
        akten=certificate.akten,
        documents=certificate.documents,
        approved_by=certificate.approved_by,
        created_at=certificate.created_at,
        pdf_url=f"{base}/pdf",
        json_url=f"{base}/json",
    )


def process_detail_out(detail: ProcessDetail) -> ProcessDetailOut:
    return ProcessDetailOut(
        **process_out(detail.summary).model_dump(),
        akten_list=[akte_in_process_out(row) for row in detail.akten],
        messages=[message_out(m) for m in detail.messages],
        alerts=[alert_out(a) for a in detail.alerts],
        certificates=[certificate_out(c) for c in detail.certificates],
    )
