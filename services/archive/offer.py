"""Starting processes: what is due and not yet offered goes to the archive (or is waived).

Archive law obliges the town to offer everything it no longer needs before destroying
anything, so by default every due Akte is offered, whatever its plan value; only plan
codes whose offer the archive waived (Anbietungsverzicht) skip it.  In the two-step flow
eakte appraises itself: an Akte under plan value B waits until a records manager
appraised it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from file_plan.model import ArchiveValue
from services.access.scope import Scope
from services.archive.read_only import acting_for_process
from services.audit.trail import record_event
from services.db.models import (
    Akte,
    ArchiveProcess,
    ArchiveProcessItem,
    Document,
    ItemKind,
    ItemState,
    ProcessStatus,
    Vorgang,
)
from services.ports import Clock
from services.retention.disposition import DueForDisposition, disposition_due
from services.settings import ArchiveFlow, ArchiveSettings

_PAGE = 500


@dataclass
class OfferPlan:
    offered: list[DueForDisposition] = field(default_factory=list)
    waived: list[DueForDisposition] = field(default_factory=list)
    skipped: list[tuple[DueForDisposition, str]] = field(default_factory=list)
    """Due but not taken now, with the reason (e.g. B not yet appraised, two-step)."""


def plan_offer(
    session: Session, scope: Scope, settings: ArchiveSettings, *, today: date
) -> OfferPlan:
    """Sort the due Akten the caller can see into offered, waived and skipped."""
    plan = OfferPlan()
    waived_codes = set(settings.waived_codes)
    offset = 0
    while True:
        page = disposition_due(session, scope, today=today, limit=_PAGE, offset=offset)
        for due in page.items:
            reason = _not_now(due, settings)
            if reason:
                plan.skipped.append((due, reason))
            elif _waived(due.akte.file_plan_code, waived_codes):
                plan.waived.append(due)
            else:
                plan.offered.append(due)
        offset += _PAGE
        if offset >= page.total:
            return plan


def _not_now(due: DueForDisposition, settings: ArchiveSettings) -> str | None:
    if due.plan_value is None:
        return "the file plan gives no archive value for its code"
    if due.appraisal_pending and (
        settings.flow == ArchiveFlow.TWO_STEP
        or _waived(due.akte.file_plan_code, set(settings.waived_codes))
    ):
        return "plan value B is not appraised yet (PUT /api/v1/akten/{id}/appraisal)"
    return None


def _waived(code: str, waived_codes: set[str]) -> bool:
    """A waiver for a code covers its sub-codes (``122`` waives ``122.04``)."""
    return any(code == waived or code.startswith(f"{waived}.") for waived in waived_codes)


def start_process(
    session: Session,
    akten: list[DueForDisposition],
    *,
    flow: ArchiveFlow,
    waived: bool,
    settings: ArchiveSettings,
    actor: str,
    clock: Clock,
) -> ArchiveProcess:
    """A process with an item per Akte, Vorgang and live document; the Akten are locked.

    Four-step: everything ``offered``.  Two-step and waived: eakte's own value decides
    (A: ``to_transfer``, V: ``to_destroy``); a waived offer destroys everything.
    """
    acting_for_process(session)
    now = clock.now()
    process = ArchiveProcess(
        flow=flow.value,
        status=ProcessStatus.OFFERED
        if flow == ArchiveFlow.FOUR_STEP and not waived
        else ProcessStatus.APPRAISED,
        xdomea_version=settings.xdomea_version,
        waived=waived,
        approval_required=settings.approval_required,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    session.add(process)
    session.flush()
    for due in akten:
        decided = None
        if process.status != ProcessStatus.OFFERED:
            decided = ArchiveValue.DESTROY.value if waived else due.archive_value
        _add_items(session, process, due.akte, agency_value=due.archive_value, decided=decided)
        due.akte.transfer_process_id = process.id
    session.flush()
    record_event(
        session,
        actor=actor,
        action="archive.process_started",
        object_type="archive_process",
        object_id=process.id,
        details={
            "flow": process.flow,
            "waived": waived,
            "akten": [due.akte.aktenzeichen for due in akten],
        },
        clock=clock,
    )
    return process


def _add_items(
    session: Session,
    process: ArchiveProcess,
    akte: Akte,
    *,
    agency_value: str | None,
    decided: str | None,
) -> None:
    state = _state_for(decided)

    def item(kind: ItemKind, parent: str | None, **ids: str | None) -> ArchiveProcessItem:
        row = ArchiveProcessItem(
            process_id=process.id,
            kind=kind,
            akte_id=akte.id,
            parent_xdomea_id=parent,
            agency_value=agency_value,
            archive_value=decided,
            state=state,
            **ids,
        )
        session.add(row)
        session.flush()
        return row

    akte_item = item(ItemKind.AKTE, None)
    parents: dict[str | None, str] = {None: akte_item.xdomea_id}
    for vorgang in session.scalars(
        select(Vorgang).where(Vorgang.akte_id == akte.id).order_by(Vorgang.number)
    ):
        parents[vorgang.id] = item(
            ItemKind.VORGANG, akte_item.xdomea_id, vorgang_id=vorgang.id
        ).xdomea_id
    for document in session.scalars(
        select(Document)
        .where(Document.akte_id == akte.id, Document.disposed_at.is_(None))
        .order_by(Document.created_at, Document.id)
    ):
        item(ItemKind.DOCUMENT, parents[document.vorgang_id], document_id=document.id)


def _state_for(decided: str | None) -> ItemState:
    if decided is None:
        return ItemState.OFFERED
    return ItemState.TO_TRANSFER if decided == ArchiveValue.ARCHIVE else ItemState.TO_DESTROY
