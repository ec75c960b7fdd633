"""What a records manager (or auditor) reads about processes, certificates and alerts.

A process is visible with at least one Akte the caller can see; its Akten list only the
visible ones.  Reading a stored message or certificate is audited like any content read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import akte_visible
from services.archive.processes import get_process
from services.audit.trail import record_event
from services.db.models import (
    Akte,
    ArchiveAlert,
    ArchiveMessage,
    ArchiveProcess,
    ArchiveProcessItem,
    DestructionCertificate,
    ItemKind,
    StoredObject,
)
from services.db.pagination import Page, paginate
from services.errors import NotFoundError
from services.ports import BlobStore, Clock


@dataclass(frozen=True)
class ProcessSummary:
    process: ArchiveProcess
    states: dict[str, int]
    """Items (Akten, Vorgänge, documents) per state."""
    akten: int
    open_alerts: int

    @property
    def awaiting_approval(self) -> bool:
        p = self.process
        return bool(self.states.get("to_destroy")) and p.approval_required and p.approved_at is None


@dataclass(frozen=True)
class AkteInProcess:
    akte: Akte
    item: ArchiveProcessItem
    documents: int


@dataclass(frozen=True)
class ProcessDetail:
    summary: ProcessSummary
    akten: list[AkteInProcess]
    messages: list[ArchiveMessage]
    alerts: list[ArchiveAlert]
    certificates: list[DestructionCertificate]


class CertificateFormat(StrEnum):
    PDF = "pdf"
    JSON = "json"


def list_processes(
    session: Session, scope: Scope, *, limit: int, offset: int, running_only: bool = False
) -> Page[ProcessSummary]:
    visible = exists().where(
        ArchiveProcessItem.process_id == ArchiveProcess.id,
        ArchiveProcessItem.akte_id == Akte.id,
        akte_visible(scope),
    )
    query = select(ArchiveProcess).where(visible).order_by(ArchiveProcess.created_at.desc())
    if running_only:
        query = query.where(
            ArchiveProcess.completed_at.is_(None), ArchiveProcess.cancelled_at.is_(None)
        )
    page = paginate(session, query, limit=limit, offset=offset)
    return Page(
        items=[summarize(session, scope, process) for process in page.items],
        total=page.total,
        limit=limit,
        offset=offset,
    )


def summarize(session: Session, scope: Scope, process: ArchiveProcess) -> ProcessSummary:
    rows = session.execute(
        select(ArchiveProcessItem.kind, ArchiveProcessItem.state)
        .join(Akte, Akte.id == ArchiveProcessItem.akte_id)
        .where(ArchiveProcessItem.process_id == process.id, akte_visible(scope))
    ).all()
    states = Counter(state for _kind, state in rows)
    akten = sum(1 for kind, _state in rows if kind == ItemKind.AKTE)
    alerts = session.scalars(
        select(ArchiveAlert.id).where(
            ArchiveAlert.process_id == process.id, ArchiveAlert.resolved_at.is_(None)
        )
    ).all()
    return ProcessSummary(process, dict(states), akten, len(alerts))


def process_detail(session: Session, scope: Scope, process_id: str) -> ProcessDetail:
    process = get_process(session, scope, process_id)
    akte_items = session.execute(
        select(Akte, ArchiveProcessItem)
        .join(ArchiveProcessItem, ArchiveProcessItem.akte_id == Akte.id)
        .where(
            ArchiveProcessItem.process_id == process_id,
            ArchiveProcessItem.kind == ItemKind.AKTE,
            akte_visible(scope),
        )
        .order_by(Akte.aktenzeichen)
    ).all()
    documents = Counter(
        session.scalars(
            select(ArchiveProcessItem.akte_id).where(
                ArchiveProcessItem.process_id == process_id,
                ArchiveProcessItem.kind == ItemKind.DOCUMENT,
            )
        )
    )
    return ProcessDetail(
        summary=summarize(session, scope, process),
        akten=[AkteInProcess(akte, item, documents[akte.id]) for akte, item in akte_items],
        messages=list(
            session.scalars(
                select(ArchiveMessage)
                .where(ArchiveMessage.process_id == process_id)
                .order_by(ArchiveMessage.at, ArchiveMessage.id)
            )
        ),
        alerts=list(
            session.scalars(
                select(ArchiveAlert)
                .where(ArchiveAlert.process_id == process_id)
                .order_by(ArchiveAlert.raised_at.desc())
            )
        ),
        certificates=list(
            session.scalars(
                select(DestructionCertificate)
                .where(DestructionCertificate.process_id == process_id)
                .order_by(DestructionCertificate.created_at)
            )
        ),
    )


def open_alerts(session: Session, scope: Scope, *, limit: int, offset: int) -> Page[ArchiveAlert]:
    visible = select(ArchiveProcess.id).where(
        exists().where(
            ArchiveProcessItem.process_id == ArchiveProcess.id,
            ArchiveProcessItem.akte_id == Akte.id,
            akte_visible(scope),
        )
    )
    query = (
        select(ArchiveAlert)
        .where(
            ArchiveAlert.resolved_at.is_(None),
            (ArchiveAlert.process_id.is_(None)) | ArchiveAlert.process_id.in_(visible),
        )
        .order_by(ArchiveAlert.raised_at.desc())
    )
    return paginate(session, query, limit=limit, offset=offset)


def list_certificates(session: Session, *, limit: int, offset: int) -> Page[DestructionCertificate]:
    """Every certificate: they outlive their Akten and are read by auditors of every unit."""
    query = select(DestructionCertificate).order_by(DestructionCertificate.created_at.desc())
    return paginate(session, query, limit=limit, offset=offset)


def certificate_content(
    session: Session,
    store: BlobStore,
    scope: Scope,
    certificate_id: str,
    kind: CertificateFormat,
    *,
    clock: Clock,
) -> tuple[DestructionCertificate, bytes]:
    certificate = session.get(DestructionCertificate, certificate_id)
    if certificate is None:
        raise NotFoundError(f"destruction certificate {certificate_id} does not exist")
    object_id = (
        certificate.pdf_object_id if kind == CertificateFormat.PDF else certificate.json_object_id
    )
    stored = session.get(StoredObject, object_id)
    assert stored is not None
    data = store.get(stored.blob_key, stored.version_id)
    record_event(
        session,
        actor=scope.actor,
        action="certificate.read",
        object_type="destruction_certificate",
        object_id=certificate.id,
        details={"format": kind.value, "number": certificate.number},
        clock=clock,
    )
    return certificate, data


def message_content(
    session: Session,
    store: BlobStore,
    scope: Scope,
    process_id: str,
    message_id: int,
    *,
    clock: Clock,
) -> tuple[ArchiveMessage, bytes]:
    get_process(session, scope, process_id)
    message = session.get(ArchiveMessage, message_id)
    if message is None or message.process_id != process_id or message.object_id is None:
        raise NotFoundError(f"process {process_id} has no stored message {message_id}")
    stored = session.get(StoredObject, message.object_id)
    assert stored is not None
    data = store.get(stored.blob_key, stored.version_id)
    record_event(
        session,
        actor=scope.actor,
        action="archive.message_read",
        object_type="archive_process",
        object_id=process_id,
        details={"message": message.file_name, "sha256": message.sha256},
        clock=clock,
    )
    return message, data
