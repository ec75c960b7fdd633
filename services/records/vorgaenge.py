"""Vorgänge: cases or processes inside an Akte."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.audit.trail import record_event
from services.db.models import Akte, AkteStatus, Vorgang
from services.errors import ConflictError
from services.ports import Clock


def create_vorgang(
    session: Session, akte: Akte, title: str, *, actor: str, clock: Clock
) -> Vorgang:
    if akte.status != AkteStatus.OPEN:
        raise ConflictError(f"Akte {akte.aktenzeichen} is closed; reopen it first")
    # The unique (akte_id, number) constraint turns a concurrent duplicate into an error.
    last = session.scalar(select(func.max(Vorgang.number)).where(Vorgang.akte_id == akte.id))
    now = clock.now()
    vorgang = Vorgang(
        akte_id=akte.id,
        number=(last or 0) + 1,
        title=title,
        status=AkteStatus.OPEN,
        opened_at=now,
        created_by=actor,
    )
    session.add(vorgang)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="vorgang.created",
        object_type="vorgang",
        object_id=vorgang.id,
        details={"akte": akte.aktenzeichen, "number": vorgang.number, "title": title},
        clock=clock,
    )
    return vorgang


def vorgang_reference(akte: Akte, vorgang: Vorgang) -> str:
    """How a Vorgang is cited: the Aktenzeichen and its number within the Akte."""
    return f"{akte.aktenzeichen} Vg. {vorgang.number}"
