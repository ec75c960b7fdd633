"""Folders below an Akte (Teilakte, Teilvorgang, plain folders) and where things are filed.

A :class:`RecordFolder` belongs to one Akte (access, closing and retention follow it)
and, below a Vorgang, to that Vorgang too.  Folders move only within their Akte: moving
one into another Akte would refile every document in it, which is refiling document by
document (with its own checks and audit events), not a folder operation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.trail import record_event
from services.cmis import queries
from services.cmis.errors import Constraint, InvalidArgument, NameConstraintViolation
from services.db.models import (
    Akte,
    AkteStatus,
    CmisObjectType,
    CmisPropertyValue,
    Document,
    FilingStatus,
    FolderKind,
    RecordFolder,
    Vorgang,
)
from services.ports import Clock
from services.records.filing import file_document


@dataclass(frozen=True)
class Place:
    """Where a document or folder lies: an Akte, perhaps a Vorgang of it, perhaps a folder."""

    akte: Akte
    vorgang: Vorgang | None = None
    folder: RecordFolder | None = None

    def ensure_open(self) -> None:
        """New content and folders only go into open Akten and Vorgänge (Constraint)."""
        if self.akte.status != AkteStatus.OPEN:
            raise Constraint(f"Akte {self.akte.aktenzeichen} is closed; reopen it first")
        if self.vorgang is not None and self.vorgang.status != AkteStatus.OPEN:
            raise Constraint(f"Vorgang {self.vorgang.number} of {self.akte.aktenzeichen} is closed")

    @property
    def ids(self) -> queries.Place:
        return queries.Place(
            self.akte.id,
            self.vorgang.id if self.vorgang else None,
            self.folder.id if self.folder else None,
        )


def require_write(scope: Scope, akte: Akte) -> None:
    """The REST API's checks for changing an Akte or anything in it (PermissionDenied)."""
    scope.require(Permission.MANAGE_RECORDS)
    scope.require_write_akte(akte)


def place_in_folder(session: Session, folder: RecordFolder, akte: Akte) -> Place:
    """The place inside ``folder`` (its Akte is already known to be visible)."""
    vorgang = session.get(Vorgang, folder.vorgang_id) if folder.vorgang_id else None
    return Place(akte=akte, vorgang=vorgang, folder=folder)


def place_of_folder(session: Session, folder: RecordFolder, akte: Akte) -> Place:
    """Where ``folder`` itself lies: in its parent folder, its Vorgang or its Akte."""
    parent = session.get(RecordFolder, folder.parent_id) if folder.parent_id else None
    vorgang = session.get(Vorgang, folder.vorgang_id) if folder.vorgang_id else None
    return Place(akte=akte, vorgang=vorgang, folder=parent)


def place_of_document(session: Session, document: Document, akte: Akte) -> Place:
    """Where a filed document lies now."""
    folder = session.get(RecordFolder, document.folder_id) if document.folder_id else None
    vorgang = session.get(Vorgang, document.vorgang_id) if document.vorgang_id else None
    return Place(akte=akte, vorgang=vorgang, folder=folder)


def check_name(name: str | None) -> str:
    """A usable cmis:name: not empty, no "/" (path separator)."""
    cleaned = (name or "").strip()
    if not cleaned:
        raise InvalidArgument("cmis:name is required")
    if "/" in cleaned:
        raise InvalidArgument(f"cmis:name must not contain '/': {cleaned!r}")
    if len(cleaned) > 500:
        raise InvalidArgument("cmis:name is longer than 500 characters")
    return cleaned


def ensure_name_free(
    session: Session, scope: Scope, place: Place | str, name: str, *, own_id: str | None = None
) -> None:
    """NameConstraintViolation when a visible sibling already has ``name``.

    ``place`` is a Place or a plan code (the Akten of a plan item).  Names compare as
    paths do (:mod:`services.cmis.paths`), so that every name stays reachable by path;
    ``own_id`` (an object renamed to its own name) is no conflict.
    """
    found: Akte | Vorgang | RecordFolder | Document | None
    if isinstance(place, str):
        found = queries.akte_named(session, scope, place, name)
    else:
        found = queries.child_named(session, scope, place.ids, name)
    if found is not None and found.id != own_id:
        raise NameConstraintViolation(f"an object named {name!r} already exists in this folder")


def create_record_folder(
    session: Session,
    place: Place,
    *,
    kind: FolderKind,
    name: str,
    description: str | None,
    actor: str,
    clock: Clock,
) -> RecordFolder:
    """A new folder at ``place`` (checked open and writable by the caller), audited."""
    place.ensure_open()
    now = clock.now()
    folder = RecordFolder(
        akte_id=place.akte.id,
        vorgang_id=place.vorgang.id if place.vorgang else None,
        parent_id=place.folder.id if place.folder else None,
        kind=kind.value,
        name=name,
        description=description,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    session.add(folder)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="cmis.created",
        object_type="folder",
        object_id=folder.id,
        details={
            "via": "cmis",
            "kind": folder.kind,
            "name": name,
            "akte": place.akte.aktenzeichen,
            "vorgang": place.vorgang.number if place.vorgang else None,
            "parent_id": folder.parent_id,
        },
        clock=clock,
    )
    return folder


def subtree_ids(session: Session, folder: RecordFolder) -> list[str]:
    """``folder`` and every folder below it (breadth first)."""
    found = [folder.id]
    level = [folder.id]
    while level:
        level = list(
            session.scalars(select(RecordFolder.id).where(RecordFolder.parent_id.in_(level)))
        )
        found.extend(level)
    return found


def move_record_folder(
    session: Session, folder: RecordFolder, target: Place, *, actor: str, clock: Clock
) -> RecordFolder:
    """Move ``folder`` (and what it holds) to another place within its own Akte."""
    if target.akte.id != folder.akte_id:
        raise Constraint(
            "a folder moves only within its Akte; move its documents one by one to refile them"
        )
    target.ensure_open()
    subtree = subtree_ids(session, folder)
    if target.folder is not None and target.folder.id in subtree:
        raise InvalidArgument("a folder cannot be moved into itself or below itself")
    previous = {"vorgang_id": folder.vorgang_id, "parent_id": folder.parent_id}
    new_vorgang_id = target.vorgang.id if target.vorgang else None
    folder.parent_id = target.folder.id if target.folder else None
    folder.updated_at = clock.now()
    if new_vorgang_id != folder.vorgang_id:
        session.execute(
            update(RecordFolder)
            .where(RecordFolder.id.in_(subtree))
            .values(vorgang_id=new_vorgang_id)
            .execution_options(synchronize_session="fetch")
        )
        for document in session.scalars(
            select(Document).where(Document.folder_id.in_(subtree), Document.disposed_at.is_(None))
        ):
            file_document(
                session,
                document,
                target.akte,
                target.vorgang,
                status=FilingStatus.FILED,
                reason="CMIS: its folder was moved",
                actor=actor,
                clock=clock,
            )
    session.flush()
    record_event(
        session,
        actor=actor,
        action="cmis.moved",
        object_type="folder",
        object_id=folder.id,
        details={
            "via": "cmis",
            "from": previous,
            "to": {"vorgang_id": new_vorgang_id, "parent_id": folder.parent_id},
        },
        clock=clock,
    )
    return folder


def live_content_count(
    session: Session, *, folder: RecordFolder | None = None, vorgang: Vorgang | None = None
) -> int:
    """Folders and not destroyed documents directly in a folder or a Vorgang, visible or not."""
    if folder is not None:
        folders = select(func.count()).where(RecordFolder.parent_id == folder.id)
        documents = select(func.count()).where(Document.folder_id == folder.id)
    elif vorgang is not None:
        folders = select(func.count()).where(RecordFolder.vorgang_id == vorgang.id)
        documents = select(func.count()).where(Document.vorgang_id == vorgang.id)
    else:
        raise ValueError("a folder or a Vorgang")
    live = documents.select_from(Document).where(Document.disposed_at.is_(None))
    return int(session.scalar(folders.select_from(RecordFolder)) or 0) + int(
        session.scalar(live) or 0
    )


def delete_record_folder(
    session: Session, folder: RecordFolder, akte: Akte, *, actor: str, clock: Clock
) -> None:
    """Remove an empty folder; tombstones of destroyed documents move up to its parent."""
    if live_content_count(session, folder=folder):
        raise Constraint(f"folder {folder.name!r} is not empty")
    session.execute(
        update(Document)
        .where(Document.folder_id == folder.id)
        .values(folder_id=folder.parent_id)
        .execution_options(synchronize_session="fetch")
    )
    forget_custom(session, f"folder:{folder.id}")
    details = {"via": "cmis", "name": folder.name, "kind": folder.kind, "akte": akte.aktenzeichen}
    session.delete(folder)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="cmis.deleted",
        object_type="folder",
        object_id=folder.id,
        details=details,
        clock=clock,
    )


def forget_custom(session: Session, key: str) -> None:
    """Remove the client-defined type and property values of a deleted object."""
    session.execute(delete(CmisPropertyValue).where(CmisPropertyValue.object_key == key))
    session.execute(delete(CmisObjectType).where(CmisObjectType.object_key == key))
