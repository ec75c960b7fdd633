"""Verify the audit trail on request (the check ``eakte audit verify`` runs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.dependencies import ContainerDep, WriteSessionDep, requires
from api.schemas.audit_verification import TrailVerificationOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.verification import verify_and_record

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.post(
    "/verification",
    response_model=TrailVerificationOut,
    summary="Recompute the hash chain, compare it with the anchors, record the result",
)
def verify(
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Annotated[Scope, requires(Permission.READ_AUDIT)],
) -> TrailVerificationOut:
    """Every event's hash and link, every position and every anchor in the store.

    The run is recorded as an ``audit.verified`` event with its result; a broken chain
    is a result (``ok: false``), not an error.
    """
    report = verify_and_record(session, container.store, scope, clock=container.clock)
    return TrailVerificationOut.model_validate(report.to_dict())
