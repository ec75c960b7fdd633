"""Replies that do not come: a 0502 or a 0506 overdue raises an alert.

"Overdue" is ``EAKTE_ARCHIVE__IMPORT_TIMEOUT_DAYS`` after the message that asked for
it left.  The alert is resolved by the inbox when the reply arrives after all.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.archive.alerts import raise_alert
from services.archive.context import ArchiveContext
from services.db.models import ArchiveProcess, ProcessStatus

NO_APPRAISAL = "no_appraisal"
NO_IMPORT_CONFIRMATION = "no_import_confirmation"


def check_overdue(session: Session, context: ArchiveContext, *, actor: str) -> None:
    now = context.clock.now()
    limit = timedelta(days=context.settings.archive.import_timeout_days)
    waiting = session.scalars(
        select(ArchiveProcess).where(
            ArchiveProcess.status.in_(
                [
                    ProcessStatus.OFFERED.value,
                    ProcessStatus.TRANSFER_SENT.value,
                    ProcessStatus.TRANSFER_RECEIVED.value,
                ]
            )
        )
    )
    for process in waiting:
        if process.status == ProcessStatus.OFFERED:
            since, kind, what = process.offer_sent_at, NO_APPRAISAL, "appraisal (0502)"
        elif process.import_confirmed_at is not None:
            continue  # the 0506 came; what waits now is an approval or a hold
        else:
            since, kind, what = (
                process.transfer_sent_at,
                NO_IMPORT_CONFIRMATION,
                "import confirmation (0506)",
            )
        if since is None or now - since < limit:
            continue
        raise_alert(
            session,
            process_id=process.id,
            kind=kind,
            message=(
                f"no {what} from the archive for process {process.id} since "
                f"{since.date().isoformat()} ({(now - since).days} days); nothing is "
                "deleted until it comes"
            ),
            cause=process.id,
            actor=actor,
            clock=context.clock,
        )
