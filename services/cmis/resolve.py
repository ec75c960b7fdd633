"""From a CMIS object id to the record behind it, as the caller's scope admits it.

:func:`resolve` answers one of the :data:`Resolved` kinds; reading and writing services
dispatch on them.  Anything the caller may not see is :class:`ObjectNotFound` with the
same message as an id that names nothing.  Reading needs ``read_documents``.
"""

from __future__ import annotations

from dataclasses import dataclass

from file_plan import FilePlan, FilePlanItem
from services.access.roles import Permission
from services.cmis import queries, version_queries
from services.cmis.errors import InvalidArgument, ObjectNotFound, PermissionDenied
from services.cmis.ids import IdKind, parse_object_id
from services.cmis.model import CmisContext
from services.cmis.queries import Place
from services.cmis.version_queries import Label
from services.db.models import (
    Akte,
    Document,
    DocumentCheckout,
    DocumentVersion,
    RecordFolder,
    Vorgang,
)
from services.records.file_plans import active_plan


@dataclass(frozen=True)
class ResolvedRoot:
    plan: FilePlan


@dataclass(frozen=True)
class ResolvedPlanItem:
    plan: FilePlan
    item: FilePlanItem

    @property
    def is_leaf(self) -> bool:
        return self.plan.is_leaf(self.item.code)


@dataclass(frozen=True)
class ResolvedAkte:
    akte: Akte


@dataclass(frozen=True)
class ResolvedVorgang:
    vorgang: Vorgang
    akte: Akte


@dataclass(frozen=True)
class ResolvedFolder:
    folder: RecordFolder
    akte: Akte


@dataclass(frozen=True)
class ResolvedVersion:
    """One version of a document; ``checkout`` is set while the series is checked out."""

    document: Document
    version: DocumentVersion
    label: Label
    akte: Akte
    checkout: DocumentCheckout | None

    @property
    def is_latest(self) -> bool:
        return self.version.number == self.document.current_version


@dataclass(frozen=True)
class ResolvedPwc:
    """The private working copy of a checked-out document (``version``: what it was made from)."""

    document: Document
    checkout: DocumentCheckout
    version: DocumentVersion
    label: Label
    akte: Akte


Resolved = (
    ResolvedRoot
    | ResolvedPlanItem
    | ResolvedAkte
    | ResolvedVorgang
    | ResolvedFolder
    | ResolvedVersion
    | ResolvedPwc
)
ResolvedFolderLike = (
    ResolvedRoot | ResolvedPlanItem | ResolvedAkte | ResolvedVorgang | ResolvedFolder
)
"""The objects of base type cmis:folder."""
ResolvedDocument = ResolvedVersion | ResolvedPwc
"""The objects of base type cmis:document."""


def require_read(ctx: CmisContext) -> None:
    if not ctx.scope.may(Permission.READ_DOCUMENTS):
        raise PermissionDenied("your roles may not read documents")


def resolve(ctx: CmisContext, object_id: str) -> Resolved:
    """The record ``object_id`` names; the bare series id answers the latest version."""
    require_read(ctx)
    parsed = parse_object_id(object_id)
    session, scope = ctx.session, ctx.scope
    if parsed.kind is IdKind.ROOT:
        return ResolvedRoot(active_plan(session))
    if parsed.kind is IdKind.PLAN:
        plan = active_plan(session)
        if parsed.key not in plan:
            raise _not_found(object_id)
        return ResolvedPlanItem(plan, plan.get(parsed.key))
    if parsed.kind is IdKind.AKTE:
        akte = queries.visible_akte(session, scope, parsed.key)
        if akte is None:
            raise _not_found(object_id)
        return ResolvedAkte(akte)
    if parsed.kind is IdKind.VORGANG:
        vorgang_row = queries.visible_vorgang(session, scope, parsed.key)
        if vorgang_row is None:
            raise _not_found(object_id)
        return ResolvedVorgang(*vorgang_row)
    if parsed.kind is IdKind.FOLDER:
        folder_row = queries.visible_folder(session, scope, parsed.key)
        if folder_row is None:
            raise _not_found(object_id)
        return ResolvedFolder(*folder_row)
    document = queries.visible_document(session, scope, parsed.key)
    if document is None or document.akte is None:
        raise _not_found(object_id)
    checkout = version_queries.checkout_of(session, document)
    if parsed.pwc:
        if checkout is None:
            raise _not_found(object_id)
        base = version_queries.current_version(session, document)
        if base is None:
            raise _not_found(object_id)
        label = version_queries.labels_of(session, [base])[base.id]
        return ResolvedPwc(document, checkout, base, label, document.akte)
    if parsed.major is None or parsed.minor is None:
        version = version_queries.current_version(session, document)
    else:
        version = version_queries.version_by_label(session, document, parsed.major, parsed.minor)
    if version is None:
        raise _not_found(object_id)
    label = version_queries.labels_of(session, [version])[version.id]
    return ResolvedVersion(document, version, label, document.akte, checkout)


def resolve_folder(ctx: CmisContext, object_id: str) -> ResolvedFolderLike:
    """A folder; a document id here is an invalid argument (it does exist)."""
    resolved = resolve(ctx, object_id)
    if isinstance(resolved, ResolvedVersion | ResolvedPwc):
        raise InvalidArgument(f"object {object_id} is not a folder")
    return resolved


def resolve_document(ctx: CmisContext, object_id: str) -> ResolvedDocument:
    """A document version or PWC; a folder id here is an invalid argument."""
    resolved = resolve(ctx, object_id)
    if not isinstance(resolved, ResolvedVersion | ResolvedPwc):
        raise InvalidArgument(f"object {object_id} is not a document")
    return resolved


def akte_of(resolved: Resolved) -> Akte | None:
    """The Akte whose access and retention rule an object (None: root and plan items)."""
    if isinstance(resolved, ResolvedAkte | ResolvedVorgang | ResolvedFolder):
        return resolved.akte
    if isinstance(resolved, ResolvedVersion | ResolvedPwc):
        return resolved.akte
    return None


def _not_found(object_id: str) -> ObjectNotFound:
    return ObjectNotFound(f"no object {object_id!r}")


def place_of(resolved: ResolvedAkte | ResolvedVorgang | ResolvedFolder) -> Place:
    """Where the children of an Akte, a Vorgang or a folder sit."""
    if isinstance(resolved, ResolvedAkte):
        return Place(resolved.akte.id)
    if isinstance(resolved, ResolvedVorgang):
        return Place(resolved.akte.id, resolved.vorgang.id)
    return Place(resolved.akte.id, resolved.folder.vorgang_id, resolved.folder.id)
