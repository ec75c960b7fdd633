"""Acting on one reply of the archive, inside the transaction that records it.

Each reply must fit the state of its process: a 0502 only while the offer waits for
it (a second one is refused), a 0507 or 0506 only after our 0503 left, and a 0506 only
once.  A reply that does not fit changes nothing; the inbox records it as refused and
raises an alert.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.archive.alerts import raise_alert, resolve_alerts
from services.archive.context import ArchiveContext
from services.archive.decisions import ArchiveReplyError, apply_appraisal, apply_import_results
from services.archive.read_only import acting_for_process
from services.archive.timeouts import NO_APPRAISAL, NO_IMPORT_CONFIRMATION
from services.archive.xdomea.model import (
    AppraisalList,
    ImportConfirmation,
    MessageType,
    ReceivedMessage,
)
from services.audit.trail import record_event
from services.db.models import Akte, ArchiveProcess, ArchiveProcessItem, ItemKind, ProcessStatus

_AFTER_TRANSFER = (ProcessStatus.TRANSFER_SENT.value, ProcessStatus.TRANSFER_RECEIVED.value)


@dataclass(frozen=True)
class Applied:
    summary: str


def apply_reply(
    session: Session,
    process: ArchiveProcess,
    message: ReceivedMessage,
    *,
    actor: str,
    context: ArchiveContext,
) -> Applied:
    """Apply ``message`` to ``process``; raises :class:`ArchiveReplyError` if it does not fit."""
    acting_for_process(session)
    kind = message.header.message_type
    if not ProcessStatus(process.status).running:
        raise ArchiveReplyError(f"process {process.id} has ended ({process.status})")
    now = context.clock.now()
    clock = context.clock
    if kind == MessageType.OFFER_RECEIVED:
        if process.flow != "four-step" or process.offer_sent_at is None:
            raise ArchiveReplyError(f"process {process.id} sent no offer (0501) to confirm")
        return Applied("the archive received the offer")
    if kind == MessageType.APPRAISAL:
        assert isinstance(message, AppraisalList)
        if process.status != ProcessStatus.OFFERED:
            raise ArchiveReplyError(
                f"process {process.id} is not waiting for an appraisal ({process.status}); "
                "a second 0502 is not applied"
            )
        counts = apply_appraisal(session, process, message)
        process.status = ProcessStatus.APPRAISED
        process.appraisal_received_at = now
        process.receipt_requested = message.receipt_requested
        process.updated_at = now
        resolve_alerts(session, kind=NO_APPRAISAL, cause=process.id, actor=actor, clock=clock)
        record_event(
            session,
            actor=actor,
            action="archive.appraisal_received",
            object_type="archive_process",
            object_id=process.id,
            details={"items": counts},
            clock=clock,
        )
        return Applied(f"appraisal applied: {counts}")
    if kind == MessageType.TRANSFER_RECEIVED:
        if process.status not in _AFTER_TRANSFER:
            raise ArchiveReplyError(f"process {process.id} sent no 0503 to confirm")
        if process.status == ProcessStatus.TRANSFER_SENT:
            process.status = ProcessStatus.TRANSFER_RECEIVED
        process.transfer_received_at = now
        process.updated_at = now
        return Applied("the archive received the transfer (nothing is deleted before the 0506)")
    if kind == MessageType.IMPORT_CONFIRMED:
        assert isinstance(message, ImportConfirmation)
        if process.status not in _AFTER_TRANSFER or process.import_confirmed_at is not None:
            raise ArchiveReplyError(
                f"process {process.id} is not waiting for an import confirmation (0506)"
            )
        failed = apply_import_results(session, process, message)
        process.import_confirmed_at = now
        process.updated_at = now
        resolve_alerts(
            session, kind=NO_IMPORT_CONFIRMATION, cause=process.id, actor=actor, clock=clock
        )
        _alert_failed(session, process, failed, actor=actor, context=context)
        record_event(
            session,
            actor=actor,
            action="archive.import_confirmed",
            object_type="archive_process",
            object_id=process.id,
            details={
                "results": len(message.results),
                "failed": [item.xdomea_id for item in failed],
            },
            clock=clock,
        )
        return Applied(f"import confirmed; {len(failed)} item(s) not confirmed")
    raise ArchiveReplyError(f"eakte does not expect a {kind.value} from the archive")


def _alert_failed(
    session: Session,
    process: ArchiveProcess,
    failed: list[ArchiveProcessItem],
    *,
    actor: str,
    context: ArchiveContext,
) -> None:
    """One alert per topmost failed object (an Akte of 300 documents is one alert)."""
    failed_ids = {item.xdomea_id for item in failed}
    for item in failed:
        if item.parent_xdomea_id in failed_ids:
            continue
        akte = session.get(Akte, item.akte_id)
        assert akte is not None
        documents = sum(1 for other in failed if other.kind == ItemKind.DOCUMENT)
        what = "Akte" if item.kind == ItemKind.AKTE else item.kind
        raise_alert(
            session,
            process_id=process.id,
            kind="import_failed",
            message=(
                f"the archive did not confirm {what} {item.xdomea_id} of Akte "
                f"{akte.aktenzeichen}: {item.result_message}; it stays in eakte "
                f"({documents} document(s) not confirmed in this process)"
            ),
            cause=f"{process.id}:{item.xdomea_id}",
            actor=actor,
            clock=context.clock,
        )
