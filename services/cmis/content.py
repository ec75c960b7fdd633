"""Content streams: reading them (whole or a range, audited) and the content writes.

Content never changes in place.  Setting or appending content on a document makes its
next (minor) version; on a private working copy it changes the copy, which becomes a
version at check-in.  Every new content is checked like a mail-room upload.  A document
always has content, so only a working copy's content can be deleted.  Appended chunks
are collected in a spool file below the data directory and checked as a whole when the
last chunk arrives: a part of a PDF is not a PDF.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from services.audit.trail import record_event
from services.backends.streams import check_range
from services.cmis.append_spool import discard_spools, live_spool, spool_path
from services.cmis.documents import (
    accept_content,
    add_labelled_version,
    next_label,
    register_content,
)
from services.cmis.errors import (
    Constraint,
    ContentAlreadyExists,
    ObjectNotFound,
    Versioning,
)
from services.cmis.folders import place_of_document, require_write
from services.cmis.ids import version_object_id
from services.cmis.model import (
    CmisContext,
    CmisObject,
    ContentStream,
    IncomingContent,
    OperationContext,
)
from services.cmis.navigation import get_object
from services.cmis.objects import object_id_of
from services.cmis.resolve import ResolvedPwc, ResolvedVersion, resolve_document
from services.cmis.update import check_change_token
from services.db.models import ObjectPurpose, StoredObject
from services.documents.streaming import content_filename, stream_content
from services.documents.versions import Part

RENDITION_STREAM = "pdfa"
"""The stream id of the searchable PDF/A rendition."""


def get_content_stream(
    ctx: CmisContext,
    object_id: str,
    stream_id: str | None,
    offset: int | None,
    length: int | None,
) -> ContentStream:
    """The content (or with ``stream_id`` ``pdfa`` the searchable PDF/A), audited."""
    resolved = resolve_document(ctx, object_id)
    if stream_id not in (None, "", RENDITION_STREAM):
        raise ObjectNotFound(f"no content stream {stream_id!r}")
    part = Part.RENDITION if stream_id == RENDITION_STREAM else Part.CONTENT
    checkout = resolved.checkout
    if isinstance(resolved, ResolvedPwc) and checkout is not None and checkout.content_changed:
        if part is Part.RENDITION:
            raise ObjectNotFound("a working copy has no rendition")
        return _pwc_stream(ctx, resolved, offset, length)
    streamed = stream_content(
        ctx.session,
        ctx.scope,
        ctx.store,
        resolved.document.id,
        resolved.version.number,
        part,
        offset=offset,
        length=length,
        clock=ctx.clock,
    )
    return ContentStream(
        mime_type=streamed.media_type,
        filename=streamed.filename,
        length=streamed.length,
        total_length=streamed.total_size,
        offset=streamed.offset,
        chunks=iter(streamed.chunks),
        close=streamed.close,
    )


def set_content_stream(
    ctx: CmisContext,
    object_id: str,
    content: IncomingContent,
    *,
    overwrite: bool,
    change_token: str | None,
) -> CmisObject:
    """New content: the next minor version of a document, or the working copy's content."""
    resolved = _writable(ctx, object_id)
    check_change_token(ctx, resolved, change_token)
    if isinstance(resolved, ResolvedPwc):
        checkout = resolved.checkout
        pwc_has_content = not checkout.content_changed or checkout.content_object_id is not None
        if pwc_has_content and not overwrite:
            raise ContentAlreadyExists("the working copy has content (overwrite not set)")
    elif not overwrite:
        raise ContentAlreadyExists("the document has content (overwrite not set)")
    discard_appended(ctx, resolved.document.id)
    return _new_content(ctx, resolved, content)


def append_content_stream(
    ctx: CmisContext, object_id: str, content: IncomingContent, *, is_last_chunk: bool
) -> CmisObject:
    """Append a chunk; with the last one the whole becomes new content (checked then)."""
    resolved = _writable(ctx, object_id)
    spool = spool_path(
        ctx.settings.data_dir, resolved.document.id, pwc=isinstance(resolved, ResolvedPwc)
    )
    if not live_spool(spool):
        _start_spool(ctx, resolved, spool)
    content.file.seek(0)
    with spool.open("ab") as target:
        shutil.copyfileobj(content.file, target)
    if not is_last_chunk:
        return get_object(ctx, object_id_of(resolved), OperationContext())
    try:
        with spool.open("rb") as whole:
            size = spool.stat().st_size
            return _new_content(
                ctx, resolved, IncomingContent(content.filename, content.mime_type, whole, size)
            )
    finally:
        spool.unlink(missing_ok=True)


def delete_content_stream(ctx: CmisContext, object_id: str, change_token: str | None) -> CmisObject:
    """Only a working copy's content can be deleted; a document keeps its content."""
    resolved = _writable(ctx, object_id)
    check_change_token(ctx, resolved, change_token)
    if not isinstance(resolved, ResolvedPwc):
        raise Constraint("eakte keeps every document's content; set new content instead")
    checkout = resolved.checkout
    checkout.content_object_id = None
    checkout.content_filename = None
    checkout.content_changed = True
    discard_appended(ctx, resolved.document.id)
    _record_pwc_change(ctx, resolved, None)
    return get_object(ctx, object_id_of(resolved), OperationContext())


def _writable(ctx: CmisContext, object_id: str) -> ResolvedVersion | ResolvedPwc:
    """The latest version or the working copy, writable by the caller, in an open Akte."""
    resolved = resolve_document(ctx, object_id)
    if isinstance(resolved, ResolvedVersion):
        if not resolved.is_latest:
            raise Constraint("an older version is immutable")
        if resolved.checkout is not None:
            raise Versioning("the document is checked out; change its working copy")
    require_write(ctx.scope, resolved.akte)
    place_of_document(ctx.session, resolved.document, resolved.akte).ensure_open()
    return resolved


def _new_content(
    ctx: CmisContext, resolved: ResolvedVersion | ResolvedPwc, content: IncomingContent
) -> CmisObject:
    accepted = accept_content(ctx.store, content, settings=ctx.settings, clock=ctx.clock)
    stored = register_content(
        ctx.session,
        accepted,
        purpose=ObjectPurpose.CONTENT,
        settings=ctx.settings,
        now=ctx.clock.now(),
    )
    document = resolved.document
    if isinstance(resolved, ResolvedPwc):
        resolved.checkout.content_object_id = stored.id
        resolved.checkout.content_filename = accepted.filename
        resolved.checkout.content_changed = True
        _record_pwc_change(ctx, resolved, stored)
        return get_object(ctx, object_id_of(resolved), OperationContext())
    label = next_label(resolved.label, major=False)
    add_labelled_version(
        ctx.session,
        document,
        stored,
        label=label,
        comment=None,
        filename=accepted.filename,
        actor=ctx.scope.actor,
        settings=ctx.settings,
        clock=ctx.clock,
    )
    new_id = version_object_id(document.id, label.major, label.minor)
    return get_object(ctx, new_id, OperationContext())


def _record_pwc_change(
    ctx: CmisContext, resolved: ResolvedPwc, stored: StoredObject | None
) -> None:
    resolved.document.updated_at = ctx.clock.now()
    ctx.session.flush()
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action="cmis.updated",
        object_type="document",
        object_id=resolved.document.id,
        details={
            "via": "cmis",
            "working_copy_content": stored.sha256 if stored is not None else None,
            "size": stored.size if stored is not None else None,
        },
        clock=ctx.clock,
    )


def _pwc_stream(
    ctx: CmisContext, resolved: ResolvedPwc, offset: int | None, length: int | None
) -> ContentStream:
    object_id = resolved.checkout.content_object_id
    stored = ctx.session.get(StoredObject, object_id) if object_id is not None else None
    if stored is None:
        raise Constraint("the working copy has no content")
    start = 0 if offset is None else offset
    readable = check_range(start, length, stored.size, "the content")
    chunks = ctx.store.open_range(stored.blob_key, stored.version_id, start, readable)
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action="content.read",
        object_type="document",
        object_id=resolved.document.id,
        details={"via": "cmis", "part": "working_copy", "sha256": stored.sha256},
        clock=ctx.clock,
    )
    return ContentStream(
        mime_type=stored.media_type,
        filename=resolved.checkout.content_filename
        or content_filename(resolved.document, Part.CONTENT, stored.media_type),
        length=readable,
        total_length=stored.size,
        offset=start,
        chunks=iter(chunks),
        close=chunks.close,
    )


def discard_appended(ctx: CmisContext, document_id: str) -> None:
    """Forget chunks appended without a last one (new content, check-in or cancel came)."""
    discard_spools(ctx.settings.data_dir, document_id)


def _start_spool(ctx: CmisContext, resolved: ResolvedVersion | ResolvedPwc, spool: Path) -> None:
    """The spool begins with the current content (none for an emptied working copy)."""
    spool.parent.mkdir(parents=True, exist_ok=True)
    stored: StoredObject | None = resolved.version.content
    if isinstance(resolved, ResolvedPwc) and resolved.checkout.content_changed:
        object_id = resolved.checkout.content_object_id
        stored = ctx.session.get(StoredObject, object_id) if object_id is not None else None
    with tempfile.NamedTemporaryFile(dir=spool.parent, delete=False) as partial:
        if stored is not None:
            chunks = ctx.store.open_range(stored.blob_key, stored.version_id, 0, None)
            try:
                for chunk in chunks:
                    partial.write(chunk)
            finally:
                chunks.close()
    Path(partial.name).replace(spool)
