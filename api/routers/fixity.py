"""Start a fixity run now instead of waiting for the schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.dependencies import ContainerDep, WriteSessionDep, requires
from services.access.roles import Permission
from services.access.scope import Scope
from services.storage.fixity_request import request_fixity_run

router = APIRouter(prefix="/api/v1/storage", tags=["health"])


class FixityRunOut(BaseModel):
    due_at: datetime = Field(description="when the run is due; the workers start it then")


@router.post(
    "/fixity-runs",
    response_model=FixityRunOut,
    status_code=202,
    summary="Bring the next scheduled fixity run forward to now",
)
def start_fixity_run(
    session: WriteSessionDep,
    container: ContainerDep,
    scope: Annotated[Scope, requires(Permission.READ_AUDIT)],
) -> FixityRunOut:
    """Checks the scheduled share of objects, those checked longest ago first.

    Its findings appear at ``GET /api/v1/health/storage``.
    """
    due = request_fixity_run(
        session, scope, clock=container.clock, settings=container.settings.jobs
    )
    return FixityRunOut(due_at=due)
