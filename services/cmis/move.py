"""moveObject: refiling a document, or moving a folder within its Akte.

A document moves like a refiling in eakte (:func:`services.records.filing.file_document`,
audited ``document.moved``), into any Akte, Vorgang or folder the caller may write; a
document on legal hold stays in its Akte.  Folders move only within their Akte; Akten
(their Aktenzeichen carries the plan code) and Vorgänge stay where they are.
"""

from __future__ import annotations

from services.audit.trail import record_event
from services.cmis.errors import Constraint, InvalidArgument
from services.cmis.folders import (
    Place,
    ensure_name_free,
    move_record_folder,
    place_in_folder,
    place_of_document,
    require_write,
)
from services.cmis.ids import parse_object_id
from services.cmis.model import CmisContext, CmisObject, OperationContext
from services.cmis.navigation import get_object, parent_id
from services.cmis.objects import object_id_of
from services.cmis.resolve import (
    ResolvedAkte,
    ResolvedFolder,
    ResolvedFolderLike,
    ResolvedPwc,
    ResolvedVersion,
    ResolvedVorgang,
    resolve,
    resolve_folder,
)
from services.db.models import FilingStatus
from services.records.filing import file_document
from services.storage.protection import is_held


def move_object(
    ctx: CmisContext, object_id: str, target_folder_id: str, source_folder_id: str | None
) -> CmisObject:
    resolved = resolve(ctx, object_id)
    target = resolve_folder(ctx, target_folder_id)
    if source_folder_id is not None and _same_id(source_folder_id) != parent_id(resolved):
        raise InvalidArgument("the object is not filed in the source folder given")
    if isinstance(resolved, ResolvedVersion | ResolvedPwc):
        _move_document(ctx, resolved, _place(ctx, target))
    elif isinstance(resolved, ResolvedFolder):
        require_write(ctx.scope, resolved.akte)
        place = _place(ctx, target)
        ensure_name_free(
            ctx.session, ctx.scope, place, resolved.folder.name, own_id=resolved.folder.id
        )
        move_record_folder(
            ctx.session, resolved.folder, place, actor=ctx.scope.actor, clock=ctx.clock
        )
    elif isinstance(resolved, ResolvedAkte | ResolvedVorgang):
        raise Constraint("Akten and Vorgänge stay where they were opened")
    else:
        raise Constraint("the root and the file plan cannot be moved")
    return get_object(ctx, object_id_of(resolved), OperationContext())


def _move_document(
    ctx: CmisContext, resolved: ResolvedVersion | ResolvedPwc, target: Place
) -> None:
    document = resolved.document
    if isinstance(resolved, ResolvedVersion) and not resolved.is_latest:
        raise Constraint("move the document through its latest version")
    require_write(ctx.scope, resolved.akte)
    require_write(ctx.scope, target.akte)
    source = place_of_document(ctx.session, document, resolved.akte)
    source.ensure_open()
    target.ensure_open()
    if target.akte.id != resolved.akte.id and is_held(document):
        raise Constraint("the document is on legal hold; it stays in its Akte")
    ensure_name_free(ctx.session, ctx.scope, target, document.title, own_id=document.id)
    previous_folder = document.folder_id
    file_document(
        ctx.session,
        document,
        target.akte,
        target.vorgang,
        status=FilingStatus.FILED,
        reason="CMIS moveObject",
        actor=ctx.scope.actor,
        clock=ctx.clock,
    )
    document.folder_id = target.folder.id if target.folder else None
    ctx.session.flush()
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action="cmis.moved",
        object_type="document",
        object_id=document.id,
        details={
            "via": "cmis",
            "from_folder_id": previous_folder,
            "to_folder_id": document.folder_id,
            "to": target.akte.aktenzeichen,
        },
        clock=ctx.clock,
    )


def _place(ctx: CmisContext, target: ResolvedFolderLike) -> Place:
    if isinstance(target, ResolvedAkte):
        return Place(target.akte)
    if isinstance(target, ResolvedVorgang):
        return Place(target.akte, target.vorgang)
    if isinstance(target, ResolvedFolder):
        return place_in_folder(ctx.session, target.folder, target.akte)
    raise Constraint("documents and folders are filed in an Akte, a Vorgang or a folder")


def _same_id(object_id: str) -> str:
    """An id as :func:`parent_id` writes it (uuids in lower case)."""
    parsed = parse_object_id(object_id)
    return object_id.strip() if parsed.kind.value in ("root", "plan") else object_id.strip().lower()
