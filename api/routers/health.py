from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import text

from api.dependencies import ContainerDep, SessionDep, requires
from api.presenters_storage import storage_health_out
from api.schemas.storage import StorageHealthOut
from services.access.roles import Permission
from services.access.scope import Scope
from services.errors import StorageError
from services.observability.setup import Observability
from services.storage.fixity import storage_health
from services.storage.orphans import reported_orphans

router = APIRouter(prefix="/api/v1/health", tags=["health"])
probes = APIRouter(prefix="/health", tags=["health"])
"""For orchestrators (Kubernetes probes, a load balancer): no credentials, and answers
that say which check failed but nothing about why (the reason goes to the server log)."""


class HealthOut(BaseModel):
    status: str
    database: str
    storage: str
    storage_backend: str
    search_backend: str
    pending_jobs: int


class OrphanOut(BaseModel):
    key: str
    stored_at: datetime
    locked_until: datetime | None


class StorageReportOut(StorageHealthOut):
    orphans: list[OrphanOut]
    """Blobs no database row refers to (an interrupted write), found at start-up; they stay
    locked and are listed until something refers to them.  Not an alert: nothing is lost."""


@router.get("", response_model=HealthOut)
def health(
    session: SessionDep,
    container: ContainerDep,
    _: Annotated[Scope, requires(Permission.READ_ITEMS)],
) -> HealthOut:
    session.execute(text("SELECT 1"))
    try:
        container.store.check_health()
        storage = "ok"
    except StorageError as exc:
        storage = f"error: {exc.detail}"
    return HealthOut(
        status="ok" if storage == "ok" else "degraded",
        database="ok",
        storage=storage,
        storage_backend=container.store.name,
        search_backend=container.search.name,
        pending_jobs=container.queue.pending_count(),
    )


@router.get(
    "/storage",
    response_model=StorageReportOut,
    summary="Fixity, Object Lock and orphaned blobs; 503 while there is an alert",
    responses={503: {"description": "a stored object is corrupt or missing, or no lock"}},
)
def storage(
    session: SessionDep,
    container: ContainerDep,
    response: Response,
    _: Annotated[Scope, requires(Permission.READ_ITEMS)],
) -> StorageReportOut:
    try:
        container.store.check_object_lock()
        object_lock = "ok"
    except StorageError as exc:
        object_lock = f"error: {exc.detail}"
    out = storage_health_out(storage_health(session), container.store.name, object_lock)
    if out.status != "ok":
        response.status_code = 503
    orphans = [
        OrphanOut(key=o.key, stored_at=o.stored_at, locked_until=o.locked_until)
        for o in reported_orphans(session)
    ]
    return StorageReportOut(**out.model_dump(), orphans=orphans)


class LivenessOut(BaseModel):
    status: Literal["alive"]


class CheckOut(BaseModel):
    status: Literal["ok", "failed"]


class ReadinessOut(BaseModel):
    status: Literal["ready", "not_ready", "shutting_down"]
    checks: dict[str, CheckOut]
    """database, store, object_lock (the store can enforce retention), search."""


@probes.get("/live", response_model=LivenessOut, summary="The process answers (no checks)")
async def live() -> LivenessOut:
    # async: answered on the event loop itself, so it also shows the loop is not stuck.
    return LivenessOut(status="alive")


@probes.get(
    "/ready",
    response_model=ReadinessOut,
    summary="Whether this process can serve: 200, or 503 naming the failed checks",
    responses={503: {"model": ReadinessOut, "description": "a check failed, or shutting down"}},
)
def ready(request: Request, response: Response) -> ReadinessOut:
    observability: Observability = request.app.state.observability
    if observability.draining.active:
        response.status_code = 503
        return ReadinessOut(status="shutting_down", checks={})
    results = observability.checks.latest(observability.ready_max_age)
    checks = {r.name: CheckOut(status="ok" if r.ok else "failed") for r in results}
    if all(r.ok for r in results):
        return ReadinessOut(status="ready", checks=checks)
    response.status_code = 503
    return ReadinessOut(status="not_ready", checks=checks)
