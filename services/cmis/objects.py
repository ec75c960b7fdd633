"""Records as CMIS objects: every cmis:* and eakte:* property, client-defined ones, filters.

Values come from the records as they are (titles, dates, hashes, labels); a property the
object's type defines but the record lacks is sent without a value.  Lists build their
objects with :func:`to_objects`, which loads client-defined properties, types and ACLs
once for the whole page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from file_plan import FilePlan
from services.cmis import queries, version_queries
from services.cmis.acl import AclReader
from services.cmis.actions import allowable_actions
from services.cmis.ids import (
    ROOT_ID,
    akte_object_id,
    document_key,
    folder_object_id,
    plan_object_id,
    pwc_object_id,
    version_object_id,
    vorgang_object_id,
)
from services.cmis.model import (
    BaseTypeId,
    CmisContext,
    CmisObject,
    OperationContext,
    Property,
    PropertyDefinition,
    TypeDefinition,
)
from services.cmis.paths import (
    akte_path,
    cmis_name,
    folder_path,
    plan_item_name,
    plan_item_path,
    vorgang_path,
)
from services.cmis.properties import CustomState, load_custom
from services.cmis.renditions import renditions_of
from services.cmis.resolve import (
    Resolved,
    ResolvedAkte,
    ResolvedFolder,
    ResolvedPlanItem,
    ResolvedPwc,
    ResolvedRoot,
    ResolvedVersion,
    ResolvedVorgang,
)
from services.cmis.types.registry import TypeRegistry, registry
from services.db.models import FolderKind, StoredObject
from services.documents.streaming import content_filename
from services.documents.versions import Part
from services.records.file_plans import active_plan
from services.storage.protection import is_held, retention_end

ALWAYS_RETURNED = frozenset({"cmis:objectId", "cmis:baseTypeId", "cmis:objectTypeId"})
"""Sent whatever the filter says: clients cannot work with an object without them."""

_FOLDER_TYPES = {
    FolderKind.TEILAKTE: "eakte:teilakte",
    FolderKind.TEILVORGANG: "eakte:teilvorgang",
    FolderKind.FOLDER: "cmis:folder",
}
_CHILD_TYPES_AKTE = ("cmis:folder", "eakte:vorgang", "eakte:teilakte", "cmis:document")
_CHILD_TYPES_VORGANG = ("cmis:folder", "eakte:teilvorgang", "cmis:document")
_CHILD_TYPES_FOLDER = ("cmis:folder", "cmis:document")
PWC_LABEL = "pwc"


def change_token(moment: datetime | None) -> str | None:
    """The change token of a record last changed at ``moment``: epoch milliseconds."""
    return None if moment is None else str(int(moment.timestamp() * 1000))


def day_start(day: date | None) -> datetime | None:
    """A date as the CMIS datetime of its start (00:00 UTC)."""
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)


def builtin_type_id(resolved: Resolved) -> str:
    """The eakte type of a record, before a client-defined type replaces it."""
    if isinstance(resolved, ResolvedRoot):
        return BaseTypeId.FOLDER.value
    if isinstance(resolved, ResolvedPlanItem):
        return "eakte:planItem"
    if isinstance(resolved, ResolvedAkte):
        return "eakte:akte"
    if isinstance(resolved, ResolvedVorgang):
        return "eakte:vorgang"
    if isinstance(resolved, ResolvedFolder):
        return _FOLDER_TYPES.get(FolderKind(resolved.folder.kind), "cmis:folder")
    return "eakte:dokument"


def custom_key(resolved: Resolved) -> str | None:
    """The ``object_key`` of a record's client-defined type and properties (None: none)."""
    if isinstance(resolved, ResolvedAkte):
        return f"akte:{resolved.akte.id}"
    if isinstance(resolved, ResolvedVorgang):
        return f"vorgang:{resolved.vorgang.id}"
    if isinstance(resolved, ResolvedFolder):
        return f"folder:{resolved.folder.id}"
    if isinstance(resolved, ResolvedVersion | ResolvedPwc):
        return document_key(resolved.document.id)
    return None


def object_id_of(resolved: Resolved) -> str:
    if isinstance(resolved, ResolvedRoot):
        return ROOT_ID
    if isinstance(resolved, ResolvedPlanItem):
        return plan_object_id(resolved.item.code)
    if isinstance(resolved, ResolvedAkte):
        return akte_object_id(resolved.akte.id)
    if isinstance(resolved, ResolvedVorgang):
        return vorgang_object_id(resolved.vorgang.id)
    if isinstance(resolved, ResolvedFolder):
        return folder_object_id(resolved.folder.id)
    if isinstance(resolved, ResolvedPwc):
        return pwc_object_id(resolved.document.id)
    return version_object_id(resolved.document.id, resolved.label.major, resolved.label.minor)


def path_of(ctx: CmisContext, plan: FilePlan, resolved: Resolved) -> str | None:
    """``cmis:path`` of a folder (None for documents)."""
    if isinstance(resolved, ResolvedRoot):
        return "/"
    if isinstance(resolved, ResolvedPlanItem):
        return plan_item_path(plan, resolved.item.code)
    if isinstance(resolved, ResolvedAkte):
        return akte_path(plan, resolved.akte)
    if isinstance(resolved, ResolvedVorgang):
        return vorgang_path(plan, resolved.vorgang, resolved.akte)
    if isinstance(resolved, ResolvedFolder):
        return folder_path(ctx, plan, resolved.folder, resolved.akte)
    return None


def to_object(ctx: CmisContext, resolved: Resolved, oc: OperationContext) -> CmisObject:
    return to_objects(ctx, [resolved], oc)[0]


def to_objects(
    ctx: CmisContext,
    items: Sequence[Resolved],
    oc: OperationContext,
    *,
    paths: Sequence[str | None] | None = None,
) -> list[CmisObject]:
    """CMIS objects of records, with what ``oc`` asks for; ``paths`` saves looking them up."""
    keys = [key for key in (custom_key(r) for r in items) if key is not None]
    builder = _Builder(ctx, oc, registry(ctx.session), _plan_of(ctx, items))
    custom = load_custom(ctx.session, keys, builder.types) if keys else {}
    if any(isinstance(r, ResolvedRoot | ResolvedPlanItem) for r in items):
        builder.plan_time = queries.plan_imported_at(ctx.session)
    acls = AclReader(ctx) if oc.include_acl else None
    objects = []
    for index, resolved in enumerate(items):
        key = custom_key(resolved)
        state = custom.get(key, CustomState()) if key else CustomState()
        obj = builder.build(resolved, state, paths[index] if paths is not None else None)
        if oc.include_allowable_actions:
            obj.allowable_actions = allowable_actions(ctx, resolved)
        if acls is not None:
            obj.acl = acls.acl_of(resolved)
        obj.renditions = tuple(renditions_of(resolved, oc.rendition_filter))
        objects.append(obj)
    return objects


def _plan_of(ctx: CmisContext, items: Sequence[Resolved]) -> FilePlan | None:
    for resolved in items:
        if isinstance(resolved, ResolvedRoot | ResolvedPlanItem):
            return resolved.plan
    if any(isinstance(r, ResolvedAkte | ResolvedVorgang | ResolvedFolder) for r in items):
        return active_plan(ctx.session)
    return None


class _Builder:
    """Builds the objects of one answer; the filtered definitions are worked out per type."""

    def __init__(
        self, ctx: CmisContext, oc: OperationContext, types: TypeRegistry, plan: FilePlan | None
    ) -> None:
        self.ctx, self.oc, self.types, self.plan = ctx, oc, types, plan
        self.plan_time: datetime | None = None
        self._shown: dict[tuple[str, tuple[str, ...]], list[PropertyDefinition]] = {}

    def build(self, resolved: Resolved, state: CustomState, path: str | None) -> CmisObject:
        types = self.types
        type_def = types.find(state.type_id or "") or types.get(builtin_type_id(resolved))
        secondaries = [t for t in (types.find(s) for s in state.secondary_ids) if t is not None]
        values: dict[str, tuple[Any, ...]] = dict(state.values)
        if isinstance(resolved, ResolvedVersion | ResolvedPwc):
            values.update(_document_values(self.ctx, resolved))
            token = change_token(resolved.document.updated_at)
        else:
            assert self.plan is not None
            if path is None and _wanted(self.oc, type_def, "cmis:path"):
                path = path_of(self.ctx, self.plan, resolved)
            values.update(_folder_values(resolved, self.plan, self.plan_time, path))
            token = values["cmis:changeToken"][0] if values["cmis:changeToken"] else None
        values["cmis:objectTypeId"] = (type_def.id,)
        values["cmis:secondaryObjectTypeIds"] = tuple(t.id for t in secondaries)
        shown = self._definitions(type_def, secondaries)
        return CmisObject(
            object_id=object_id_of(resolved),
            base_type_id=type_def.base_id,
            type_id=type_def.id,
            properties={d.id: Property(d, values.get(d.id, ())) for d in shown},
            change_token=token,
        )

    def _definitions(
        self, type_def: TypeDefinition, secondaries: Sequence[TypeDefinition]
    ) -> list[PropertyDefinition]:
        """The definitions of a type and its secondary types that the filter selects."""
        key = (type_def.id, tuple(t.id for t in secondaries))
        shown = self._shown.get(key)
        if shown is None:
            found: dict[str, PropertyDefinition] = {}
            for t in (type_def, *secondaries):
                for pid, definition in t.property_definitions.items():
                    if pid not in found and _selected(self.oc, pid, definition.query_name):
                        found[pid] = definition
            shown = self._shown[key] = list(found.values())
        return shown


def _selected(oc: OperationContext, property_id: str, query_name: str) -> bool:
    if oc.filter is None or property_id in ALWAYS_RETURNED:
        return True
    return property_id in oc.filter or query_name in oc.filter


def _wanted(oc: OperationContext, type_def: TypeDefinition, property_id: str) -> bool:
    definition = type_def.property_definitions.get(property_id)
    return definition is not None and _selected(oc, property_id, definition.query_name)


def _one(value: Any) -> tuple[Any, ...]:
    return () if value is None else (value,)


def _folder_values(
    resolved: Resolved, plan: FilePlan, plan_time: datetime | None, path: str | None
) -> dict[str, tuple[Any, ...]]:
    """cmis:* and eakte:* values of the root, a plan item, an Akte, Vorgang or folder."""
    values: dict[str, tuple[Any, ...]] = {"cmis:objectId": (object_id_of(resolved),)}
    values["cmis:baseTypeId"] = (BaseTypeId.FOLDER.value,)
    values["cmis:path"] = _one(path)
    if isinstance(resolved, ResolvedRoot):
        values |= _common("", None, "system", plan_time, plan_time)
        values["cmis:parentId"] = ()
    elif isinstance(resolved, ResolvedPlanItem):
        item = resolved.item
        retention = plan.effective_retention(item.code)
        archive = plan.effective_archive_value(item.code)
        values |= _common(
            plan_item_name(item), item.description or None, "system", plan_time, plan_time
        )
        values["cmis:parentId"] = (plan_object_id(item.parent) if item.parent else ROOT_ID,)
        values["cmis:allowedChildObjectTypeIds"] = (
            ("eakte:akte", "cmis:folder") if resolved.is_leaf else ()
        )
        values["eakte:planCode"] = (item.code,)
        values["eakte:orgUnit"] = _one(plan.effective_org_unit(item.code))
        values["eakte:archiveValue"] = _one(archive.value if archive else None)
        values["eakte:retention"] = _one(retention.describe() if retention else None)
    elif isinstance(resolved, ResolvedAkte):
        akte = resolved.akte
        values |= _common(
            akte.title, akte.description, akte.created_by, akte.created_at, akte.updated_at
        )
        values["cmis:parentId"] = (plan_object_id(akte.file_plan_code),)
        values["cmis:allowedChildObjectTypeIds"] = _CHILD_TYPES_AKTE
        values["eakte:aktenzeichen"] = (akte.aktenzeichen,)
        values["eakte:planCode"] = (akte.file_plan_code,)
        values["eakte:subjectKeys"] = tuple(f"{k.kind}:{k.value}" for k in akte.subject_keys)
        values["eakte:status"] = (akte.status,)
        values["eakte:openedAt"] = (akte.opened_at,)
        values["eakte:closedAt"] = _one(akte.closed_at)
        values["eakte:retentionUntil"] = _one(day_start(akte.retention_until))
        values["eakte:legalHold"] = (akte.legal_hold,)
        values["eakte:confidentiality"] = (akte.confidentiality,)
        values["eakte:orgUnit"] = (akte.org_unit,)
    elif isinstance(resolved, ResolvedVorgang):
        vorgang = resolved.vorgang
        changed = vorgang.updated_at or vorgang.closed_at or vorgang.opened_at
        description = (vorgang.details or {}).get("description")
        values |= _common(
            vorgang.title, description, vorgang.created_by, vorgang.opened_at, changed
        )
        values["cmis:parentId"] = (akte_object_id(vorgang.akte_id),)
        values["cmis:allowedChildObjectTypeIds"] = _CHILD_TYPES_VORGANG
        values["eakte:vorgangNumber"] = (vorgang.number,)
        values["eakte:status"] = (vorgang.status,)
        values["eakte:openedAt"] = (vorgang.opened_at,)
        values["eakte:closedAt"] = _one(vorgang.closed_at)
    elif isinstance(resolved, ResolvedFolder):
        folder = resolved.folder
        values |= _common(
            folder.name,
            folder.description,
            folder.created_by,
            folder.created_at,
            folder.updated_at,
        )
        if folder.parent_id is not None:
            parent = folder_object_id(folder.parent_id)
        elif folder.vorgang_id is not None:
            parent = vorgang_object_id(folder.vorgang_id)
        else:
            parent = akte_object_id(folder.akte_id)
        values["cmis:parentId"] = (parent,)
        values["cmis:allowedChildObjectTypeIds"] = (
            _CHILD_TYPES_VORGANG if folder.kind == FolderKind.TEILAKTE else _CHILD_TYPES_FOLDER
        )
    return values


def _common(
    name: str,
    description: str | None,
    created_by: str | None,
    created: datetime | None,
    changed: datetime | None,
) -> dict[str, tuple[Any, ...]]:
    return {
        "cmis:name": (cmis_name(name),),
        "cmis:description": _one(description),
        "cmis:createdBy": _one(created_by),
        "cmis:creationDate": _one(created),
        "cmis:lastModifiedBy": _one(created_by),
        "cmis:lastModificationDate": _one(changed or created),
        "cmis:changeToken": _one(change_token(changed or created)),
    }


def _document_values(
    ctx: CmisContext, resolved: ResolvedVersion | ResolvedPwc
) -> dict[str, tuple[Any, ...]]:
    document, version, akte = resolved.document, resolved.version, resolved.akte
    checkout = resolved.checkout
    pwc = isinstance(resolved, ResolvedPwc)
    latest = pwc or (isinstance(resolved, ResolvedVersion) and resolved.is_latest)
    content: StoredObject | None = version.content
    media_type: str | None = version.media_type
    filename: str | None = content_filename(document, Part.CONTENT, version.media_type)
    if pwc and checkout is not None and checkout.content_changed:
        content = (
            ctx.session.get(StoredObject, checkout.content_object_id)
            if checkout.content_object_id is not None
            else None
        )
        media_type = content.media_type if content is not None else None
        filename = checkout.content_filename or (
            content_filename(document, Part.CONTENT, media_type) if media_type else None
        )
    values: dict[str, tuple[Any, ...]] = {
        "cmis:objectId": (object_id_of(resolved),),
        "cmis:baseTypeId": (BaseTypeId.DOCUMENT.value,),
        "cmis:name": (cmis_name(document.title),),
        "cmis:description": _one(document.description),
        "cmis:createdBy": _one(checkout.checked_out_by if pwc and checkout else version.created_by),
        "cmis:creationDate": (checkout.checked_out_at if pwc and checkout else version.created_at,),
        "cmis:lastModifiedBy": _one(
            version.created_by if not pwc else checkout and checkout.checked_out_by
        ),
        "cmis:lastModificationDate": (document.updated_at if latest else version.created_at,),
        "cmis:changeToken": _one(change_token(document.updated_at)),
        "cmis:isImmutable": (not latest,),
        "cmis:isLatestVersion": (latest and not pwc,),
        "cmis:isMajorVersion": (resolved.label.is_major and not pwc,),
        "cmis:isLatestMajorVersion": (not pwc and _is_latest_major(ctx, resolved),),
        "cmis:isPrivateWorkingCopy": (pwc,),
        "cmis:versionLabel": (PWC_LABEL if pwc else resolved.label.text,),
        "cmis:versionSeriesId": (document.id,),
        "cmis:isVersionSeriesCheckedOut": (checkout is not None,),
        "cmis:versionSeriesCheckedOutBy": _one(checkout.checked_out_by if checkout else None),
        "cmis:versionSeriesCheckedOutId": _one(pwc_object_id(document.id) if checkout else None),
        "cmis:checkinComment": _one(None if pwc else version.comment),
        "cmis:contentStreamLength": _one(content.size if content is not None else None),
        "cmis:contentStreamMimeType": _one(media_type if content is not None else None),
        "cmis:contentStreamFileName": _one(filename if content is not None else None),
        "cmis:contentStreamId": (),
        "eakte:letterDate": _one(day_start(document.letter_date)),
        "eakte:receivedAt": (document.created_at,),
        "eakte:direction": _one(document.direction),
        "eakte:sender": _one(document.sender),
        "eakte:planCode": (akte.file_plan_code,),
        "eakte:aktenzeichen": (akte.aktenzeichen,),
        "eakte:filingStatus": (document.filing_status,),
        "eakte:confidentiality": (document.confidentiality,),
        "eakte:contentSha256": _one(content.sha256 if content is not None else None),
        "eakte:renditionSha256": _one(
            version.rendition.sha256 if version.rendition is not None and not pwc else None
        ),
        "eakte:retentionUntil": _one(day_start(retention_end(document))),
        "eakte:legalHold": (is_held(document),),
        "eakte:pageCount": (document.page_count,),
        "eakte:ocrStatus": (document.status,),
    }
    return values


def _is_latest_major(ctx: CmisContext, resolved: ResolvedVersion | ResolvedPwc) -> bool:
    if not resolved.label.is_major:
        return False
    if isinstance(resolved, ResolvedVersion) and resolved.is_latest:
        return True
    return (
        version_queries.latest_major_number(ctx.session, resolved.document)
        == resolved.version.number
    )
