"""Sending a message so that a crash never loses it and never sends it twice.

1. The zip is written (and its XML schema-checked) in a staging directory inside the
   transfer directory, under the final name; the archive does not look there.
2. The XML is kept write-once in the store and the message is recorded with the
   process's new state, in one transaction.
3. Only then is the zip renamed into the transfer directory (same file system: atomic)
   and marked delivered.

A crash before 2 leaves a stale staging file that the next attempt overwrites; a crash
between 2 and 3 is finished by :func:`deliver_pending` at the next run.  If the staged
zip is gone and the final one too, the archive has already taken it.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.archive.context import ArchiveContext
from services.archive.decisions import transfer_set
from services.archive.processes import items_of
from services.archive.read_only import acting_for_process
from services.archive.records import akte_record
from services.archive.transport import (
    SentMessage,
    message_name,
    send_appraisal_receipt,
    send_offer,
    send_transfer,
)
from services.archive.xdomea.model import AkteRecord, Header, MessageType, Party
from services.audit.trail import record_event
from services.db.models import (
    Akte,
    ArchiveMessage,
    ArchiveProcess,
    ArchiveProcessItem,
    ArchiveTransferFile,
    ItemKind,
    ItemState,
    ObjectPurpose,
    ProcessStatus,
)
from services.db.session import unit_of_work
from services.evidence.jobs import anchor_retention
from services.ports import BlobRef, Protection
from services.records.file_plans import active_plan
from services.storage.objects import register_object

STAGING = ".eakte-staging"
_BATCH = 1000


def staging_dir(context: ArchiveContext) -> Path:
    return context.settings.archive_transfer_dir / STAGING


def sent_types(session: Session, process_id: str) -> set[MessageType]:
    rows = session.scalars(
        select(ArchiveMessage.message_type).where(
            ArchiveMessage.process_id == process_id, ArchiveMessage.direction == "out"
        )
    )
    return {MessageType(code) for code in rows if code}


def header_for(context: ArchiveContext, process_id: str, kind: MessageType) -> Header:
    archive = context.settings.archive
    return Header(
        process_id=process_id,
        message_type=kind,
        created_at=context.clock.now(),
        sender=Party(archive.sender_authority_key, archive.sender_name),
        recipient=Party(archive.archive_authority_key, archive.archive_name),
    )


def send_offer_message(context: ArchiveContext, process_id: str, *, actor: str) -> None:
    """The 0501: every offered Akte with its Vorgänge and documents, metadata only."""
    header = header_for(context, process_id, MessageType.OFFER)
    _clear_stale(context, header)
    with unit_of_work(context.factory, write=False) as session:
        sent = send_offer(
            staging_dir(context),
            header,
            _records(session, context, process_id, with_files=False),
            context.settings.archive.schema_dir,
        )

    def record(session: Session, process: ArchiveProcess) -> None:
        process.offer_sent_at = header.created_at

    _commit_and_deliver(context, header, sent, actor=actor, on_record=record)


def send_receipt_message(context: ArchiveContext, process_id: str, *, actor: str) -> None:
    """The 0505: we received the archive's appraisal."""
    header = header_for(context, process_id, MessageType.APPRAISAL_RECEIVED)
    _clear_stale(context, header)
    sent = send_appraisal_receipt(staging_dir(context), header, context.settings.archive.schema_dir)
    _commit_and_deliver(context, header, sent, actor=actor, on_record=lambda _s, _p: None)


def send_transfer_message(context: ArchiveContext, process_id: str, *, actor: str) -> None:
    """The 0503: the items appraised A with every version's files."""
    header = header_for(context, process_id, MessageType.TRANSFER)
    _clear_stale(context, header)
    names: dict[str, tuple[str, int]] = {}
    with unit_of_work(context.factory, write=False) as session:
        records = _records(session, context, process_id, with_files=True)
        sent = send_transfer(
            staging_dir(context),
            header,
            _noting_files(records, names),
            context.settings.archive.schema_dir,
        )

    def record(session: Session, process: ArchiveProcess) -> None:
        _record_files(session, context, process, sent, names, actor=actor)
        session.execute(
            update(ArchiveProcessItem)
            .where(
                ArchiveProcessItem.process_id == process.id,
                ArchiveProcessItem.state == ItemState.TO_TRANSFER,
            )
            .values(state=ItemState.TRANSFERRED)
        )
        process.status = ProcessStatus.TRANSFER_SENT
        process.transfer_sent_at = header.created_at

    _commit_and_deliver(context, header, sent, actor=actor, on_record=record)


def deliver_pending(context: ArchiveContext, process_id: str) -> None:
    """Finish step 3 for messages recorded but not yet renamed into place."""
    with unit_of_work(context.factory) as session:
        pending = session.scalars(
            select(ArchiveMessage).where(
                ArchiveMessage.process_id == process_id,
                ArchiveMessage.direction == "out",
                ArchiveMessage.delivered_at.is_(None),
            )
        ).all()
        for message in pending:
            _publish(context, message.file_name)
            message.delivered_at = context.clock.now()


def _records(
    session: Session, context: ArchiveContext, process_id: str, *, with_files: bool
) -> Iterator[AkteRecord]:
    """One Akte at a time, so that memory stays bounded however large the process."""
    plan = active_plan(session)
    store = context.store if with_files else None
    akte_ids = session.scalars(
        select(ArchiveProcessItem.akte_id)
        .where(
            ArchiveProcessItem.process_id == process_id, ArchiveProcessItem.kind == ItemKind.AKTE
        )
        .order_by(ArchiveProcessItem.id)
    ).all()
    for akte_id in akte_ids:
        items = items_of(session, process_id, akte_id=akte_id)
        if with_files:
            items = transfer_set(items)
            if not items:
                continue
        akte = session.get(Akte, akte_id)
        assert akte is not None
        yield akte_record(session, akte, items, plan, store=store)
        session.expunge_all()


def _noting_files(
    records: Iterator[AkteRecord], names: dict[str, tuple[str, int]]
) -> Iterator[AkteRecord]:
    """Pass the records on, noting each file name's document and version number."""
    for record in records:
        documents = [*record.documents, *(d for v in record.vorgaenge for d in v.documents)]
        for document in documents:
            for version in document.versions:
                for file in version.files:
                    names[file.file_name] = (document.xdomea_id, version.number)
        yield record


def _record_files(
    session: Session,
    context: ArchiveContext,
    process: ArchiveProcess,
    sent: SentMessage,
    names: dict[str, tuple[str, int]],
    *,
    actor: str,
) -> None:
    """Every file's SHA-256 (xdomea carries none): rows in batches, one audit event per Akte.

    Plain rows, not ORM objects, so that memory does not grow with the process; the
    files come in Akte order, as the 0503 lists them.
    """
    items = {
        xdomea_id: (item_id, akte_id, document_id)
        for xdomea_id, item_id, akte_id, document_id in session.execute(
            select(
                ArchiveProcessItem.xdomea_id,
                ArchiveProcessItem.id,
                ArchiveProcessItem.akte_id,
                ArchiveProcessItem.document_id,
            ).where(
                ArchiveProcessItem.process_id == process.id,
                ArchiveProcessItem.kind == ItemKind.DOCUMENT,
            )
        )
    }
    rows: list[dict[str, object]] = []
    audited: list[dict[str, object]] = []
    current_akte: str | None = None

    def audit() -> None:
        if audited:
            record_event(
                session,
                actor=actor,
                action="archive.files_transferred",
                object_type="akte",
                object_id=str(current_akte),
                details={"process_id": process.id, "files": list(audited)},
                clock=context.clock,
            )
            audited.clear()

    for file in sent.files:
        xdomea_id, number = names[file.name]
        item_id, akte_id, document_id = items[xdomea_id]
        if akte_id != current_akte:
            audit()
            current_akte = akte_id
        rows.append(
            {
                "process_id": process.id,
                "item_id": item_id,
                "version_number": number,
                "file_name": file.name,
                "sha256": file.sha256,
                "size": file.size,
            }
        )
        audited.append(
            {
                "file": file.name,
                "document_id": document_id,
                "version": number,
                "sha256": file.sha256,
                "size": file.size,
            }
        )
        if len(rows) >= _BATCH:
            session.execute(insert(ArchiveTransferFile), rows)
            rows.clear()
    audit()
    if rows:
        session.execute(insert(ArchiveTransferFile), rows)


def _clear_stale(context: ArchiveContext, header: Header) -> None:
    """A staged zip without its record is left from a crash before step 2: write anew."""
    (staging_dir(context) / message_name(header.process_id, header.message_type)).unlink(
        missing_ok=True
    )


def _commit_and_deliver(
    context: ArchiveContext,
    header: Header,
    sent: SentMessage,
    *,
    actor: str,
    on_record: Callable[[Session, ArchiveProcess], None],
) -> None:
    name = sent.path.name
    now = context.clock.now()
    retain_until = now + anchor_retention(context.settings)
    ref = _keep_xml(context, sent, retain_until)
    with unit_of_work(context.factory) as session:
        acting_for_process(session)
        process = session.get(ArchiveProcess, header.process_id)
        assert process is not None
        stored = register_object(
            session,
            ref,
            media_type="application/xml",
            purpose=ObjectPurpose.ARCHIVE_MESSAGE,
            retain_until=retain_until,
            now=now,
        )
        session.add(
            ArchiveMessage(
                process_id=process.id,
                claimed_process_id=process.id,
                message_type=header.message_type.value,
                direction="out",
                file_name=name,
                sha256=sent.message.sha256,
                size=sent.message.size,
                object_id=stored.id,
                accepted=True,
                at=now,
            )
        )
        on_record(session, process)
        process.updated_at = now
        record_event(
            session,
            actor=actor,
            action="archive.message_sent",
            object_type="archive_process",
            object_id=process.id,
            details={
                "message": header.message_type.value,
                "file": name,
                "xml_sha256": sent.message.sha256,
                "files": len(sent.files),
            },
            clock=context.clock,
        )
    deliver_pending(context, header.process_id)


def _keep_xml(context: ArchiveContext, sent: SentMessage, retain_until: datetime) -> BlobRef:
    """The message's XML, write-once in the store.

    A function of its own, so that the zip's member list is freed before the records are
    written.
    """
    with zipfile.ZipFile(sent.path) as archive, archive.open(sent.message.name) as xml:
        return context.store.put_file(
            xml,
            sha256=sent.message.sha256,
            size=sent.message.size,
            protection=Protection(retain_until=retain_until),
            content_type="application/xml",
        )


def _publish(context: ArchiveContext, name: str) -> None:
    staged = staging_dir(context) / name
    if staged.exists():
        staged.replace(context.settings.archive_transfer_dir / name)
        _sync(context.settings.archive_transfer_dir)


def _sync(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
