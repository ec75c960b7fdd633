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
        updated_at=now,
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


def close_vorgang(
    session: Session, akte: Akte, vorgang: Vorgang, *, actor: str, clock: Clock
) -> Vorgang:
    """Close a Vorgang (the case is done); its Akte stays open for the others."""
    if vorgang.status == AkteStatus.CLOSED:
        raise ConflictError(f"{vorgang_reference(akte, vorgang)} is already closed")
    vorgang.status = AkteStatus.CLOSED
    vorgang.closed_at = vorgang.updated_at = clock.now()
    _record(session, "vorgang.closed", akte, vorgang, actor=actor, clock=clock)
    return vorgang


def reopen_vorgang(
    session: Session, akte: Akte, vorgang: Vorgang, *, actor: str, clock: Clock
) -> Vorgang:
    """Reopen a closed Vorgang; a closed Akte must be reopened first."""
    if akte.status != AkteStatus.OPEN:
        raise ConflictError(f"Akte {akte.aktenzeichen} is closed; reopen it first")
    if vorgang.status == AkteStatus.OPEN:
        raise ConflictError(f"{vorgang_reference(akte, vorgang)} is open")
    vorgang.status = AkteStatus.OPEN
    vorgang.closed_at = None
    vorgang.updated_at = clock.now()
    _record(session, "vorgang.reopened", akte, vorgang, actor=actor, clock=clock)
    return vorgang


def _record(
    session: Session, action: str, akte: Akte, vorgang: Vorgang, *, actor: str, clock: Clock
) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        object_type="vorgang",
        object_id=vorgang.id,
        details={"akte": akte.aktenzeichen, "number": vorgang.number},
        clock=clock,
    )
