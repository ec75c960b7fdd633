"""The use cases a records manager (or the scheduled job) runs: offer, poll, approve, cancel.

Each step commits what it decided before anything leaves for the archive, and every
outgoing message is written under a temporary name and renamed only after its record
is committed (:mod:`services.archive.outbox`): a crash at any point is resumed by the
next run, and nothing is sent twice or destroyed early.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from services.access.roles import Permission
from services.access.scope import Scope
from services.archive import inbox, outbox
from services.archive.context import ArchiveContext
from services.archive.disposal import dispose
from services.archive.offer import plan_offer, start_process
from services.archive.processes import get_process, items_of, settle
from services.archive.read_only import acting_for_process
from services.archive.run_lock import archive_run
from services.archive.timeouts import check_overdue
from services.archive.xdomea.model import MessageType
from services.archive.xdomea.schema import check_schema_dir
from services.audit.trail import SYSTEM_ACTOR, record_event
from services.db.models import Akte, ArchiveProcess, ItemKind, ItemState, ProcessStatus
from services.db.session import unit_of_work
from services.errors import ConflictError, InvalidInputError


@dataclass
class OfferReport:
    processes: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)
    """Aktenzeichen offered (four-step) or transferred/appraised at once (two-step)."""
    waived: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PollReport:
    messages: list[inbox.Handled] = field(default_factory=list)
    advanced: list[str] = field(default_factory=list)
    """Processes that sent something or destroyed something in this run."""


def offer(context: ArchiveContext, scope: Scope) -> OfferReport:
    """Start a process with everything due and not yet offered (and one for waived codes)."""
    scope.require(Permission.MANAGE_RETENTION)
    settings = context.settings.archive
    check_schema_dir(settings.schema_dir, settings.xdomea_version)
    with archive_run(context):
        return _offer(context, scope)


def _offer(context: ArchiveContext, scope: Scope) -> OfferReport:
    settings = context.settings.archive
    report = OfferReport()
    with unit_of_work(context.factory) as session:
        plan = plan_offer(session, scope, settings, today=context.clock.now().date())
        report.skipped = [(due.akte.aktenzeichen, reason) for due, reason in plan.skipped]
        for akten, waived in ((plan.waived, True), (plan.offered, False)):
            if not akten:
                continue
            process = start_process(
                session,
                akten,
                flow=settings.flow,
                waived=waived,
                settings=settings,
                actor=scope.actor,
                clock=context.clock,
            )
            report.processes.append(process.id)
            names = [due.akte.aktenzeichen for due in akten]
            (report.waived if waived else report.offered).extend(names)
    for process_id in report.processes:
        advance(context, process_id, actor=scope.actor)
    return report


def advance(context: ArchiveContext, process_id: str, *, actor: str) -> bool:
    """Do what the process can do now without the archive; True if anything happened."""
    outbox.deliver_pending(context, process_id)
    with unit_of_work(context.factory, write=False) as session:
        process = session.get(ArchiveProcess, process_id)
        assert process is not None
        status = ProcessStatus(process.status)
        to_transfer = bool(items_of(session, process_id, states=[ItemState.TO_TRANSFER]))
        sent = outbox.sent_types(session, process_id)
        receipt_due = process.receipt_requested
    acted = False
    if not status.running:
        return acted
    if status == ProcessStatus.OFFERED and MessageType.OFFER not in sent:
        outbox.send_offer_message(context, process_id, actor=actor)
        acted = True
    if receipt_due and MessageType.APPRAISAL_RECEIVED not in sent:
        outbox.send_receipt_message(context, process_id, actor=actor)
        acted = True
    if status == ProcessStatus.APPRAISED and to_transfer and MessageType.TRANSFER not in sent:
        outbox.send_transfer_message(context, process_id, actor=actor)
        acted = True
    return _destroy_ready(context, process_id, actor=actor) or acted


def _destroy_ready(context: ArchiveContext, process_id: str, *, actor: str) -> bool:
    """Destroy what is approved (or needs no approval) and what the archive confirmed."""
    acted = False
    with unit_of_work(context.factory) as session:
        acting_for_process(session)
        process = session.get(ArchiveProcess, process_id)
        assert process is not None
        approved = process.approved_at is not None or not process.approval_required
        if approved and items_of(session, process_id, states=[ItemState.TO_DESTROY]):
            acted = (
                dispose(session, process, ItemState.TO_DESTROY, actor=actor, context=context)
                is not None
                or acted
            )
        if items_of(session, process_id, states=[ItemState.ARCHIVED]):
            acted = (
                dispose(session, process, ItemState.ARCHIVED, actor=actor, context=context)
                is not None
                or acted
            )
        settle(session, process, actor=actor, clock=context.clock)
    return acted


def poll(context: ArchiveContext, *, actor: str = SYSTEM_ACTOR) -> PollReport:
    """Read what the archive sent, act on it, write the replies; the scheduled job's run."""
    with archive_run(context):
        return _poll(context, actor=actor)


def _poll(context: ArchiveContext, *, actor: str) -> PollReport:
    report = PollReport()
    for process_id in _running(context):
        outbox.deliver_pending(context, process_id)
    report.messages = inbox.read_incoming(context, actor=actor)
    for process_id in _running(context):
        if advance(context, process_id, actor=actor):
            report.advanced.append(process_id)
    with unit_of_work(context.factory) as session:
        check_overdue(session, context, actor=actor)
    return report


def _running(context: ArchiveContext) -> list[str]:
    with unit_of_work(context.factory, write=False) as session:
        return list(
            session.scalars(
                select(ArchiveProcess.id)
                .where(ArchiveProcess.status.in_([s.value for s in ProcessStatus if s.running]))
                .order_by(ArchiveProcess.created_at)
            )
        )


def approve(context: ArchiveContext, scope: Scope, process_id: str) -> ArchiveProcess:
    """A records manager approves the process's destruction list; it is carried out now."""
    scope.require(Permission.MANAGE_RETENTION)
    with archive_run(context):
        return _approve(context, scope, process_id)


def _approve(context: ArchiveContext, scope: Scope, process_id: str) -> ArchiveProcess:
    with unit_of_work(context.factory) as session:
        process = get_process(session, scope, process_id)
        if process.approved_at is not None:
            raise ConflictError(
                f"the destruction list of process {process_id} was approved already "
                f"by {process.approved_by}"
            )
        if process.status == ProcessStatus.OFFERED:
            raise ConflictError(
                f"process {process_id} waits for the archive's appraisal (0502); there is "
                "no destruction list to approve yet"
            )
        listed = items_of(session, process_id, states=[ItemState.TO_DESTROY], kind=ItemKind.AKTE)
        documents = items_of(
            session, process_id, states=[ItemState.TO_DESTROY], kind=ItemKind.DOCUMENT
        )
        if not listed and not documents:
            raise ConflictError(f"process {process_id} has nothing waiting to be destroyed")
        now = context.clock.now()
        process.approved_at = now
        process.approved_by = scope.actor
        process.updated_at = now
        record_event(
            session,
            actor=scope.actor,
            action="archive.destruction_approved",
            object_type="archive_process",
            object_id=process_id,
            details={"akten": len(listed), "documents": len(documents)},
            clock=context.clock,
        )
    advance(context, process_id, actor=scope.actor)
    with unit_of_work(context.factory, write=False) as session:
        return get_process(session, scope, process_id)


def cancel(
    context: ArchiveContext, scope: Scope, process_id: str, *, reason: str
) -> ArchiveProcess:
    """Stop a running process: everything not yet destroyed stays, the Akten are released.

    Replies that arrive for it later are refused.  After a 0503 left, the archive may
    hold copies; nothing here is deleted because of that.
    """
    scope.require(Permission.MANAGE_RETENTION)
    reason = reason.strip()
    if not reason:
        raise InvalidInputError("cancelling a process needs a reason")
    with archive_run(context), unit_of_work(context.factory) as session:
        acting_for_process(session)
        process = get_process(session, scope, process_id)
        if not ProcessStatus(process.status).running:
            raise ConflictError(f"process {process_id} has ended ({process.status})")
        kept = 0
        for item in items_of(session, process_id):
            if item.state not in (ItemState.DESTROYED, ItemState.FAILED, ItemState.KEPT):
                item.state = ItemState.KEPT
                kept += 1
        now = context.clock.now()
        status_before = process.status
        process.status = ProcessStatus.CANCELLED
        process.cancelled_at = now
        process.cancelled_by = scope.actor
        process.cancel_reason = reason
        process.updated_at = now
        session.execute(
            update(Akte)
            .where(Akte.transfer_process_id == process_id)
            .values(transfer_process_id=None)
        )
        record_event(
            session,
            actor=scope.actor,
            action="archive.process_cancelled",
            object_type="archive_process",
            object_id=process_id,
            details={"reason": reason, "items_kept": kept, "status_before": status_before},
            clock=context.clock,
        )
        return process
