"""The caller's scope: what a principal may do and see, resolved once per request.

A :class:`Scope` is built from the principal (roles, units, clearance), the deployment's
role catalog, the file plan's unit hierarchy and the Akten shared with the caller.  The
query functions of every service take one; :mod:`services.access.visibility` turns it
into SQL conditions, so totals, facets and snippets are computed on visible rows only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.access.confidentiality import Confidentiality, readable_levels
from services.access.org_units import known_units, with_sub_units
from services.access.principal import Principal, PrincipalKind
from services.access.roles import Permission, Reach, RoleCatalog
from services.db.models import Akte, AkteShare, ShareAccess, ShareGrantee
from services.errors import NotFoundError, PermissionDeniedError


@dataclass(frozen=True)
class Scope:
    principal: Principal
    permissions: frozenset[Permission]
    all_units: bool
    """Sees every unit (records managers, auditors, data protection, admins)."""
    units: frozenset[str]
    """The caller's units with their sub-units."""
    unfiled_mail: bool
    """Sees mail not yet filed, of every unit (mail room, stations)."""
    reads_content: bool
    levels: frozenset[str]
    """Confidentiality codes the caller's clearance admits."""
    shared_read: frozenset[str]
    """Akten shared with the caller or one of their units (read or write)."""
    shared_write: frozenset[str]

    @property
    def sees_everything(self) -> bool:
        """Every unit, every level, content included: no condition needed at all."""
        return self.all_units and self.reads_content and len(self.levels) == len(Confidentiality)

    @property
    def actor(self) -> str:
        return self.principal.audit_name

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            roles = ", ".join(sorted(self.principal.roles)) or "none"
            raise PermissionDeniedError(
                f"your roles ({roles}) may not {permission.value.replace('_', ' ')}"
            )

    def admits(self, level: str) -> bool:
        return level in self.levels

    def in_units(self, unit: str | None) -> bool:
        return self.all_units or (unit is not None and unit in self.units)

    def can_write_unit(self, unit: str) -> bool:
        """May create or change records of ``unit`` (e.g. open an Akte there)."""
        return self.may(Permission.MANAGE_RECORDS) and self.in_units(unit)

    def can_write_akte(self, akte: Akte) -> bool:
        """May file into, change, close or share ``akte`` (which the caller can see)."""
        if not self.may(Permission.MANAGE_RECORDS) and not self.may(Permission.REVIEW):
            return False
        return self.in_units(akte.org_unit) or akte.id in self.shared_write

    def require_write_akte(self, akte: Akte) -> None:
        if not self.can_write_akte(akte):
            raise PermissionDeniedError(
                f"you may read Akte {akte.aktenzeichen} but not change it "
                f"(it belongs to unit {akte.org_unit!r})"
            )

    def require_write_unit(self, unit: str) -> None:
        if not self.can_write_unit(unit):
            raise PermissionDeniedError(
                f"you may not create or change records of unit {unit!r}; "
                f"your units: {', '.join(sorted(self.principal.org_units)) or 'none'}"
            )


def build_scope(
    session: Session, principal: Principal, catalog: RoleCatalog, *, today: date
) -> Scope:
    definitions = catalog.definitions(principal.roles)
    all_units = any(d.reach is Reach.ALL for d in definitions)
    units = frozenset() if all_units else with_sub_units(principal.org_units, known_units(session))
    shared_read, shared_write = (
        (frozenset(), frozenset()) if all_units else _shares(session, principal, units, today)
    )
    return Scope(
        principal=principal,
        permissions=catalog.permissions(principal),
        all_units=all_units,
        units=units,
        unfiled_mail=any(d.unfiled_mail for d in definitions),
        reads_content=any(d.reads_content for d in definitions),
        levels=readable_levels(principal.clearance),
        shared_read=shared_read,
        shared_write=shared_write,
    )


def system_scope(name: str = "eakte") -> Scope:
    """The system itself (jobs, start-up), or the operator at the console.

    The console works on the local data directory, whose database it can read anyway;
    it sees everything, and its reads are audited under ``name``.
    """
    principal = Principal(
        id="system",
        kind=PrincipalKind.OPERATOR,
        name=name,
        roles=frozenset({"admin"}),
        org_units=frozenset(),
        clearance=Confidentiality.STRENG_GEHEIM,
    )
    return Scope(
        principal=principal,
        permissions=frozenset(Permission),
        all_units=True,
        units=frozenset(),
        unfiled_mail=True,
        reads_content=True,
        levels=readable_levels(Confidentiality.STRENG_GEHEIM),
        shared_read=frozenset(),
        shared_write=frozenset(),
    )


def _shares(
    session: Session, principal: Principal, units: frozenset[str], today: date
) -> tuple[frozenset[str], frozenset[str]]:
    grantee = or_(
        (AkteShare.grantee_kind == ShareGrantee.UNIT) & AkteShare.grantee.in_(units),
        (AkteShare.grantee_kind == ShareGrantee.PERSON) & (AkteShare.grantee == principal.id),
    )
    rows = session.execute(
        select(AkteShare.akte_id, AkteShare.access).where(
            grantee,
            AkteShare.revoked_at.is_(None),
            or_(AkteShare.valid_until.is_(None), AkteShare.valid_until >= today),
        )
    ).all()
    read = frozenset(r.akte_id for r in rows)
    write = frozenset(r.akte_id for r in rows if r.access == ShareAccess.WRITE)
    return read, write


def not_found(what: str, object_id: str) -> NotFoundError:
    """The answer for something the caller may not see: the same as for nothing at all."""
    return NotFoundError(f"no {what} {object_id}")
