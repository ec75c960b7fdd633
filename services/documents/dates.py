"""The dates a letter carries: when it was written and when it came in.

For mail scanned today the date received is the day of intake; for legacy files scanned
years later (or migrated from another DMS) it is the real one, and both dates show in
the file and travel in the xdomea messages.  Neither lies in the future, and a letter
is not received before it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.trail import record_event
from services.db.models import Document
from services.documents.versions import ensure_not_disposed
from services.errors import InvalidInputError, PermissionDeniedError
from services.ports import Clock

DIRECTIONS = ("incoming", "outgoing", "internal")


@dataclass(frozen=True)
class LetterDates:
    letter_date: date | None
    received_on: date | None
    direction: str | None
    sender: str | None


def set_letter_dates(
    session: Session,
    scope: Scope,
    document: Document,
    dates: LetterDates,
    *,
    reason: str,
    clock: Clock,
) -> Document:
    """Record the letter's dates (``document`` comes from a scoped lookup)."""
    ensure_not_disposed(document)
    if document.akte is not None:
        scope.require_write_akte(document.akte)
    elif not scope.may(Permission.MANAGE_RECORDS) or not scope.in_units(document.org_unit):
        raise PermissionDeniedError("you may not change this document")
    today = clock.now().date()
    for name, day in (("letter_date", dates.letter_date), ("received_on", dates.received_on)):
        if day is not None and day > today:
            raise InvalidInputError(f"{name} {day.isoformat()} lies in the future")
    if dates.letter_date and dates.received_on and dates.received_on < dates.letter_date:
        raise InvalidInputError(
            f"a letter dated {dates.letter_date.isoformat()} cannot have been received "
            f"on {dates.received_on.isoformat()}"
        )
    if dates.direction is not None and dates.direction not in DIRECTIONS:
        raise InvalidInputError(f"direction is one of {', '.join(DIRECTIONS)}")
    reason = reason.strip()
    if not reason:
        raise InvalidInputError("changing a letter's dates needs a reason")
    before = _dates_of(document)
    document.letter_date = dates.letter_date
    document.received_on = dates.received_on
    document.direction = dates.direction
    document.sender = dates.sender
    document.updated_at = clock.now()
    session.flush()
    record_event(
        session,
        actor=scope.actor,
        action="document.dates_changed",
        object_type="document",
        object_id=document.id,
        details={"reason": reason, "before": before, "after": _dates_of(document)},
        clock=clock,
    )
    return document


def _dates_of(document: Document) -> dict[str, str | None]:
    return {
        "letter_date": document.letter_date.isoformat() if document.letter_date else None,
        "received_on": document.received_on.isoformat() if document.received_on else None,
        "direction": document.direction,
        "sender": document.sender,
    }
