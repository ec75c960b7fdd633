"""createFolder, createDocument and createDocumentFromSource.

A plain ``cmis:folder`` becomes what its parent calls for: under a plan item (a leaf)
an Akte of that item, under an Akte a Vorgang, under a Vorgang a Teilvorgang, below that
a folder; ``eakte:teilakte`` under an Akte is a Teilakte.  A document is filed in the
Akte (and Vorgang, folder) of its parent folder.  Both go through eakte's record
services with the REST API's checks; client-defined types, secondary types and their
properties are kept beside the record (:mod:`services.cmis.properties`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality
from services.access.roles import Permission
from services.audit.trail import record_event
from services.cmis.documents import (
    AcceptedContent,
    DocumentFields,
    accept_content,
    create_filed_document,
    first_label,
    start_checkout,
)
from services.cmis.errors import Constraint, InvalidArgument, PermissionDenied
from services.cmis.folders import (
    Place,
    check_name,
    create_record_folder,
    ensure_name_free,
    place_in_folder,
    require_write,
)
from services.cmis.ids import (
    IdKind,
    akte_object_id,
    document_key,
    folder_object_id,
    object_key,
    pwc_object_id,
    version_object_id,
    vorgang_object_id,
)
from services.cmis.model import (
    BaseTypeId,
    CmisContext,
    CmisObject,
    IncomingContent,
    OperationContext,
    VersioningState,
)
from services.cmis.navigation import get_object
from services.cmis.properties import load_custom, parse_properties
from services.cmis.requested import (
    Raw,
    RequestedTypes,
    requested_types,
    save_requested,
    without_types,
)
from services.cmis.resolve import (
    ResolvedAkte,
    ResolvedFolder,
    ResolvedFolderLike,
    ResolvedPlanItem,
    ResolvedPwc,
    ResolvedRoot,
    ResolvedVorgang,
    resolve_document,
    resolve_folder,
)
from services.cmis.types.registry import TypeRegistry, registry
from services.db.models import FolderKind, StoredObject
from services.errors import InvalidInputError
from services.ports import BlobRef
from services.records.akten import NewAkte, akte_level, create_akte, unit_of_code
from services.records.subject_keys import subject_key
from services.records.vorgaenge import create_vorgang

_AKTE, _VORGANG, _TEILAKTE, _TEILVORGANG = (
    "eakte:akte",
    "eakte:vorgang",
    "eakte:teilakte",
    "eakte:teilvorgang",
)
_DOKUMENT = "eakte:dokument"


def create_folder(
    ctx: CmisContext, parent_id: str, properties: Raw, *, secondary: Sequence[str] = ()
) -> CmisObject:
    """An Akte, a Vorgang or a folder below an Akte, as the parent and the type call for."""
    parent = resolve_folder(ctx, parent_id)
    types = registry(ctx.session)
    requested = requested_types(types, properties, BaseTypeId.FOLDER, secondary)
    eakte_type = _eakte_folder_type(types, requested.primary.id)
    target = _folder_target(parent, eakte_type)
    definition = requested.primary if not requested.primary.built_in else types.get(target)
    parsed = parse_properties(definition, requested.secondaries, without_types(properties))
    name = check_name(_first(parsed, "cmis:name"))
    description = _first(parsed, "cmis:description")
    if isinstance(parent, ResolvedPlanItem):
        new_id, key = _create_akte(ctx, parent, parsed, name, description)
    elif isinstance(parent, ResolvedAkte) and target == _VORGANG:
        new_id, key = _create_vorgang(ctx, parent, name, description)
    else:
        assert isinstance(parent, ResolvedAkte | ResolvedVorgang | ResolvedFolder)
        place = _place(ctx.session, parent)
        require_write(ctx.scope, place.akte)
        ensure_name_free(ctx.session, ctx.scope, place, name)
        folder = create_record_folder(
            ctx.session,
            place,
            kind=FolderKind(target.removeprefix("eakte:") if target != "cmis:folder" else "folder"),
            name=name,
            description=description,
            actor=ctx.scope.actor,
            clock=ctx.clock,
        )
        new_id, key = folder_object_id(folder.id), object_key(IdKind.FOLDER, folder.id)
    save_requested(ctx.session, types, key, requested, parsed)
    return get_object(ctx, new_id, OperationContext())


def create_document(
    ctx: CmisContext,
    folder_id: str | None,
    properties: Raw,
    content: IncomingContent | None,
    versioning_state: VersioningState | None,
) -> CmisObject:
    """A document filed at the folder, with version 1 (or 0.1) from ``content``."""
    place, types, requested, parsed, fields = _prepare_document(ctx, folder_id, properties)
    if content is None:
        raise Constraint("a document needs content (PDF, TIFF, JPEG or PNG)")
    accepted = accept_content(ctx.store, content, settings=ctx.settings, clock=ctx.clock)
    return _create(ctx, place, types, requested, parsed, fields, accepted, versioning_state)


def create_document_from_source(
    ctx: CmisContext,
    source_id: str,
    folder_id: str | None,
    properties: Raw,
    versioning_state: VersioningState | None,
) -> CmisObject:
    """A copy of a document's content (the version named) as a new document at the folder.

    The copy shares the stored bytes; it gets the source's properties, where
    ``properties`` does not set them, and starts its own version history.
    """
    source = resolve_document(ctx, source_id)
    document = source.document
    custom = load_custom(ctx.session, [document_key(document.id)])[document_key(document.id)]
    merged: dict[str, Sequence[str]] = {"cmis:name": [document.title]}
    if custom.type_id:
        merged["cmis:objectTypeId"] = [custom.type_id]
    if custom.secondary_ids:
        merged["cmis:secondaryObjectTypeIds"] = list(custom.secondary_ids)
    merged.update(properties)
    place, types, requested, parsed, fields = _prepare_document(ctx, folder_id, merged)
    fields = DocumentFields(
        title=fields.title,
        description=_given(parsed, "cmis:description", fields.description, document.description),
        letter_date=_given(parsed, "eakte:letterDate", fields.letter_date, document.letter_date),
        direction=_given(parsed, "eakte:direction", fields.direction, document.direction),
        sender=_given(parsed, "eakte:sender", fields.sender, document.sender),
        confidentiality=fields.confidentiality
        if "eakte:confidentiality" in parsed
        else Confidentiality(document.confidentiality),
    )
    for pid, values in custom.values.items():
        parsed.setdefault(pid, values)
    stored, filename = source.version.content, None
    if isinstance(source, ResolvedPwc) and source.checkout.content_object_id is not None:
        pwc_content = ctx.session.get(StoredObject, source.checkout.content_object_id)
        if pwc_content is not None:
            stored, filename = pwc_content, source.checkout.content_filename
    accepted = AcceptedContent(
        ref=BlobRef(
            key=stored.blob_key,
            sha256=stored.sha256,
            size=stored.size,
            version_id=stored.version_id,
        ),
        media_type=stored.media_type,
        page_count=document.page_count,
        filename=filename,
    )
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action="content.read",
        object_type="document",
        object_id=document.id,
        details={"via": "cmis", "copied": True, "sha256": stored.sha256},
        clock=ctx.clock,
    )
    return _create(ctx, place, types, requested, parsed, fields, accepted, versioning_state)


def _prepare_document(
    ctx: CmisContext, folder_id: str | None, properties: Raw
) -> tuple[Place, TypeRegistry, RequestedTypes, dict[str, tuple[Any, ...]], DocumentFields]:
    if folder_id is None:
        raise Constraint(
            "eakte files every document in an Akte; unfiled documents are not supported"
        )
    parent = resolve_folder(ctx, folder_id)
    if isinstance(parent, ResolvedRoot | ResolvedPlanItem):
        raise Constraint("documents are filed in an Akte, a Vorgang or a folder below them")
    place = _place(ctx.session, parent)
    require_write(ctx.scope, place.akte)
    place.ensure_open()
    types = registry(ctx.session)
    requested = requested_types(types, properties, BaseTypeId.DOCUMENT)
    definition = requested.primary if not requested.primary.built_in else types.get(_DOKUMENT)
    parsed = parse_properties(definition, requested.secondaries, without_types(properties))
    fields = DocumentFields(
        title=check_name(_first(parsed, "cmis:name")),
        description=_first(parsed, "cmis:description"),
        letter_date=_date(_first(parsed, "eakte:letterDate")),
        direction=_first(parsed, "eakte:direction"),
        sender=_first(parsed, "eakte:sender"),
        confidentiality=_level(ctx, _first(parsed, "eakte:confidentiality")),
    )
    ensure_name_free(ctx.session, ctx.scope, place, fields.title)
    return place, types, requested, parsed, fields


def _create(
    ctx: CmisContext,
    place: Place,
    types: TypeRegistry,
    requested: RequestedTypes,
    parsed: dict[str, tuple[Any, ...]],
    fields: DocumentFields,
    accepted: AcceptedContent,
    versioning_state: VersioningState | None,
) -> CmisObject:
    state = versioning_state or VersioningState.MAJOR
    document = create_filed_document(
        ctx.session,
        ctx.search,
        place,
        fields,
        accepted,
        label=first_label(major=state in (VersioningState.MAJOR, VersioningState.NONE)),
        actor=ctx.scope.actor,
        key_id=ctx.scope.principal.key_id,
        settings=ctx.settings,
        clock=ctx.clock,
    )
    save_requested(ctx.session, types, document_key(document.id), requested, parsed)
    if state is VersioningState.CHECKEDOUT:
        start_checkout(ctx.session, document, actor=ctx.scope.actor, clock=ctx.clock)
        return get_object(ctx, pwc_object_id(document.id), OperationContext())
    label = first_label(major=state is not VersioningState.MINOR)
    return get_object(
        ctx, version_object_id(document.id, label.major, label.minor), OperationContext()
    )


def _create_akte(
    ctx: CmisContext,
    parent: ResolvedPlanItem,
    parsed: dict[str, tuple[Any, ...]],
    name: str,
    description: str | None,
) -> tuple[str, str]:
    plan, code = parent.plan, parent.item.code
    if not parent.is_leaf:
        raise Constraint(
            f"Akten are formed at the lowest level of the file plan; {code} has sub-items"
        )
    ctx.scope.require(Permission.MANAGE_RECORDS)
    ctx.scope.require_write_unit(unit_of_code(plan, code))
    asked = _level(ctx, _first(parsed, "eakte:confidentiality"))
    if not ctx.scope.admits(akte_level(plan, code, asked).value):
        raise PermissionDenied("your clearance does not reach the level this Akte would have")
    keys = []
    for raw in parsed.get("eakte:subjectKeys", ()):
        kind, separator, value = str(raw).partition(":")
        if not separator:
            raise InvalidArgument(f"eakte:subjectKeys are written kind:value, not {raw!r}")
        keys.append(subject_key(kind.strip(), value))
    ensure_name_free(ctx.session, ctx.scope, code, name)
    akte = create_akte(
        ctx.session,
        plan,
        NewAkte(
            code=code, title=name, description=description, subject_keys=keys, confidentiality=asked
        ),
        actor=ctx.scope.actor,
        clock=ctx.clock,
    )
    return akte_object_id(akte.id), object_key(IdKind.AKTE, akte.id)


def _create_vorgang(
    ctx: CmisContext, parent: ResolvedAkte, name: str, description: str | None
) -> tuple[str, str]:
    require_write(ctx.scope, parent.akte)
    Place(parent.akte).ensure_open()
    ensure_name_free(ctx.session, ctx.scope, Place(parent.akte), name)
    vorgang = create_vorgang(ctx.session, parent.akte, name, actor=ctx.scope.actor, clock=ctx.clock)
    if description:
        vorgang.details = {**(vorgang.details or {}), "description": description}
    return vorgang_object_id(vorgang.id), object_key(IdKind.VORGANG, vorgang.id)


def _eakte_folder_type(types: TypeRegistry, type_id: str) -> str | None:
    """The eakte folder type ``type_id`` is or derives from; None for a plain folder type."""
    for eakte_type in (_AKTE, _VORGANG, _TEILAKTE, _TEILVORGANG):
        if types.is_a(type_id, eakte_type):
            return eakte_type
    return None


def _folder_target(parent: ResolvedFolderLike, eakte_type: str | None) -> str:
    """The eakte type a new folder of ``eakte_type`` (None: plain) becomes under ``parent``."""
    allowed: dict[str | None, str]
    if isinstance(parent, ResolvedRoot):
        raise Constraint("the root holds the file plan; create Akten below a plan item")
    if isinstance(parent, ResolvedPlanItem):
        allowed = {None: _AKTE, _AKTE: _AKTE}
    elif isinstance(parent, ResolvedAkte):
        allowed = {None: _VORGANG, _VORGANG: _VORGANG, _TEILAKTE: _TEILAKTE}
    elif isinstance(parent, ResolvedVorgang):
        allowed = {None: _TEILVORGANG, _TEILVORGANG: _TEILVORGANG}
    elif parent.folder.vorgang_id is not None:
        allowed = {None: "cmis:folder", _TEILVORGANG: _TEILVORGANG}
    else:
        allowed = {None: "cmis:folder"}
    if eakte_type not in allowed:
        raise Constraint(f"a folder of type {eakte_type} cannot be created here")
    return allowed[eakte_type]


def _place(session: Session, parent: ResolvedAkte | ResolvedVorgang | ResolvedFolder) -> Place:
    if isinstance(parent, ResolvedAkte):
        return Place(parent.akte)
    if isinstance(parent, ResolvedVorgang):
        return Place(parent.akte, parent.vorgang)
    return place_in_folder(session, parent.folder, parent.akte)


def _level(ctx: CmisContext, raw: str | None) -> Confidentiality | None:
    if raw is None:
        return None
    try:
        level = Confidentiality.parse(raw)
    except InvalidInputError as exc:
        raise InvalidArgument(exc.detail) from None
    if not ctx.scope.admits(level.value):
        raise PermissionDenied(f"your clearance does not reach {level.value} ({level.label})")
    return level


def _date(value: Any) -> Any:
    return None if value is None else value.date()


def _given(parsed: Mapping[str, tuple[Any, ...]], pid: str, given: Any, source: Any) -> Any:
    return given if pid in parsed else source


def _first(parsed: Mapping[str, tuple[Any, ...]], pid: str) -> Any:
    values = parsed.get(pid, ())
    return values[0] if values else None
