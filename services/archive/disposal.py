"""Destroying what a process decided, with a certificate as proof.

Documents go through :func:`services.storage.disposition.destroy_document` (tombstone,
hashes, purge job; refused under a hold or before the retention end).  What it refuses
stays, with an alert.  An Akte is disposed of once all of its items are destroyed: its
subject keys go, its row remains as a tombstone naming the certificate.  Each run issues
one certificate (PDF and JSON, write-once for as long as the audit anchors), itself an
audited record.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from hashlib import sha256

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from file_plan.model import ArchiveValue
from services.archive.alerts import raise_alert, resolve_alerts
from services.archive.certificate import (
    DEFAULT_LEGAL_BASIS,
    Appraisal,
    AppraisalSource,
    Approval,
    DestroyedAkte,
    DestroyedDocument,
    DestructionReason,
    DestructionRecord,
    VersionDigest,
)
from services.archive.certificate_json import certificate_json
from services.archive.certificate_pdf import certificate_pdf
from services.archive.context import ArchiveContext
from services.archive.processes import items_of
from services.archive.read_only import acting_for_process
from services.archive.xdomea.model import Party
from services.audit.trail import record_event
from services.db.models import (
    Akte,
    AkteSubjectKey,
    ArchiveProcess,
    ArchiveProcessItem,
    DestructionCertificate,
    Document,
    DocumentTombstone,
    ItemKind,
    ItemState,
    ObjectPurpose,
    new_id,
)
from services.errors import RetentionViolationError
from services.evidence.jobs import anchor_retention
from services.ports import Protection
from services.records.file_plans import active_plan
from services.storage.disposition import destroy_document
from services.storage.objects import register_object


def dispose(
    session: Session,
    process: ArchiveProcess,
    ready: ItemState,
    *,
    actor: str,
    context: ArchiveContext,
) -> DestructionCertificate | None:
    """Destroy the process's items in state ``ready`` (to_destroy or archived)."""
    acting_for_process(session)
    reason = _reason(process, ready)
    items = items_of(session, process.id)
    by_akte: dict[str, list[ArchiveProcessItem]] = defaultdict(list)
    for item in items:
        by_akte[item.akte_id].append(item)
    destroyed: dict[str, list[DocumentTombstone]] = {}
    for akte_id, akte_items in by_akte.items():
        before = {item.id: item.state for item in akte_items}
        tombstones = _destroy_documents(session, process, akte_items, ready, reason, actor, context)
        _close_containers(akte_items, ready)
        if any(item.state != before[item.id] for item in akte_items):
            destroyed[akte_id] = tombstones
        _dispose_akte_if_gone(session, akte_id, akte_items, context)
    if not destroyed:
        return None
    return _certify(session, process, reason, destroyed, by_akte, actor, context)


def _reason(process: ArchiveProcess, ready: ItemState) -> DestructionReason:
    if ready == ItemState.ARCHIVED:
        return DestructionReason.TRANSFERRED
    if process.waived:
        return DestructionReason.OFFER_WAIVED
    if process.flow == "two-step":
        return DestructionReason.AGENCY_APPRAISED_V
    return DestructionReason.ARCHIVE_APPRAISED_V


def _destroy_documents(
    session: Session,
    process: ArchiveProcess,
    items: list[ArchiveProcessItem],
    ready: ItemState,
    reason: DestructionReason,
    actor: str,
    context: ArchiveContext,
) -> list[DocumentTombstone]:
    tombstones = []
    cause = f"{process.id}:{items[0].akte_id}"
    refusals = []
    for item in items:
        if item.kind != ItemKind.DOCUMENT or item.state != ready:
            continue
        document = session.get(Document, item.document_id)
        assert document is not None  # items reference documents by foreign key
        try:
            tombstone = destroy_document(
                session,
                context.search,
                document,
                reason=f"archive process {process.id}: {reason.label}",
                actor=actor,
                clock=context.clock,
                settings=context.settings,
            )
        except RetentionViolationError as refused:
            refusals.append(refused.detail)
            continue
        item.state = ItemState.DESTROYED
        item.destroyed_at = tombstone.destroyed_at
        tombstones.append(tombstone)
    if refusals:
        raise_alert(
            session,
            process_id=process.id,
            kind="destruction_refused",
            message=f"{len(refusals)} document(s) stay for now: {refusals[0]}",
            cause=cause,
            actor=actor,
            clock=context.clock,
        )
    elif tombstones:
        resolve_alerts(
            session, kind="destruction_refused", cause=cause, actor=actor, clock=context.clock
        )
    return tombstones


def _close_containers(items: list[ArchiveProcessItem], ready: ItemState) -> None:
    """A Vorgang or Akte item is destroyed when everything below it is."""
    by_id = {item.xdomea_id: item for item in items}
    children: dict[str, list[ArchiveProcessItem]] = defaultdict(list)
    for item in items:
        if item.parent_xdomea_id:
            children[item.parent_xdomea_id].append(item)

    def gone(item: ArchiveProcessItem) -> bool:
        if item.kind == ItemKind.DOCUMENT:
            return item.state == ItemState.DESTROYED
        return all(gone(child) for child in children[item.xdomea_id])

    for kind in (ItemKind.VORGANG, ItemKind.AKTE):
        for item in by_id.values():
            if item.kind == kind and item.state == ready and gone(item):
                item.state = ItemState.DESTROYED


def _dispose_akte_if_gone(
    session: Session, akte_id: str, items: list[ArchiveProcessItem], context: ArchiveContext
) -> None:
    if not all(item.state == ItemState.DESTROYED for item in items):
        return
    akte = session.get(Akte, akte_id)
    assert akte is not None
    if akte.disposed_at is None:
        now = context.clock.now()
        akte.disposed_at = now
        akte.updated_at = now
        session.execute(delete(AkteSubjectKey).where(AkteSubjectKey.akte_id == akte_id))
        session.expire(akte, ["subject_keys"])


def _certify(
    session: Session,
    process: ArchiveProcess,
    reason: DestructionReason,
    destroyed: dict[str, list[DocumentTombstone]],
    items: dict[str, list[ArchiveProcessItem]],
    actor: str,
    context: ArchiveContext,
) -> DestructionCertificate:
    now = context.clock.now()
    settings = context.settings
    plan = active_plan(session)
    record_akten = []
    for akte_id, tombstones in destroyed.items():
        akte = session.get(Akte, akte_id)
        assert akte is not None
        akte_item = next(i for i in items[akte_id] if i.kind == ItemKind.AKTE)
        titles = dict(
            session.execute(
                select(Document.id, Document.title).where(
                    Document.id.in_([t.document_id for t in tombstones])
                )
            ).all()
        )
        record_akten.append(
            DestroyedAkte(
                aktenzeichen=akte.aktenzeichen,
                title=akte.title,
                plan_code=akte.file_plan_code,
                plan_title=plan.get(akte.file_plan_code).title
                if akte.file_plan_code in plan
                else akte.file_plan_code,
                opened_on=akte.opened_at.date(),
                closed_on=akte.closed_at.date() if akte.closed_at else None,
                retention_until=akte.retention_until,
                appraisal=_appraisal(process, akte, akte_item),
                documents=tuple(
                    DestroyedDocument(
                        document_id=t.document_id,
                        title=titles.get(t.document_id, ""),
                        versions=tuple(_digest(v) for v in t.versions),
                    )
                    for t in tombstones
                ),
                akte_id=akte.id,
                archive_signature=akte_item.archive_signature,
            )
        )
    certificate_id = new_id()
    number = _next_number(session, now.date())
    record = DestructionRecord(
        certificate_id=certificate_id,
        number=number,
        authority=Party(settings.archive.sender_authority_key, settings.archive.sender_name),
        reason=reason,
        legal_basis=DEFAULT_LEGAL_BASIS[reason],
        destroyed_at=now,
        akten=tuple(record_akten),
        process_id=process.id,
        archive=Party(settings.archive.archive_authority_key, settings.archive.archive_name),
        approval=_approval(process, reason),
    )
    json_bytes = certificate_json(record)
    pdf_bytes = certificate_pdf(record)
    retain_until = now + anchor_retention(settings)
    stored = {}
    for name, data, media_type in (
        ("json", json_bytes, "application/json"),
        ("pdf", pdf_bytes, "application/pdf"),
    ):
        ref = context.store.put(
            data, protection=Protection(retain_until=retain_until), content_type=media_type
        )
        stored[name] = register_object(
            session,
            ref,
            media_type=media_type,
            purpose=ObjectPurpose.CERTIFICATE,
            retain_until=retain_until,
            now=now,
        )
    certificate = DestructionCertificate(
        id=certificate_id,
        number=number,
        process_id=process.id,
        reason=reason.value,
        akten=len(record_akten),
        documents=record.document_count,
        approved_by=record.approval.approver if record.approval else None,
        created_at=now,
        pdf_object_id=stored["pdf"].id,
        json_object_id=stored["json"].id,
    )
    session.add(certificate)
    session.flush()
    for akte_items in items.values():
        for item in akte_items:
            if item.state == ItemState.DESTROYED and item.certificate_id is None:
                item.certificate_id = certificate.id
    record_event(
        session,
        actor=actor,
        action="archive.records_destroyed",
        object_type="destruction_certificate",
        object_id=certificate.id,
        details={
            "number": number,
            "process_id": process.id,
            "reason": reason.value,
            "akten": [a.aktenzeichen for a in record_akten],
            "documents": record.document_count,
            "pdf_sha256": sha256(pdf_bytes).hexdigest(),
            "json_sha256": sha256(json_bytes).hexdigest(),
        },
        clock=context.clock,
    )
    return certificate


def _appraisal(process: ArchiveProcess, akte: Akte, item: ArchiveProcessItem) -> Appraisal:
    value = ArchiveValue(item.archive_value or ArchiveValue.DESTROY.value)
    plan_value = ArchiveValue(item.agency_value) if item.agency_value else None
    if process.flow == "four-step" and not process.waived:
        return Appraisal(value=value, source=AppraisalSource.ARCHIVE, plan_value=plan_value)
    if process.waived:
        return Appraisal(value=value, source=AppraisalSource.ARCHIVE, reason="Anbietungsverzicht")
    if akte.appraisal:
        return Appraisal(
            value=value,
            source=AppraisalSource.RECORDS_MANAGER,
            by=akte.appraised_by,
            reason=akte.appraisal_reason,
            appraised_at=akte.appraised_at,
            plan_value=ArchiveValue.APPRAISE,
        )
    return Appraisal(value=value, source=AppraisalSource.FILE_PLAN)


def _approval(process: ArchiveProcess, reason: DestructionReason) -> Approval | None:
    if reason == DestructionReason.TRANSFERRED or process.approved_at is None:
        return None
    return Approval(approver=process.approved_by or "-", approved_at=process.approved_at)


def _digest(version: dict[str, object]) -> VersionDigest:
    return VersionDigest(
        number=int(str(version["number"])),
        sha256=str(version["content_sha256"]),
        size=int(str(version["content_size"])),
        rendition_sha256=str(version["rendition_sha256"])
        if version.get("rendition_sha256")
        else None,
        rendition_size=int(str(version["rendition_size"]))
        if version.get("rendition_size")
        else None,
    )


def _next_number(session: Session, day: date) -> str:
    prefix = f"VP-{day.year}-"
    issued = session.scalar(
        select(func.count(DestructionCertificate.id)).where(
            DestructionCertificate.number.like(f"{prefix}%")
        )
    )
    return f"{prefix}{int(issued or 0) + 1:04d}"
