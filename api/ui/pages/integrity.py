"""``/ui/verwaltung/integritaet``: is everything still as it was written.

The audit trail's hash chain (last verification, anchors; a button runs a new check
through ``POST /api/v1/audit/verification``), the evidence records sealing each day's
content, the fixity runs re-reading stored objects, and the store's health (reachable,
Object Lock, protection not yet applied) - the figures ``/api/v1/health/storage`` gives.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.page import PageDep
from api.ui.pages.retention_texts import require
from services.access.roles import Permission
from services.audit.verification import trail_status
from services.bootstrap import Container
from services.errors import StorageError
from services.storage.fixity import storage_health
from services.storage.integrity_status import evidence_status, protection_status
from services.storage.orphans import reported_orphans

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class StoreCheck:
    backend: str
    reachable: str | None
    """None when reachable; else what went wrong."""
    object_lock: str | None
    """None when Object Lock is on and working; else what is wrong."""


def check_store(container: Container) -> StoreCheck:
    reachable = lock = None
    try:
        container.store.check_health()
    except StorageError as exc:
        reachable = exc.detail
    try:
        container.store.check_object_lock()
    except StorageError as exc:
        lock = exc.detail
    return StoreCheck(container.store.name, reachable, lock)


@router.get("/ui/verwaltung/integritaet", response_class=HTMLResponse)
def integrity(page: PageDep, session: SessionDep) -> HTMLResponse:
    require(page, Permission.READ_AUDIT)
    trail = trail_status(session, page.scope)
    last = trail.last_verification
    unanchored = None
    if trail.head_seq is not None:
        unanchored = trail.head_seq - (trail.last_anchor.seq if trail.last_anchor else 0)
    return page.render(
        "records_admin/integrity.html",
        title="Integrität und Speicher",
        trail=trail,
        verification=last.details if last is not None else None,
        unanchored=unanchored,
        evidence=evidence_status(session, page.scope),
        protection=protection_status(session, page.scope),
        health=storage_health(session),
        orphans=len(reported_orphans(session)),
        store=check_store(page.container),
        pending_jobs=page.container.queue.pending_count(),
    )
