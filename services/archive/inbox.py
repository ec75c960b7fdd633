"""Reading the archive's replies from the transfer directory and acting on them.

Each reply is extracted, schema-checked and read (:mod:`services.archive.transport`),
kept write-once and recorded in one transaction with what it changes.  A reply that is
broken, names no process of ours or does not fit its process changes nothing: it is
recorded as refused, raises an alert, moves to ``.eakte-refused/`` and gets a
``<name>.refused.txt`` beside where it was, saying why, for the archive's staff.
A reply seen again (same name and content) after a crash is not applied twice.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.archive.alerts import raise_alert
from services.archive.context import ArchiveContext
from services.archive.decisions import ArchiveReplyError
from services.archive.replies import Applied, apply_reply
from services.archive.transport import (
    MAX_REPLY_BYTES,
    IncomingMessage,
    extract_message,
    list_incoming,
)
from services.archive.xdomea.model import XdomeaMessageError
from services.archive.xdomea.read_replies import Reply, read_message
from services.audit.trail import record_event
from services.db.models import ArchiveMessage, ArchiveProcess, ObjectPurpose
from services.db.session import unit_of_work
from services.evidence.jobs import anchor_retention
from services.ports import Protection
from services.storage.objects import register_object

REFUSED = ".eakte-refused"


@dataclass(frozen=True)
class Handled:
    file_name: str
    process_id: str
    message_type: str
    accepted: bool
    detail: str


def read_incoming(context: ArchiveContext, *, actor: str) -> list[Handled]:
    transfer_dir = context.settings.archive_transfer_dir
    handled = []
    for incoming in list_incoming(transfer_dir, context.settings.archive.settle_seconds):
        handled.append(_handle(context, incoming, actor=actor))
    return handled


def _handle(context: ArchiveContext, incoming: IncomingMessage, *, actor: str) -> Handled:
    with tempfile.TemporaryDirectory(prefix="eakte-reply-") as work:
        reply: Reply | None = None
        error: str | None = None
        kept = incoming.path
        try:
            kept = extract_message(incoming, Path(work))
            reply = read_message(kept, context.settings.archive.schema_dir, incoming.message_type)
            if reply.header.process_id.lower() != incoming.process_id:
                raise XdomeaMessageError(
                    f"{incoming.path.name} carries ProzessID {reply.header.process_id}, "
                    f"its name {incoming.process_id}"
                )
        except XdomeaMessageError as refused:
            error = refused.detail
        digest, size = _hash(kept)
        with unit_of_work(context.factory) as session:
            if _seen(session, incoming.path.name, digest):
                result = Handled(
                    incoming.path.name,
                    incoming.process_id,
                    incoming.message_type.value,
                    True,
                    "already read",
                )
            else:
                result = _record(
                    session, context, incoming, reply, error, kept, digest, size, actor=actor
                )
    _clear(context, incoming, result)
    return result


def _record(
    session: Session,
    context: ArchiveContext,
    incoming: IncomingMessage,
    reply: Reply | None,
    error: str | None,
    kept: Path,
    digest: str,
    size: int,
    *,
    actor: str,
) -> Handled:
    process = session.get(ArchiveProcess, incoming.process_id)
    applied: Applied | None = None
    if error is None and process is None:
        error = f"ProzessID {incoming.process_id} names no archive process of eakte"
    if error is None and process is not None and reply is not None:
        savepoint = session.begin_nested()
        try:
            applied = apply_reply(session, process, reply, actor=actor, context=context)
            savepoint.commit()
        except ArchiveReplyError as refused:
            savepoint.rollback()
            error = refused.detail
    now = context.clock.now()
    stored_id = None
    if size <= MAX_REPLY_BYTES:
        retain_until = now + anchor_retention(context.settings)
        with kept.open("rb") as source:
            ref = context.store.put_file(
                source,
                sha256=digest,
                size=size,
                protection=Protection(retain_until=retain_until),
                content_type="application/xml" if kept.suffix == ".xml" else "application/zip",
            )
        stored_id = register_object(
            session,
            ref,
            media_type="application/xml" if kept.suffix == ".xml" else "application/zip",
            purpose=ObjectPurpose.ARCHIVE_MESSAGE,
            retain_until=retain_until,
            now=now,
        ).id
    session.add(
        ArchiveMessage(
            process_id=process.id if process is not None else None,
            claimed_process_id=incoming.process_id,
            message_type=incoming.message_type.value,
            direction="in",
            file_name=incoming.path.name,
            sha256=digest,
            size=size,
            object_id=stored_id,
            accepted=error is None,
            error=error,
            at=now,
        )
    )
    detail = applied.summary if applied is not None else str(error)
    record_event(
        session,
        actor=actor,
        action="archive.message_received" if error is None else "archive.message_refused",
        object_type="archive_process",
        object_id=process.id if process is not None else incoming.process_id,
        details={
            "message": incoming.message_type.value,
            "file": incoming.path.name,
            "sha256": digest,
            "detail": detail,
        },
        clock=context.clock,
    )
    if error is not None:
        raise_alert(
            session,
            process_id=process.id if process is not None else None,
            kind="message_refused",
            message=f"{incoming.path.name} was refused: {error}",
            cause=f"{incoming.path.name}:{digest[:16]}",
            actor=actor,
            clock=context.clock,
        )
    return Handled(
        incoming.path.name, incoming.process_id, incoming.message_type.value, error is None, detail
    )


def _seen(session: Session, name: str, digest: str) -> bool:
    return (
        session.scalar(
            select(ArchiveMessage.id).where(
                ArchiveMessage.direction == "in",
                ArchiveMessage.file_name == name,
                ArchiveMessage.sha256 == digest,
            )
        )
        is not None
    )


def _clear(context: ArchiveContext, incoming: IncomingMessage, result: Handled) -> None:
    """Take a read reply out of the directory (its copy is in the store)."""
    if result.accepted:
        incoming.path.unlink(missing_ok=True)
        return
    refused_dir = context.settings.archive_transfer_dir / REFUSED
    refused_dir.mkdir(parents=True, exist_ok=True)
    note = incoming.path.with_name(incoming.path.name + ".refused.txt")
    note.write_text(
        f"eakte refused {incoming.path.name}:\n{result.detail}\n"
        f"The message is kept in {REFUSED}/ and in eakte's process record.\n",
        encoding="utf-8",
    )
    shutil.move(incoming.path, refused_dir / incoming.path.name)


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
