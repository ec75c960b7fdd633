"""ACLs from eakte's access model, and applyACL as shares of the Akte.

eakte has no per-object ACL: an Akte belongs to a unit, may be shared with other units
or persons (read, or read and write), and roles reaching every unit see it too.  getACL
reports exactly that, for the Akte and everything inside it (propagated from the Akte);
plan items and the root are readable by anyone who reads documents.  applyACL on an
Akte (or anything in it) adds and revokes shares of ``unit:<key>`` and
``person:<id>``; what follows from the unit or the roles cannot be changed here.
"""

from __future__ import annotations

from services.access.confidentiality import Confidentiality
from services.access.roles import Permission, Reach, role_catalog
from services.access.shares import NewShare, revoke_share, share_akte, shares_of
from services.cmis.errors import Constraint, InvalidArgument
from services.cmis.model import AccessControlEntry, Acl, CmisContext
from services.cmis.resolve import (
    Resolved,
    ResolvedAkte,
    ResolvedPwc,
    ResolvedVersion,
    akte_of,
    resolve,
)
from services.db.models import Akte, AkteShare, ShareAccess, ShareGrantee

READ, WRITE, ALL = "cmis:read", "cmis:write", "cmis:all"
ANYONE = "anyone"
ANONYMOUS = "anonymous"
"""The principal ids of repository info (principalIdAnyone, principalIdAnonymous)."""
_PERMISSIONS = (READ, WRITE, ALL)
OPEN_LEVEL = Confidentiality.OFFEN.value


class AclReader:
    """Reads ACLs; shares of one Akte are read once for all objects inside it."""

    def __init__(self, ctx: CmisContext) -> None:
        self._ctx = ctx
        self._by_akte: dict[str, Acl] = {}
        self._roles = _role_aces(ctx)

    def acl_of(self, resolved: Resolved) -> Acl:
        akte = akte_of(resolved)
        if akte is None:
            return Acl((AccessControlEntry(ANYONE, (READ,), direct=False),), exact=False)
        acl = self._by_akte.get(akte.id)
        if acl is None:
            acl = self._by_akte[akte.id] = self._akte_acl(akte)
        if isinstance(resolved, ResolvedAkte):
            return acl
        inherited = tuple(
            AccessControlEntry(a.principal_id, a.permissions, direct=False) for a in acl.aces
        )
        exact = acl.exact
        if isinstance(resolved, ResolvedVersion | ResolvedPwc):
            exact = exact and resolved.document.confidentiality == OPEN_LEVEL
        return Acl(inherited, exact=exact)

    def _akte_acl(self, akte: Akte) -> Acl:
        aces = [AccessControlEntry(f"unit:{akte.org_unit}", (ALL,), direct=False)]
        today = self._ctx.clock.now().date()
        for share in shares_of(self._ctx.session, akte):
            if share.valid_until is None or share.valid_until >= today:
                aces.append(AccessControlEntry(_principal(share), (_permission(share),)))
        aces.extend(self._roles)
        # Clearance limits who sees anything above "Offen"; the ACL cannot say it.
        return Acl(tuple(aces), exact=akte.confidentiality == OPEN_LEVEL)


def get_acl(ctx: CmisContext, object_id: str) -> Acl:
    return AclReader(ctx).acl_of(resolve(ctx, object_id))


def apply_acl(ctx: CmisContext, object_id: str, add: Acl | None, remove: Acl | None) -> Acl:
    """Share the object's Akte (``add``) or revoke shares (``remove``); the new ACL."""
    resolved = resolve(ctx, object_id)
    akte = akte_of(resolved)
    if akte is None:
        raise Constraint("the file plan's ACL follows from the roles and cannot be changed")
    reader = AclReader(ctx)
    fixed = {a.principal_id: a.permissions for a in reader.acl_of(ResolvedAkte(akte)).aces}
    for ace in remove.aces if remove else ():
        _remove(ctx, akte, ace, fixed)
    for ace in add.aces if add else ():
        _add(ctx, akte, ace, fixed)
    ctx.session.flush()
    return AclReader(ctx).acl_of(resolved)


def _remove(
    ctx: CmisContext, akte: Akte, ace: AccessControlEntry, fixed: dict[str, tuple[str, ...]]
) -> None:
    grantee = _grantee(ace.principal_id)
    share = _active_share(ctx, akte, grantee) if grantee else None
    if share is not None:
        revoke_share(ctx.session, ctx.scope, akte, share.id, clock=ctx.clock)
    elif ace.principal_id in fixed:
        raise Constraint(
            f"{ace.principal_id} has access through the Akte's unit or its roles, not a share; "
            "it cannot be removed"
        )


def _add(
    ctx: CmisContext, akte: Akte, ace: AccessControlEntry, fixed: dict[str, tuple[str, ...]]
) -> None:
    unknown = [p for p in ace.permissions if p not in _PERMISSIONS]
    if unknown or not ace.permissions:
        raise Constraint(f"unsupported permissions {unknown}; use cmis:read or cmis:write")
    access = ShareAccess.READ if set(ace.permissions) == {READ} else ShareAccess.WRITE
    grantee = _grantee(ace.principal_id)
    if grantee is None or (grantee[0] is ShareGrantee.UNIT and grantee[1] == akte.org_unit):
        if ace.principal_id in fixed and _covers(fixed[ace.principal_id], access):
            return
        raise Constraint(
            f"{ace.principal_id} cannot be granted access here; grant unit:<key> or person:<id>"
        )
    share = _active_share(ctx, akte, grantee)
    if share is not None:
        if share.access == access:
            return
        revoke_share(ctx.session, ctx.scope, akte, share.id, clock=ctx.clock)
    kind, key = grantee
    new = NewShare(kind, key, access, reason="CMIS applyACL")
    share_akte(ctx.session, ctx.scope, akte, new, clock=ctx.clock)


def _covers(granted: tuple[str, ...], access: ShareAccess) -> bool:
    if ALL in granted:
        return True
    return WRITE in granted if access is ShareAccess.WRITE else bool(granted)


def _grantee(principal_id: str) -> tuple[ShareGrantee, str] | None:
    kind, _, key = principal_id.partition(":")
    if not key.strip():
        if kind in (ANYONE, ANONYMOUS) or principal_id.startswith("role:"):
            return None
        raise InvalidArgument(f"principal {principal_id!r}: use unit:<key> or person:<id>")
    if kind == "unit":
        return ShareGrantee.UNIT, key
    if kind == "person":
        return ShareGrantee.PERSON, key
    return None


def _active_share(
    ctx: CmisContext, akte: Akte, grantee: tuple[ShareGrantee, str]
) -> AkteShare | None:
    today = ctx.clock.now().date()
    for share in shares_of(ctx.session, akte):
        current = share.valid_until is None or share.valid_until >= today
        if current and (share.grantee_kind, share.grantee) == (grantee[0].value, grantee[1]):
            return share
    return None


def _principal(share: AkteShare) -> str:
    return f"{share.grantee_kind}:{share.grantee}"


def _permission(share: AkteShare) -> str:
    return WRITE if share.access == ShareAccess.WRITE else READ


def _role_aces(ctx: CmisContext) -> list[AccessControlEntry]:
    """Roles that reach every unit: ``cmis:all`` when they manage records, else read."""
    catalog = role_catalog(ctx.settings.access)
    aces = []
    for name in catalog.names:
        (definition,) = catalog.definitions([name])
        if definition.reach is not Reach.ALL or not definition.reads_content:
            continue
        if Permission.MANAGE_RECORDS in definition.permissions:
            aces.append(AccessControlEntry(f"role:{name}", (ALL,), direct=False))
        elif Permission.READ_DOCUMENTS in definition.permissions:
            aces.append(AccessControlEntry(f"role:{name}", (READ,), direct=False))
    return aces
