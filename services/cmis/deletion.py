"""deleteObject and deleteTree, within what records management allows.

A document is deleted only as eakte destroys documents
(:func:`services.storage.disposition.destroy_document`): after its retention end and
never under legal hold, whoever asks (``constraint``, 409, for admins too); a tombstone
remains.  Folders and Vorgänge go when they are empty, Akten when nothing was ever
filed, opened, shared or suggested in them.  Deleting a working copy cancels the
check-out.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.trail import record_event
from services.cmis import queries
from services.cmis.errors import CmisError, Constraint
from services.cmis.folders import (
    Place,
    delete_record_folder,
    forget_custom,
    live_content_count,
    place_of_folder,
    require_write,
)
from services.cmis.ids import akte_object_id, folder_object_id, vorgang_object_id
from services.cmis.model import CmisContext
from services.cmis.resolve import (
    Resolved,
    ResolvedAkte,
    ResolvedFolder,
    ResolvedPwc,
    ResolvedVersion,
    ResolvedVorgang,
    resolve,
    resolve_folder,
)
from services.cmis.versioning import cancel_check_out
from services.db.models import (
    AkteShare,
    ClassificationResult,
    Document,
    RecordFolder,
    Vorgang,
)
from services.errors import EAkteError
from services.storage.disposition import destroy_document


def delete_object(ctx: CmisContext, object_id: str, *, all_versions: bool) -> None:
    resolved = resolve(ctx, object_id)
    if isinstance(resolved, ResolvedPwc):
        cancel_check_out(ctx, object_id)
    elif isinstance(resolved, ResolvedVersion):
        _delete_document(ctx, resolved, all_versions=all_versions)
    elif isinstance(resolved, ResolvedFolder):
        require_write(ctx.scope, resolved.akte)
        place_of_folder(ctx.session, resolved.folder, resolved.akte).ensure_open()
        delete_record_folder(
            ctx.session, resolved.folder, resolved.akte, actor=ctx.scope.actor, clock=ctx.clock
        )
    elif isinstance(resolved, ResolvedVorgang):
        _delete_vorgang(ctx, resolved)
    elif isinstance(resolved, ResolvedAkte):
        _delete_akte(ctx, resolved)
    else:
        raise Constraint("the root and the file plan cannot be deleted")


def delete_tree(
    ctx: CmisContext, folder_id: str, *, all_versions: bool, continue_on_failure: bool
) -> list[str]:
    """Delete a folder and everything below it, deepest first; the ids that stayed.

    Each object goes in its own savepoint.  A folder whose content could not all be
    deleted stays too (it is not empty); without ``continue_on_failure`` the first
    failure ends the work.
    """
    root = resolve_folder(ctx, folder_id)
    if not isinstance(root, ResolvedAkte | ResolvedVorgang | ResolvedFolder):
        raise Constraint("the root and the file plan cannot be deleted")
    failed: list[str] = []
    for object_id in _post_order(ctx, root):
        try:
            with ctx.session.begin_nested():
                delete_object(ctx, object_id, all_versions=all_versions)
        except (CmisError, EAkteError):
            failed.append(object_id)
            if not continue_on_failure:
                break
    return failed


def _delete_document(ctx: CmisContext, resolved: ResolvedVersion, *, all_versions: bool) -> None:
    document = resolved.document
    ctx.scope.require(Permission.MANAGE_RETENTION)
    if not all_versions and document.current_version > 1:
        raise Constraint("eakte destroys a document with all its versions (allVersions=true)")
    if resolved.checkout is not None:
        raise Constraint("the document is checked out; cancel the check-out first")
    destroy_document(
        ctx.session,
        ctx.search,
        document,
        reason="CMIS deleteObject",
        actor=ctx.scope.actor,
        clock=ctx.clock,
        settings=ctx.settings,
    )
    forget_custom(ctx.session, f"document:{document.id}")


def _delete_vorgang(ctx: CmisContext, resolved: ResolvedVorgang) -> None:
    vorgang, akte = resolved.vorgang, resolved.akte
    require_write(ctx.scope, akte)
    Place(akte).ensure_open()
    if live_content_count(ctx.session, vorgang=vorgang):
        raise Constraint(f"Vorgang {vorgang.number} is not empty")
    # Tombstones of documents destroyed in it stay in the Akte.
    ctx.session.execute(
        update(Document)
        .where(Document.vorgang_id == vorgang.id)
        .values(vorgang_id=None, folder_id=None)
        .execution_options(synchronize_session="fetch")
    )
    forget_custom(ctx.session, f"vorgang:{vorgang.id}")
    details = {"via": "cmis", "akte": akte.aktenzeichen, "number": vorgang.number}
    ctx.session.delete(vorgang)
    ctx.session.flush()
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action="cmis.deleted",
        object_type="vorgang",
        object_id=vorgang.id,
        details=details,
        clock=ctx.clock,
    )


def _delete_akte(ctx: CmisContext, resolved: ResolvedAkte) -> None:
    """Only an Akte opened by mistake: nothing in it, never shared or suggested."""
    akte = resolved.akte
    require_write(ctx.scope, akte)
    if akte.legal_hold:
        raise Constraint(f"Akte {akte.aktenzeichen} is on legal hold")
    session = ctx.session
    uses = (
        select(func.count()).select_from(Document).where(Document.akte_id == akte.id),
        select(func.count()).select_from(Vorgang).where(Vorgang.akte_id == akte.id),
        select(func.count()).select_from(RecordFolder).where(RecordFolder.akte_id == akte.id),
        select(func.count()).select_from(AkteShare).where(AkteShare.akte_id == akte.id),
        select(func.count())
        .select_from(ClassificationResult)
        .where(ClassificationResult.akte_id == akte.id),
    )
    if any(session.scalar(query) for query in uses):
        raise Constraint(
            f"Akte {akte.aktenzeichen} is not empty (documents, Vorgänge, folders, shares "
            "or classification results refer to it); close it instead"
        )
    forget_custom(session, f"akte:{akte.id}")
    details = {"via": "cmis", "aktenzeichen": akte.aktenzeichen, "title": akte.title}
    session.delete(akte)
    session.flush()
    record_event(
        session,
        actor=ctx.scope.actor,
        action="cmis.deleted",
        object_type="akte",
        object_id=akte.id,
        details=details,
        clock=ctx.clock,
    )


def _post_order(ctx: CmisContext, root: Resolved) -> list[str]:
    """Object ids of ``root``'s subtree, every object after what it holds, ``root`` last."""
    session, scope = ctx.session, ctx.scope
    ordered: list[str] = []

    def visit(place: queries.Place, own_id: str, vorgaenge: list[Vorgang]) -> None:
        for vorgang in vorgaenge:
            visit(queries.Place(place.akte_id, vorgang.id), vorgang_object_id(vorgang.id), [])
        for folder in folders_in(session, place):
            visit(
                queries.Place(place.akte_id, folder.vorgang_id, folder.id),
                folder_object_id(folder.id),
                [],
            )
        ordered.extend(document_ids_in(session, scope, place))
        ordered.append(own_id)

    if isinstance(root, ResolvedAkte):
        akte = root.akte
        visit(queries.Place(akte.id), akte_object_id(akte.id), list(akte.vorgaenge))
    elif isinstance(root, ResolvedVorgang):
        visit(queries.Place(root.akte.id, root.vorgang.id), vorgang_object_id(root.vorgang.id), [])
    elif isinstance(root, ResolvedFolder):
        folder = root.folder
        place = queries.Place(root.akte.id, folder.vorgang_id, folder.id)
        visit(place, folder_object_id(folder.id), [])
    return ordered


def folders_in(session: Session, place: queries.Place) -> list[RecordFolder]:
    """The folders directly in a place (all visible with their Akte)."""
    query = select(RecordFolder)
    if place.folder_id is not None:
        query = query.where(RecordFolder.parent_id == place.folder_id)
    else:
        query = query.where(RecordFolder.akte_id == place.akte_id, RecordFolder.parent_id.is_(None))
        query = query.where(
            RecordFolder.vorgang_id == place.vorgang_id
            if place.vorgang_id is not None
            else RecordFolder.vorgang_id.is_(None)
        )
    return list(session.scalars(query.order_by(RecordFolder.created_at, RecordFolder.id)))


def document_ids_in(session: Session, scope: Scope, place: queries.Place) -> list[str]:
    """The visible, not destroyed documents directly in a place (series ids)."""
    query = select(Document.id).where(
        Document.akte_id == place.akte_id, queries.cmis_document_visible(scope)
    )
    if place.folder_id is not None:
        query = query.where(Document.folder_id == place.folder_id)
    else:
        query = query.where(Document.folder_id.is_(None))
        query = query.where(
            Document.vorgang_id == place.vorgang_id
            if place.vorgang_id is not None
            else Document.vorgang_id.is_(None)
        )
    return list(session.scalars(query.order_by(Document.created_at, Document.id)))
