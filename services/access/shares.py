"""Sharing an Akte with another unit or a named person (read, or read and write).

Coesfeld shares Bauakten with planning, the fire brigade and the sewage works.  A share
may end on a date; every share and every revocation is an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access.org_units import check_unit
from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.trail import record_event
from services.db.models import Akte, AkteShare, Person, ShareAccess, ShareGrantee
from services.errors import InvalidInputError, NotFoundError
from services.ports import Clock


@dataclass(frozen=True)
class NewShare:
    grantee_kind: ShareGrantee
    grantee: str
    access: ShareAccess = ShareAccess.READ
    valid_until: date | None = None
    reason: str | None = None


def share_akte(
    session: Session, scope: Scope, akte: Akte, new: NewShare, *, clock: Clock
) -> AkteShare:
    scope.require(Permission.MANAGE_RECORDS)
    scope.require_write_akte(akte)
    if new.valid_until is not None and new.valid_until < clock.now().date():
        raise InvalidInputError("a share cannot end in the past")
    if new.grantee_kind is ShareGrantee.UNIT:
        check_unit(session, new.grantee)
        if new.grantee == akte.org_unit:
            raise InvalidInputError(f"Akte {akte.aktenzeichen} already belongs to {new.grantee}")
    elif session.get(Person, new.grantee) is None:
        raise InvalidInputError(f"no person {new.grantee}")
    share = AkteShare(
        akte_id=akte.id,
        grantee_kind=new.grantee_kind.value,
        grantee=new.grantee,
        access=new.access.value,
        valid_until=new.valid_until,
        reason=new.reason,
        created_at=clock.now(),
        created_by=scope.actor,
    )
    session.add(share)
    session.flush()
    record_event(
        session,
        actor=scope.actor,
        action="akte.shared",
        object_type="akte",
        object_id=akte.id,
        details={
            "share": share.id,
            "grantee": f"{share.grantee_kind}:{share.grantee}",
            "access": share.access,
            "valid_until": share.valid_until.isoformat() if share.valid_until else None,
            "reason": share.reason,
        },
        clock=clock,
    )
    return share


def shares_of(session: Session, akte: Akte, *, include_revoked: bool = False) -> list[AkteShare]:
    query = select(AkteShare).where(AkteShare.akte_id == akte.id)
    if not include_revoked:
        query = query.where(AkteShare.revoked_at.is_(None))
    return list(session.scalars(query.order_by(AkteShare.id)))


def revoke_share(
    session: Session, scope: Scope, akte: Akte, share_id: int, *, clock: Clock
) -> AkteShare:
    scope.require(Permission.MANAGE_RECORDS)
    scope.require_write_akte(akte)
    share = session.get(AkteShare, share_id)
    if share is None or share.akte_id != akte.id:
        raise NotFoundError(f"no share {share_id} of Akte {akte.aktenzeichen}")
    if share.revoked_at is None:
        share.revoked_at = clock.now()
        share.revoked_by = scope.actor
        record_event(
            session,
            actor=scope.actor,
            action="akte.share_revoked",
            object_type="akte",
            object_id=akte.id,
            details={"share": share.id, "grantee": f"{share.grantee_kind}:{share.grantee}"},
            clock=clock,
        )
    return share
