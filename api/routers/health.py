from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.dependencies import ContainerDep, SessionDep, requires
from services.auth.keys import Principal
from services.auth.permissions import Permission
from services.errors import StorageError

router = APIRouter(prefix="/api/v1/health", tags=["health"])


class HealthOut(BaseModel):
    status: str
    database: str
    storage: str
    storage_backend: str
    search_backend: str
    pending_jobs: int


@router.get("", response_model=HealthOut)
def health(
    session: SessionDep,
    container: ContainerDep,
    _: Annotated[Principal, requires(Permission.READ_ITEMS)],
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
