"""The service's active file plan: import, read, and the shipped default.

Every import is kept whole as a :class:`FilePlanVersion`; the newest one is active.  The
codes of the active plan are mirrored in ``file_plan_entries`` so that the database
refuses an Akte under a code the plan does not have, and an import that would drop a
code still holding Akten is refused.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from file_plan import FilePlan, ensure_valid, load_default_plan
from file_plan.plan_io import dump_json, load_json
from services.audit.trail import record_event
from services.db.models import Akte, FilePlanEntry, FilePlanVersion
from services.errors import ConflictError, NotFoundError
from services.ports import Clock


def import_plan(session: Session, plan: FilePlan, *, actor: str, clock: Clock) -> FilePlanVersion:
    """Make ``plan`` the active plan; refused when it is invalid or would orphan Akten."""
    ensure_valid(plan)
    content = dump_json(plan)
    sha256 = hashlib.sha256(content.encode()).hexdigest()
    _refuse_dropping_codes_in_use(session, plan)
    version = FilePlanVersion(
        name=plan.name,
        version=plan.version,
        sha256=sha256,
        content=content,
        imported_at=clock.now(),
        imported_by=actor,
    )
    session.add(version)
    session.flush()
    _sync_entries(session, plan, version.id)
    record_event(
        session,
        actor=actor,
        action="file_plan.imported",
        object_type="file_plan",
        object_id=str(version.id),
        details={
            "name": plan.name,
            "version": plan.version,
            "sha256": sha256,
            "items": len(plan.items),
        },
        clock=clock,
    )
    return version


def ensure_plan(session: Session, *, clock: Clock) -> None:
    """Import the shipped default plan when no plan was imported yet (first start)."""
    if session.scalar(select(func.count()).select_from(FilePlanVersion)) == 0:
        import_plan(session, load_default_plan(), actor="system", clock=clock)


def active_plan(session: Session) -> FilePlan:
    """The newest imported plan; parsed once per process and version.

    Every request's scope needs the plan's units, so only the version's hash is read
    each time; the 150 KB plan itself only when this process has not parsed it yet.
    """
    row = session.execute(
        select(FilePlanVersion.id, FilePlanVersion.sha256)
        .order_by(FilePlanVersion.id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError("no file plan has been imported: run 'eakte file-plan import'")
    cached = _PARSED.get(row.sha256)
    if cached is None:
        content = session.scalar(
            select(FilePlanVersion.content).where(FilePlanVersion.id == row.id)
        )
        assert content is not None
        cached = _PARSED[row.sha256] = load_json(content)
    return cached


_PARSED: dict[str, FilePlan] = {}
"""Parsed plans by content hash (a plan version never changes; a handful per process)."""


def _refuse_dropping_codes_in_use(session: Session, plan: FilePlan) -> None:
    used = set(session.scalars(select(Akte.file_plan_code).distinct()))
    missing = sorted(code for code in used if code not in plan)
    if missing:
        raise ConflictError(
            "the new file plan lacks codes that still hold Akten: " + ", ".join(missing)
        )


def _sync_entries(session: Session, plan: FilePlan, version_id: int) -> None:
    existing = {entry.code: entry for entry in session.scalars(select(FilePlanEntry))}
    for item in plan.items:
        entry = existing.pop(item.code, None)
        if entry is None:
            session.add(FilePlanEntry(code=item.code, title=item.title, plan_version_id=version_id))
        else:
            entry.title = item.title
            entry.plan_version_id = version_id
    if existing:
        session.execute(delete(FilePlanEntry).where(FilePlanEntry.code.in_(list(existing))))
    session.flush()
