"""Allowable actions, computed from the caller's scope and the object's state.

They say what eakte would actually allow: nothing is created in a closed Akte, a
document under retention or legal hold cannot be deleted, a checked-out document is
changed through its private working copy, plan items only receive Akten of units the
caller may write.  Relationships, policies and multi-filing are not offered.
"""

from __future__ import annotations

from services.access.roles import Permission
from services.access.scope import Scope
from services.cmis.model import CmisContext
from services.cmis.resolve import (
    Resolved,
    ResolvedAkte,
    ResolvedFolder,
    ResolvedPlanItem,
    ResolvedPwc,
    ResolvedRoot,
    ResolvedVersion,
    ResolvedVorgang,
    akte_of,
    resolve,
)
from services.db.models import Akte, AkteStatus
from services.storage.protection import is_held, retention_end

_READ_FOLDER = frozenset(
    {
        "canGetProperties",
        "canGetChildren",
        "canGetDescendants",
        "canGetFolderTree",
        "canGetACL",
    }
)
_PARENTS = frozenset({"canGetFolderParent", "canGetObjectParents"})
_READ_DOCUMENT = frozenset(
    {"canGetProperties", "canGetObjectParents", "canGetAllVersions", "canGetACL"}
)
_CREATE_IN = frozenset({"canCreateDocument", "canCreateFolder"})


def get_allowable_actions(ctx: CmisContext, object_id: str) -> frozenset[str]:
    return allowable_actions(ctx, resolve(ctx, object_id))


def allowable_actions(ctx: CmisContext, resolved: Resolved) -> frozenset[str]:
    scope = ctx.scope
    if isinstance(resolved, ResolvedRoot):
        return _READ_FOLDER
    if isinstance(resolved, ResolvedPlanItem):
        actions = set(_READ_FOLDER | _PARENTS)
        unit = resolved.plan.effective_org_unit(resolved.item.code)
        if resolved.is_leaf and unit is not None and scope.can_write_unit(unit):
            actions.add("canCreateFolder")
        return frozenset(actions)
    akte = akte_of(resolved)
    assert akte is not None
    writable = _may_write(scope, akte)
    open_ = writable and akte.status == AkteStatus.OPEN
    if isinstance(resolved, ResolvedAkte | ResolvedVorgang | ResolvedFolder):
        actions = set(_READ_FOLDER | _PARENTS)
        if open_:
            actions |= _CREATE_IN | {"canUpdateProperties", "canDeleteTree"}
        if open_ and isinstance(resolved, ResolvedFolder):
            actions.add("canMoveObject")
        if isinstance(resolved, ResolvedAkte):
            if writable and not akte.legal_hold:
                actions.add("canDeleteObject")  # only an empty Akte opened by mistake
        elif open_:
            actions.add("canDeleteObject")  # only when empty
        if writable:
            actions.add("canApplyACL")
        return frozenset(actions)
    actions = set(_READ_DOCUMENT)
    if isinstance(resolved, ResolvedPwc):
        if writable:
            actions |= {"canCheckIn", "canCancelCheckOut", "canUpdateProperties"}
            actions |= {"canSetContentStream", "canDeleteObject"}
        if resolved.checkout.content_object_id is not None or not resolved.checkout.content_changed:
            actions.add("canGetContentStream")
            if writable:
                actions.add("canDeleteContentStream")
        return frozenset(actions)
    actions.add("canGetContentStream")
    if resolved.version.rendition is not None:
        actions.add("canGetRenditions")
    if writable:
        actions.add("canApplyACL")
    if resolved.is_latest:
        if open_:
            actions |= {"canUpdateProperties"}
            if resolved.checkout is None:
                actions |= {"canCheckOut", "canSetContentStream"}
        if open_ and not is_held(resolved.document):
            actions.add("canMoveObject")
        if writable and resolved.checkout is None and _destroyable(ctx, resolved):
            actions.add("canDeleteObject")
    return frozenset(actions)


def _may_write(scope: Scope, akte: Akte) -> bool:
    """The REST API's write check: manage records, and the Akte's unit or a write share."""
    return scope.may(Permission.MANAGE_RECORDS) and scope.can_write_akte(akte)


def _destroyable(ctx: CmisContext, resolved: ResolvedVersion) -> bool:
    """Past its retention end, not held, and the caller manages retention."""
    if not ctx.scope.may(Permission.MANAGE_RETENTION):
        return False
    end = retention_end(resolved.document)
    if end is None or is_held(resolved.document):
        return False
    return ctx.clock.now().date() > end
