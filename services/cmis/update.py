"""updateProperties and bulkUpdateProperties.

``cmis:name`` is the title (Akte, Vorgang, document) or the folder's name; documents
also take their description, letter date, direction, sender and confidentiality (through
:mod:`services.access.levels`, which decides who may raise or lower it).  Properties
belong to the version series: a change made through the latest version or the private
working copy is the document's.  Older versions are immutable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.access.confidentiality import Confidentiality
from services.access.levels import set_document_level
from services.audit.trail import record_event
from services.cmis.documents import index_document
from services.cmis.errors import CmisError, Constraint, InvalidArgument, UpdateConflict
from services.cmis.folders import (
    Place,
    check_name,
    ensure_name_free,
    place_of_document,
    place_of_folder,
    require_write,
)
from services.cmis.model import CmisContext, CmisObject, OperationContext
from services.cmis.navigation import get_object
from services.cmis.objects import builtin_type_id, custom_key, object_id_of, to_object
from services.cmis.properties import WriteMode, load_custom, parse_properties, save_custom
from services.cmis.requested import last_value, secondary_types
from services.cmis.resolve import (
    Resolved,
    ResolvedAkte,
    ResolvedFolder,
    ResolvedPwc,
    ResolvedVersion,
    ResolvedVorgang,
    resolve,
)
from services.cmis.types.registry import registry
from services.errors import EAkteError, InvalidInputError

Raw = Mapping[str, Sequence[str]]

_ECHOED = ("cmis:objectId", "cmis:baseTypeId", "cmis:changeToken", "cmis:objectTypeId")
"""Read-only properties clients send back unchanged; ignored (a changed type is refused)."""


def update_properties(
    ctx: CmisContext, object_id: str, properties: Raw, change_token: str | None
) -> CmisObject:
    resolved = resolve(ctx, object_id)
    check_change_token(ctx, resolved, change_token)
    apply_properties(ctx, resolved, properties)
    return get_object(ctx, object_id_of(resolved), OperationContext())


def bulk_update_properties(
    ctx: CmisContext,
    objects: Sequence[tuple[str, str | None]],
    properties: Raw,
    add_secondary: Sequence[str],
    remove_secondary: Sequence[str],
) -> list[tuple[str, str, str | None]]:
    """(id, new id, new change token) of every object updated; failures are left out.

    Each object is updated in its own savepoint, so one that fails changes nothing.
    """
    done: list[tuple[str, str, str | None]] = []
    for object_id, token in objects:
        try:
            with ctx.session.begin_nested():
                resolved = resolve(ctx, object_id)
                check_change_token(ctx, resolved, token)
                apply_properties(
                    ctx, resolved, properties, add_secondary=add_secondary, remove=remove_secondary
                )
        except (CmisError, EAkteError):
            continue
        updated = get_object(ctx, object_id_of(resolved), OperationContext())
        done.append((object_id, updated.object_id, _token(updated)))
    return done


def check_change_token(ctx: CmisContext, resolved: Resolved, token: str | None) -> None:
    """UpdateConflict when the client's change token is not the object's current one."""
    if token is None or not token.strip():
        return
    current = _token(
        to_object(ctx, resolved, OperationContext(filter=frozenset({"cmis:changeToken"})))
    )
    if current is not None and token.strip() != current:
        raise UpdateConflict("the object was changed since it was read (stale change token)")


def apply_properties(
    ctx: CmisContext,
    resolved: Resolved,
    raw: Raw,
    *,
    add_secondary: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> None:
    """Write ``raw`` to the record behind ``resolved``, audited; the caller checked the token."""
    if not isinstance(
        resolved, ResolvedAkte | ResolvedVorgang | ResolvedFolder | ResolvedVersion | ResolvedPwc
    ):
        raise Constraint("the root and the file plan are read-only")
    if isinstance(resolved, ResolvedVersion) and not resolved.is_latest:
        raise Constraint("an older version is immutable; update the latest version")
    akte = resolved.akte
    require_write(ctx.scope, akte)
    types = registry(ctx.session)
    key = custom_key(resolved)
    assert key is not None
    state = load_custom(ctx.session, [key], types)[key]
    current_type = state.type_id or builtin_type_id(resolved)
    given = {pid: values for pid, values in raw.items() if pid not in _ECHOED}
    asked_type = last_value(raw, "cmis:objectTypeId")
    if asked_type and asked_type not in (current_type, builtin_type_id(resolved)):
        raise Constraint("the type of an object cannot be changed")
    secondary_ids = list(given.pop("cmis:secondaryObjectTypeIds", state.secondary_ids))
    secondary_ids = [s for s in [*secondary_ids, *add_secondary] if s not in remove]
    secondaries = secondary_types(types, secondary_ids)
    parsed = parse_properties(types.get(current_type), secondaries, given, mode=WriteMode.UPDATE)
    if not parsed and tuple(t.id for t in secondaries) == state.secondary_ids:
        return
    changed = _apply_builtin(ctx, resolved, parsed)
    custom = {pid: v for pid, v in parsed.items() if types.is_custom_property(pid)}
    new_secondaries = tuple(t.id for t in secondaries) != state.secondary_ids
    if custom or new_secondaries:
        save_custom(ctx.session, key, state.type_id, [t.id for t in secondaries], custom, types)
        changed.extend(sorted(custom))
        if new_secondaries:
            changed.append("cmis:secondaryObjectTypeIds")
    kind, record_id = key.split(":", 1)
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action="cmis.updated",
        object_type=kind,
        object_id=record_id,
        details={"via": "cmis", "properties": changed},
        clock=ctx.clock,
    )


def _apply_builtin(
    ctx: CmisContext,
    resolved: ResolvedAkte | ResolvedVorgang | ResolvedFolder | ResolvedVersion | ResolvedPwc,
    parsed: Mapping[str, tuple[Any, ...]],
) -> list[str]:
    """Set the record's own columns; returns the property ids changed."""
    now = ctx.clock.now()
    changed = [pid for pid in parsed if pid.startswith(("cmis:", "eakte:"))]
    name = check_name(_first(parsed, "cmis:name")) if "cmis:name" in parsed else None
    description = _first(parsed, "cmis:description")
    if isinstance(resolved, ResolvedAkte):
        akte = resolved.akte
        _open(Place(akte))
        if name is not None and name != akte.title:
            ensure_name_free(ctx.session, ctx.scope, akte.file_plan_code, name, own_id=akte.id)
            akte.title = name
        if "cmis:description" in parsed:
            akte.description = description
        akte.updated_at = now
    elif isinstance(resolved, ResolvedVorgang):
        vorgang = resolved.vorgang
        _open(Place(resolved.akte, vorgang))
        if name is not None and name != vorgang.title:
            place = Place(resolved.akte)
            ensure_name_free(ctx.session, ctx.scope, place, name, own_id=vorgang.id)
            vorgang.title = name
        if "cmis:description" in parsed:
            vorgang.details = {**(vorgang.details or {}), "description": description}
        vorgang.updated_at = now
    elif isinstance(resolved, ResolvedFolder):
        folder = resolved.folder
        _open(Place(resolved.akte))
        if name is not None and name != folder.name:
            around = place_of_folder(ctx.session, folder, resolved.akte)
            ensure_name_free(ctx.session, ctx.scope, around, name, own_id=folder.id)
            folder.name = name
        if "cmis:description" in parsed:
            folder.description = description
        folder.updated_at = now
    else:
        _apply_document(ctx, resolved, parsed, name)
    return changed


def _apply_document(
    ctx: CmisContext,
    resolved: ResolvedVersion | ResolvedPwc,
    parsed: Mapping[str, tuple[Any, ...]],
    name: str | None,
) -> None:
    document = resolved.document
    place = place_of_document(ctx.session, document, resolved.akte)
    _open(place)
    if name is not None and name != document.title:
        ensure_name_free(ctx.session, ctx.scope, place, name, own_id=document.id)
        document.title = name
    if "cmis:description" in parsed:
        document.description = _first(parsed, "cmis:description")
    if "eakte:letterDate" in parsed:
        letter = _first(parsed, "eakte:letterDate")
        document.letter_date = None if letter is None else letter.date()
    if "eakte:direction" in parsed:
        document.direction = _first(parsed, "eakte:direction")
    if "eakte:sender" in parsed:
        document.sender = _first(parsed, "eakte:sender")
    if "eakte:confidentiality" in parsed:
        raw_level = _first(parsed, "eakte:confidentiality")
        if raw_level is None:
            raise Constraint("eakte:confidentiality cannot be emptied")
        try:
            level = Confidentiality.parse(raw_level)
        except InvalidInputError as exc:
            raise InvalidArgument(exc.detail) from None
        if level.value != document.confidentiality:
            set_document_level(
                ctx.session,
                ctx.scope,
                document,
                level,
                reason="CMIS updateProperties",
                clock=ctx.clock,
            )
    document.updated_at = ctx.clock.now()
    if {"cmis:name", "cmis:description", "eakte:sender", "eakte:direction"} & parsed.keys():
        index_document(ctx.session, ctx.search, document)


def _open(place: Place) -> None:
    try:
        place.ensure_open()
    except Constraint as exc:
        raise Constraint(f"{exc.detail}; its records cannot be changed") from None


def _token(obj: CmisObject) -> str | None:
    if obj.change_token is not None:
        return obj.change_token
    found = obj.properties.get("cmis:changeToken")
    return None if found is None or not found.values else str(found.values[0])


def _first(parsed: Mapping[str, tuple[Any, ...]], pid: str) -> Any:
    values = parsed.get(pid, ())
    return values[0] if values else None
