"""What a start after a crash cleans up or reports: OCR leftovers, orphaned blobs, spools.

:func:`sweep_at_startup` is called once when a process that serves or works starts.
A ``kill -9`` during OCR leaves ocrmypdf and tesseract running (they are reparented,
not killed) and ``eakte-ocr-*`` directories full of document content in the temporary
directory: both are removed.  A kill during an upload leaves a locked blob without a
row: it cannot be removed before its lock ends, so it is reported (see
:mod:`services.storage.orphans`).  Neither failing stops the start: the sweep is
logged and tried again at the next one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from services.audit.trail import SYSTEM_ACTOR
from services.cmis.append_spool import sweep_stale_spools
from services.db.session import unit_of_work
from services.errors import EAkteError
from services.ocr.workdir import OcrSweep, default_base, sweep_ocr_leftovers
from services.storage.orphans import Orphan, find_orphans, record_orphans

if TYPE_CHECKING:  # bootstrap calls this module; importing it back at run time would cycle
    from services.bootstrap import Container

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartupSweep:
    ocr: OcrSweep
    orphans: list[Orphan] = field(default_factory=list)
    """Every orphan found now; those not reported before got an audit event."""


def sweep_at_startup(container: Container) -> StartupSweep:
    settings = container.settings
    lease = settings.jobs.lease_seconds
    ocr = sweep_ocr_leftovers(
        default_base(),
        min_age_seconds=lease,
        unlocked_age_seconds=settings.ocr.timeout_seconds + lease,
    )
    try:
        stale = sweep_stale_spools(settings.data_dir)
    except OSError as exc:
        log.warning("could not remove stale CMIS append spools: %s", exc)
    else:
        if stale:
            log.info("removed %d stale CMIS append spools", stale)
    try:
        orphans = scan_orphans(container)
    except EAkteError as exc:
        log.warning("could not look for orphaned blobs: %s", exc.detail)
        orphans = []
    return StartupSweep(ocr=ocr, orphans=orphans)


def scan_orphans(container: Container, *, actor: str = SYSTEM_ACTOR) -> list[Orphan]:
    """Find orphaned blobs now, record the new ones in the audit trail, return all."""
    with unit_of_work(container.session_factory, write=False) as session:
        orphans = find_orphans(session, container.store, now=container.clock.now())
    if not orphans:
        return []
    with unit_of_work(container.session_factory) as session:
        new = record_orphans(session, container.store, orphans, clock=container.clock, actor=actor)
    if new:
        log.warning(
            "%d blobs in the store have no database row (orphans, kept locked): %s",
            len(new),
            ", ".join(orphan.key for orphan in new[:5]) + (" ..." if len(new) > 5 else ""),
        )
    return orphans
