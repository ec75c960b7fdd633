"""Plan events of Akten (event-triggered retention).

Some plan items keep their files N years after an event rather than after closing: the
person moved away, the building was demolished.  Recording the event with its date gives
the closed Akte its retention end; ends only ever move later, and legal holds still stop
destruction (the store's hold is separate from the end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from file_plan import FilePlan, RetentionTrigger
from services.access.scope import Scope
from services.audit.trail import record_event
from services.db.models import Akte, AkteEvent, AkteStatus, Document
from services.errors import InvalidInputError
from services.ports import Clock
from services.records.queries import get_akte
from services.storage.protection import mark_pending


@dataclass(frozen=True)
class NewAkteEvent:
    event: str
    occurred_on: date
    note: str | None = None


def record_akte_event(
    session: Session,
    scope: Scope,
    plan: FilePlan,
    akte: Akte,
    new: NewAkteEvent,
    *,
    clock: Clock,
) -> AkteEvent:
    """Record that ``new.event`` happened to the Akte's subject on ``new.occurred_on``.

    When the plan names an event for the Akte's code, only that event is accepted (spaces
    and case aside).  When the plan's retention is triggered by it and the Akte is closed,
    the retention end becomes the plan's years after the event, unless the Akte is already
    kept longer: an end is never brought forward (the same rule as
    ``services.storage.retention.extend_retention``).  For an open Akte the end is set when
    it is closed (see ``close_akte``).
    """
    scope.require_write_akte(akte)
    now = clock.now()
    name = " ".join(new.event.split())
    if not name:
        raise InvalidInputError("the event is empty")
    if new.occurred_on > now.date():
        raise InvalidInputError(f"occurred_on {new.occurred_on.isoformat()} lies in the future")
    retention = plan.effective_retention(akte.file_plan_code)
    named = retention.event if retention is not None else None
    if named is not None:
        if name.casefold() != " ".join(named.split()).casefold():
            raise InvalidInputError(
                f"the file plan names the event „{named}“ for {akte.file_plan_code}, not „{name}“"
            )
        name = named
    event = AkteEvent(
        akte_id=akte.id,
        event=name,
        occurred_on=new.occurred_on,
        note=new.note,
        recorded_at=now,
        recorded_by=scope.actor,
    )
    session.add(event)
    session.flush()
    previous = akte.retention_until
    moved = False
    if (
        retention is not None
        and retention.trigger is RetentionTrigger.EVENT
        and akte.status == AkteStatus.CLOSED
    ):
        end = retention.end_date(new.occurred_on)
        if end is not None and (previous is None or end > previous):
            akte.retention_trigger_date = new.occurred_on
            akte.retention_until = end
            akte.updated_at = now
            moved = True
            mark_pending(session.scalars(select(Document).where(Document.akte_id == akte.id)))
    record_event(
        session,
        actor=scope.actor,
        action="akte.event_recorded",
        object_type="akte",
        object_id=akte.id,
        details={
            "aktenzeichen": akte.aktenzeichen,
            "event": name,
            "occurred_on": new.occurred_on.isoformat(),
            "note": new.note,
            "retention_until_before": previous.isoformat() if previous else None,
            "retention_until": akte.retention_until.isoformat() if akte.retention_until else None,
            "retention_moved": moved,
        },
        clock=clock,
    )
    return event


def akte_events(session: Session, scope: Scope, akte_id: str) -> list[AkteEvent]:
    """The plan events of the Akte, oldest first; an Akte ``scope`` hides is not found."""
    akte = get_akte(session, scope, akte_id)
    return list(
        session.scalars(
            select(AkteEvent)
            .where(AkteEvent.akte_id == akte.id)
            .order_by(AkteEvent.occurred_on, AkteEvent.id)
        )
    )
