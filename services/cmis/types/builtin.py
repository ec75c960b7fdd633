"""The types eakte offers by itself: the CMIS base types and eakte's record types.

The base types carry the full property sets of CMIS 1.1 (2.1.4.3, 2.1.5.3, 2.1.9);
eakte's folder types are the plan item, Akte, Teilakte, Vorgang and Teilvorgang, its
document type the filed letter.  Every type lists its inherited properties too, marked
``inherited``, as the spec's type definitions do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from services.cmis.model import (
    BaseTypeId,
    Cardinality,
    Choice,
    PropertyDefinition,
    PropertyType,
    TypeDefinition,
    TypeMutability,
    Updatability,
)

CMIS_NAMESPACE = "http://docs.oasis-open.org/ns/cmis/core/200908/"
EAKTE_NAMESPACE = "urn:eakte:cmis"
RESERVED_PREFIXES = ("cmis:", "eakte:")
"""Type and property ids with these prefixes are eakte's; clients define others."""

S, ID, INT, BOOL, DT = (
    PropertyType.STRING,
    PropertyType.ID,
    PropertyType.INTEGER,
    PropertyType.BOOLEAN,
    PropertyType.DATETIME,
)
RO, RW, OC = Updatability.READONLY, Updatability.READWRITE, Updatability.ONCREATE
MULTI = Cardinality.MULTI
SUBTYPES_ALLOWED = TypeMutability(create=True)


def prop(
    property_id: str,
    property_type: PropertyType,
    display_name: str,
    *,
    updatability: Updatability = RO,
    cardinality: Cardinality = Cardinality.SINGLE,
    required: bool = False,
    queryable: bool = True,
    orderable: bool = True,
    choices: Iterable[str] = (),
    max_length: int | None = None,
    description: str = "",
) -> PropertyDefinition:
    namespace = CMIS_NAMESPACE if property_id.startswith("cmis:") else EAKTE_NAMESPACE
    return PropertyDefinition(
        id=property_id,
        property_type=property_type,
        cardinality=cardinality,
        updatability=updatability,
        local_name=property_id.split(":", 1)[-1],
        local_namespace=namespace,
        query_name=property_id,
        display_name=display_name,
        description=description or display_name,
        required=required,
        queryable=queryable,
        orderable=orderable and cardinality is Cardinality.SINGLE,
        open_choice=not choices,
        choices=tuple(Choice(value, (value,)) for value in choices),
        max_length=max_length,
        resolution="time" if property_type is DT else None,
    )


_COMMON = (
    prop("cmis:name", S, "Name", updatability=RW, required=True, max_length=500),
    prop("cmis:description", S, "Description", updatability=RW),
    prop("cmis:objectId", ID, "Object Id", orderable=False),
    prop("cmis:baseTypeId", ID, "Base Type Id"),
    prop("cmis:objectTypeId", ID, "Object Type Id", updatability=OC, required=True),
    prop(
        "cmis:secondaryObjectTypeIds",
        ID,
        "Secondary Object Type Ids",
        updatability=RW,
        cardinality=MULTI,
    ),
    prop("cmis:createdBy", S, "Created By"),
    prop("cmis:creationDate", DT, "Creation Date"),
    prop("cmis:lastModifiedBy", S, "Last Modified By"),
    prop("cmis:lastModificationDate", DT, "Last Modification Date"),
    prop("cmis:changeToken", S, "Change Token", queryable=False, orderable=False),
)

_DOCUMENT = (
    prop("cmis:isImmutable", BOOL, "Is Immutable", orderable=False),
    prop("cmis:isLatestVersion", BOOL, "Is Latest Version", orderable=False),
    prop("cmis:isMajorVersion", BOOL, "Is Major Version", orderable=False),
    prop("cmis:isLatestMajorVersion", BOOL, "Is Latest Major Version", orderable=False),
    prop("cmis:isPrivateWorkingCopy", BOOL, "Is Private Working Copy", orderable=False),
    prop("cmis:versionLabel", S, "Version Label", orderable=False),
    prop("cmis:versionSeriesId", ID, "Version Series Id", orderable=False),
    prop("cmis:isVersionSeriesCheckedOut", BOOL, "Is Version Series Checked Out"),
    prop("cmis:versionSeriesCheckedOutBy", S, "Version Series Checked Out By", queryable=False),
    prop("cmis:versionSeriesCheckedOutId", ID, "Version Series Checked Out Id", queryable=False),
    prop("cmis:checkinComment", S, "Checkin Comment", queryable=False, orderable=False),
    prop("cmis:contentStreamLength", INT, "Content Stream Length"),
    prop("cmis:contentStreamMimeType", S, "Content Stream MIME Type"),
    prop("cmis:contentStreamFileName", S, "Content Stream Filename", orderable=False),
    prop("cmis:contentStreamId", ID, "Content Stream Id", queryable=False, orderable=False),
)

_FOLDER = (
    prop("cmis:parentId", ID, "Parent Id", orderable=False),
    prop("cmis:path", S, "Path", queryable=False, orderable=False),
    prop(
        "cmis:allowedChildObjectTypeIds",
        ID,
        "Allowed Child Object Type Ids",
        cardinality=MULTI,
        queryable=False,
    ),
)

_STATUS = prop("eakte:status", S, "Status", choices=("open", "closed"))
_OPENED = prop("eakte:openedAt", DT, "Opened At")
_CLOSED = prop("eakte:closedAt", DT, "Closed At")
_PLAN_CODE = prop("eakte:planCode", S, "File Plan Code")
_ORG_UNIT = prop("eakte:orgUnit", S, "Organisational Unit")
_RETENTION_UNTIL = prop(
    "eakte:retentionUntil", DT, "Retention Until", description="Retention end (date, 00:00 UTC)"
)
_LEGAL_HOLD = prop("eakte:legalHold", BOOL, "Legal Hold")
_AKTENZEICHEN = prop("eakte:aktenzeichen", ID, "Aktenzeichen")

_PLAN_ITEM = (
    _PLAN_CODE,
    _ORG_UNIT,
    prop("eakte:archiveValue", S, "Archive Value", choices=("A", "B", "V")),
    prop("eakte:retention", S, "Retention", queryable=False, orderable=False),
)

_AKTE = (
    _AKTENZEICHEN,
    _PLAN_CODE,
    prop(
        "eakte:subjectKeys",
        S,
        "Subject Keys",
        updatability=OC,
        cardinality=MULTI,
        description="What the Akte is about, as kind:value",
    ),
    _STATUS,
    _OPENED,
    _CLOSED,
    _RETENTION_UNTIL,
    _LEGAL_HOLD,
    prop(
        "eakte:confidentiality",
        S,
        "Confidentiality",
        updatability=OC,
        description="xdomea Vertraulichkeitsstufe",
    ),
    _ORG_UNIT,
)

_VORGANG = (prop("eakte:vorgangNumber", INT, "Vorgang Number"), _STATUS, _OPENED, _CLOSED)

_DOKUMENT = (
    prop("eakte:letterDate", DT, "Letter Date", updatability=RW),
    prop("eakte:receivedAt", DT, "Received At"),
    prop(
        "eakte:direction",
        S,
        "Direction",
        updatability=RW,
        choices=("incoming", "outgoing", "internal"),
    ),
    prop("eakte:sender", S, "Sender", updatability=RW, max_length=500),
    _PLAN_CODE,
    _AKTENZEICHEN,
    prop("eakte:filingStatus", S, "Filing Status"),
    prop(
        "eakte:confidentiality",
        S,
        "Confidentiality",
        updatability=RW,
        description="xdomea Vertraulichkeitsstufe",
    ),
    prop("eakte:contentSha256", S, "Content SHA-256"),
    prop("eakte:renditionSha256", S, "Rendition SHA-256"),
    _RETENTION_UNTIL,
    _LEGAL_HOLD,
    prop("eakte:pageCount", INT, "Page Count"),
    prop("eakte:ocrStatus", S, "OCR Status"),
)


def _inherited(definitions: Iterable[PropertyDefinition]) -> dict[str, PropertyDefinition]:
    return {d.id: replace(d, inherited=True) for d in definitions}


def derive(
    parent: TypeDefinition,
    type_id: str,
    own: Iterable[PropertyDefinition],
    *,
    display_name: str,
    description: str = "",
    creatable: bool = True,
    mutability: TypeMutability = SUBTYPES_ALLOWED,
    built_in: bool = True,
    **fields: object,
) -> TypeDefinition:
    """A subtype of ``parent``: its properties inherited, ``own`` added after them."""
    properties = _inherited(parent.property_definitions.values())
    properties.update({d.id: d for d in own})
    namespace = EAKTE_NAMESPACE if type_id.startswith("eakte:") else ""
    values: dict[str, object] = {
        "id": type_id,
        "base_id": parent.base_id,
        "parent_id": parent.id,
        "local_name": type_id.split(":", 1)[-1],
        "local_namespace": namespace,
        "query_name": type_id,
        "display_name": display_name,
        "description": description or display_name,
        "creatable": creatable,
        "fileable": parent.fileable,
        "queryable": parent.queryable,
        "fulltext_indexed": parent.fulltext_indexed,
        "included_in_supertype_query": True,
        "controllable_acl": parent.controllable_acl,
        "type_mutability": mutability,
        "versionable": parent.versionable,
        "content_stream_allowed": parent.content_stream_allowed,
        "property_definitions": properties,
        "built_in": built_in,
    }
    values.update(fields)
    return TypeDefinition(**values)  # type: ignore[arg-type]


def _base(
    base_id: BaseTypeId,
    definitions: Iterable[PropertyDefinition],
    display_name: str,
    **fields: object,
) -> TypeDefinition:
    values: dict[str, object] = {
        "id": base_id.value,
        "base_id": base_id,
        "parent_id": None,
        "local_name": base_id.value.split(":", 1)[1],
        "local_namespace": CMIS_NAMESPACE,
        "query_name": base_id.value,
        "display_name": display_name,
        "description": display_name,
        "type_mutability": SUBTYPES_ALLOWED,
        "property_definitions": {d.id: d for d in definitions},
    }
    values.update(fields)
    return TypeDefinition(**values)  # type: ignore[arg-type]


DOCUMENT = _base(
    BaseTypeId.DOCUMENT,
    (*_COMMON, *_DOCUMENT),
    "Document",
    fulltext_indexed=True,
    controllable_acl=True,
    versionable=True,
    content_stream_allowed="required",
)
FOLDER = _base(BaseTypeId.FOLDER, (*_COMMON, *_FOLDER), "Folder", controllable_acl=True)
SECONDARY = _base(
    BaseTypeId.SECONDARY,
    (),
    "Secondary Type",
    creatable=False,
    fileable=False,
    queryable=True,
)

PLAN_ITEM = derive(
    FOLDER,
    "eakte:planItem",
    _PLAN_ITEM,
    display_name="File Plan Item",
    description="A code of the active file plan (Aktenplan); read-only",
    creatable=False,
    mutability=TypeMutability(),
    controllable_acl=False,
)
AKTE = derive(FOLDER, "eakte:akte", _AKTE, display_name="Akte")
TEILAKTE = derive(FOLDER, "eakte:teilakte", (), display_name="Teilakte")
VORGANG = derive(FOLDER, "eakte:vorgang", _VORGANG, display_name="Vorgang")
TEILVORGANG = derive(FOLDER, "eakte:teilvorgang", (), display_name="Teilvorgang")
DOKUMENT = derive(DOCUMENT, "eakte:dokument", _DOKUMENT, display_name="Dokument")

BUILT_IN: dict[str, TypeDefinition] = {
    t.id: t
    for t in (
        DOCUMENT,
        FOLDER,
        SECONDARY,
        PLAN_ITEM,
        AKTE,
        TEILAKTE,
        VORGANG,
        TEILVORGANG,
        DOKUMENT,
    )
}
BASE_TYPES = (DOCUMENT, FOLDER, SECONDARY)
