"""The tables a query reads, each with the caller's visibility and its properties as SQL.

A CMIS type maps onto one or more sources: documents (with their Akte), Akten,
Vorgänge, record folders and the file plan's items.  Each source knows its id column,
the key prefix of its client-defined properties and an SQL expression for every
built-in property it can filter and sort on; a property without one compares as NULL.
Version-dependent values (creation date, content length …) are correlated subqueries,
so they cost only in statements that use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.orm import QueryableAttribute

from services.access.scope import Scope
from services.access.visibility import akte_visible, document_visible
from services.db.models import (
    Akte,
    AkteSubjectKey,
    CmisObjectType,
    Document,
    DocumentCheckout,
    DocumentVersion,
    FilePlanEntry,
    FolderKind,
    RecordFolder,
    StoredObject,
    VersionLabel,
    Vorgang,
)

Expr = ColumnElement[Any] | QueryableAttribute[Any]
"""A column or SQL expression."""


class SourceKind(StrEnum):
    DOCUMENT = "document"
    AKTE = "akte"
    VORGANG = "vorgang"
    FOLDER = "folder"
    PLAN = "plan"


FOLDER_KIND_TYPES = {
    FolderKind.TEILAKTE.value: "eakte:teilakte",
    FolderKind.TEILVORGANG.value: "eakte:teilvorgang",
    FolderKind.FOLDER.value: "cmis:folder",
}
BUILTIN_TYPES = {
    SourceKind.DOCUMENT: ("eakte:dokument",),
    SourceKind.AKTE: ("eakte:akte",),
    SourceKind.VORGANG: ("eakte:vorgang",),
    SourceKind.FOLDER: tuple(FOLDER_KIND_TYPES.values()),
    SourceKind.PLAN: ("eakte:planItem",),
}
"""The type of a record without a client-defined type, per source."""


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    table: Any
    """The mapped class the statement reads from (joins add the Akte where needed)."""
    id_column: Expr
    visible: Expr
    """The caller's visibility (and what CMIS shows at all)."""
    key_prefix: str | None
    """``document:`` …: the object_key prefix of client-defined values; None: none."""
    properties: Mapping[str, Expr]
    date_properties: frozenset[str] = frozenset()
    """Stored as dates; CMIS sends them as datetimes at 00:00 UTC."""
    joins: tuple[tuple[Any, Expr], ...] = ()
    via_akte: Mapping[str, Expr] | None = None
    """Documents: properties of their Akte, as expressions on ``akten``.

    Conditions on them become ``akte_id IN (Akten that pass)``, which the Akten's
    indexes answer; :attr:`properties` has them as correlated values for sorting.
    """
    folder_kind: Expr | None = None
    """Record folders: the column telling Teilakte, Teilvorgang and plain folders apart."""

    def object_key(self) -> Expr:
        assert self.key_prefix is not None
        return literal(self.key_prefix) + self.id_column


def _custom_type(key: Expr) -> Expr:
    return select(CmisObjectType.type_id).where(CmisObjectType.object_key == key).scalar_subquery()


def _common(
    *,
    name: Any,
    description: Any,
    created_by: Any,
    created: Any,
    changed_by: Any,
    changed: Any,
    type_id: Expr,
    base: str,
) -> dict[str, Expr]:
    return {
        "cmis:name": func.replace(name, "/", "-"),
        "cmis:description": description,
        "cmis:baseTypeId": literal(base),
        "cmis:objectTypeId": type_id,
        "cmis:createdBy": created_by,
        "cmis:creationDate": created,
        "cmis:lastModifiedBy": changed_by,
        "cmis:lastModificationDate": changed,
    }


def _current_version(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(DocumentVersion)
        .where(
            DocumentVersion.document_id == Document.id,
            DocumentVersion.number == Document.current_version,
        )
    )


def document_source(scope: Scope) -> Source:
    key = literal("document:") + Document.id
    content = (
        _current_version(StoredObject.size)
        .join(StoredObject, StoredObject.id == DocumentVersion.content_object_id)
        .scalar_subquery()
    )
    content_sha = (
        _current_version(StoredObject.sha256)
        .join(StoredObject, StoredObject.id == DocumentVersion.content_object_id)
        .scalar_subquery()
    )
    rendition_sha = (
        _current_version(StoredObject.sha256)
        .join(StoredObject, StoredObject.id == DocumentVersion.rendition_object_id)
        .scalar_subquery()
    )
    labelled = VersionLabel.version_id == DocumentVersion.id
    major = func.coalesce(
        _current_version(VersionLabel.is_major).join(VersionLabel, labelled).scalar_subquery(),
        true(),
    )
    text = cast(VersionLabel.major, String) + literal(".") + cast(VersionLabel.minor, String)
    label = func.coalesce(
        _current_version(text).join(VersionLabel, labelled).scalar_subquery(),
        cast(Document.current_version, String) + literal(".0"),
    )
    checked_out = exists().where(DocumentCheckout.document_id == Document.id)

    def of_akte(column: Any) -> Expr:
        return select(column).where(Akte.id == Document.akte_id).scalar_subquery()

    akte_retention = of_akte(Akte.retention_until)
    retention = case(
        (akte_retention.is_(None), null()),
        (Document.retention_until > akte_retention, Document.retention_until),
        else_=akte_retention,
    )
    via_akte = {"eakte:planCode": Akte.file_plan_code, "eakte:aktenzeichen": Akte.aktenzeichen}
    properties = _common(
        name=Document.title,
        description=Document.description,
        created_by=_current_version(DocumentVersion.created_by).scalar_subquery(),
        created=_current_version(DocumentVersion.created_at).scalar_subquery(),
        changed_by=_current_version(DocumentVersion.created_by).scalar_subquery(),
        changed=Document.updated_at,
        type_id=func.coalesce(_custom_type(key), literal("eakte:dokument")),
        base="cmis:document",
    )
    properties.update(
        {
            "cmis:isImmutable": false(),
            "cmis:isLatestVersion": true(),
            "cmis:isMajorVersion": major,
            "cmis:isLatestMajorVersion": major,
            "cmis:isPrivateWorkingCopy": false(),
            "cmis:versionLabel": label,
            "cmis:versionSeriesId": Document.id,
            "cmis:isVersionSeriesCheckedOut": checked_out,
            "cmis:contentStreamLength": content,
            "cmis:contentStreamMimeType": _current_version(
                DocumentVersion.media_type
            ).scalar_subquery(),
            "eakte:letterDate": Document.letter_date,
            "eakte:receivedAt": Document.created_at,
            "eakte:direction": Document.direction,
            "eakte:sender": Document.sender,
            **{pid: of_akte(column) for pid, column in via_akte.items()},
            "eakte:filingStatus": Document.filing_status,
            "eakte:confidentiality": Document.confidentiality,
            "eakte:contentSha256": content_sha,
            "eakte:renditionSha256": rendition_sha,
            "eakte:retentionUntil": retention,
            "eakte:legalHold": or_(Document.legal_hold, of_akte(Akte.legal_hold)),
            "eakte:pageCount": Document.page_count,
            "eakte:ocrStatus": Document.status,
        }
    )
    visible = and_(
        document_visible(scope), Document.akte_id.is_not(None), Document.disposed_at.is_(None)
    )
    return Source(
        kind=SourceKind.DOCUMENT,
        table=Document,
        id_column=Document.id,
        visible=visible,
        key_prefix="document:",
        properties=properties,
        date_properties=frozenset({"eakte:letterDate", "eakte:retentionUntil"}),
        via_akte=via_akte,
    )


def akte_source(scope: Scope) -> Source:
    key = literal("akte:") + Akte.id
    properties = _common(
        name=Akte.title,
        description=Akte.description,
        created_by=Akte.created_by,
        created=Akte.created_at,
        changed_by=Akte.created_by,
        changed=Akte.updated_at,
        type_id=func.coalesce(_custom_type(key), literal("eakte:akte")),
        base="cmis:folder",
    )
    properties.update(
        {
            "eakte:aktenzeichen": Akte.aktenzeichen,
            "eakte:planCode": Akte.file_plan_code,
            "eakte:status": Akte.status,
            "eakte:openedAt": Akte.opened_at,
            "eakte:closedAt": Akte.closed_at,
            "eakte:retentionUntil": Akte.retention_until,
            "eakte:legalHold": Akte.legal_hold,
            "eakte:confidentiality": Akte.confidentiality,
            "eakte:orgUnit": Akte.org_unit,
        }
    )
    return Source(
        kind=SourceKind.AKTE,
        table=Akte,
        id_column=Akte.id,
        visible=akte_visible(scope),
        key_prefix="akte:",
        properties=properties,
        date_properties=frozenset({"eakte:retentionUntil"}),
    )


def subject_key_matches(values: tuple[str, ...]) -> Expr:
    """Akten with one of the subject keys ``kind:value`` (as eakte:subjectKeys shows them)."""
    matches = [
        and_(AkteSubjectKey.kind == kind, AkteSubjectKey.value == value)
        for kind, _, value in (v.partition(":") for v in values)
    ]
    if not matches:
        return false()
    return Akte.id.in_(select(AkteSubjectKey.akte_id).where(or_(*matches)))


def has_subject_keys() -> Expr:
    return exists().where(AkteSubjectKey.akte_id == Akte.id)


def vorgang_source(scope: Scope) -> Source:
    key = literal("vorgang:") + Vorgang.id
    properties = _common(
        name=Vorgang.title,
        description=Vorgang.details["description"].as_string(),
        created_by=Vorgang.created_by,
        created=Vorgang.opened_at,
        changed_by=Vorgang.created_by,
        changed=func.coalesce(Vorgang.updated_at, Vorgang.closed_at, Vorgang.opened_at),
        type_id=func.coalesce(_custom_type(key), literal("eakte:vorgang")),
        base="cmis:folder",
    )
    properties.update(
        {
            "eakte:vorgangNumber": Vorgang.number,
            "eakte:status": Vorgang.status,
            "eakte:openedAt": Vorgang.opened_at,
            "eakte:closedAt": Vorgang.closed_at,
        }
    )
    return Source(
        kind=SourceKind.VORGANG,
        table=Vorgang,
        id_column=Vorgang.id,
        visible=akte_visible(scope),
        key_prefix="vorgang:",
        properties=properties,
        joins=((Akte, Akte.id == Vorgang.akte_id),),
    )


def folder_source(scope: Scope) -> Source:
    key = literal("folder:") + RecordFolder.id
    builtin = case(
        *((RecordFolder.kind == kind, literal(t)) for kind, t in FOLDER_KIND_TYPES.items()),
        else_=literal("cmis:folder"),
    )
    properties = _common(
        name=RecordFolder.name,
        description=RecordFolder.description,
        created_by=RecordFolder.created_by,
        created=RecordFolder.created_at,
        changed_by=RecordFolder.created_by,
        changed=RecordFolder.updated_at,
        type_id=func.coalesce(_custom_type(key), builtin),
        base="cmis:folder",
    )
    return Source(
        kind=SourceKind.FOLDER,
        table=RecordFolder,
        id_column=RecordFolder.id,
        visible=akte_visible(scope),
        key_prefix="folder:",
        properties=properties,
        joins=((Akte, Akte.id == RecordFolder.akte_id),),
        folder_kind=RecordFolder.kind,
    )


def plan_source() -> Source:
    """The file plan's items: read-only folders every reader sees."""
    properties = _common(
        name=FilePlanEntry.code + literal(" ") + FilePlanEntry.title,
        description=null(),
        created_by=literal("system"),
        created=null(),
        changed_by=literal("system"),
        changed=null(),
        type_id=literal("eakte:planItem"),
        base="cmis:folder",
    )
    properties["eakte:planCode"] = FilePlanEntry.code
    return Source(
        kind=SourceKind.PLAN,
        table=FilePlanEntry,
        id_column=FilePlanEntry.code,
        visible=true(),
        key_prefix=None,
        properties=properties,
    )


def sources_for(scope: Scope, kinds: set[SourceKind]) -> list[Source]:
    builders = {
        SourceKind.DOCUMENT: lambda: document_source(scope),
        SourceKind.AKTE: lambda: akte_source(scope),
        SourceKind.VORGANG: lambda: vorgang_source(scope),
        SourceKind.FOLDER: lambda: folder_source(scope),
        SourceKind.PLAN: plan_source,
    }
    return [builders[kind]() for kind in SourceKind if kind in kinds]
