"""Changing the confidentiality level of an Akte or a document.

Raising is up to whoever may change the object, within their own clearance.  Lowering
(Herabstufung) needs a records manager's permission and never goes below the file-plan
item's default.  Both are audit events.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from file_plan import FilePlan
from services.access.confidentiality import Confidentiality
from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.trail import record_event
from services.db.models import Akte, Document
from services.errors import InvalidInputError, PermissionDeniedError
from services.ports import Clock
from services.records.akten import akte_level


def set_akte_level(
    session: Session,
    scope: Scope,
    plan: FilePlan,
    akte: Akte,
    level: Confidentiality,
    *,
    reason: str,
    clock: Clock,
) -> Akte:
    scope.require_write_akte(akte)
    floor = akte_level(plan, akte.file_plan_code, None)
    if not level.at_least(floor):
        raise InvalidInputError(
            f"the file plan requires at least {floor.value} ({floor.label}) for "
            f"{akte.file_plan_code}"
        )
    _change(scope, Confidentiality(akte.confidentiality), level)
    previous = akte.confidentiality
    akte.confidentiality = level.value
    _record(session, scope, "akte", akte.id, previous, level, reason, clock)
    return akte


def set_document_level(
    session: Session,
    scope: Scope,
    document: Document,
    level: Confidentiality,
    *,
    reason: str,
    clock: Clock,
) -> Document:
    if document.akte is not None:
        scope.require_write_akte(document.akte)
    elif not scope.may(Permission.MANAGE_RECORDS) or not scope.in_units(document.org_unit):
        raise PermissionDeniedError("you may not change this document")
    _change(scope, Confidentiality(document.confidentiality), level)
    previous = document.confidentiality
    document.confidentiality = level.value
    _record(session, scope, "document", document.id, previous, level, reason, clock)
    return document


def _change(scope: Scope, current: Confidentiality, new: Confidentiality) -> None:
    if not scope.admits(new.value):
        raise PermissionDeniedError(
            f"your clearance does not reach {new.value} ({new.label}); you could not read it"
        )
    if current.at_least(new) and current != new and not scope.may(Permission.MANAGE_RETENTION):
        raise PermissionDeniedError("only records managers may lower a confidentiality level")


def _record(
    session: Session,
    scope: Scope,
    object_type: str,
    object_id: str,
    previous: str,
    level: Confidentiality,
    reason: str,
    clock: Clock,
) -> None:
    record_event(
        session,
        actor=scope.actor,
        action=f"{object_type}.confidentiality_changed",
        object_type=object_type,
        object_id=object_id,
        details={"from": previous, "to": level.value, "reason": reason},
        clock=clock,
    )
