"""Creating, closing and reopening Akten; Aktenzeichen numbering."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from file_plan import AktenzeichenPattern, FilePlan, RetentionTrigger
from services.access.confidentiality import Confidentiality, higher
from services.audit.trail import events_for, record_event
from services.db.models import (
    Akte,
    AkteEvent,
    AktenzeichenCounter,
    AkteStatus,
    AkteSubjectKey,
    Document,
)
from services.errors import ConflictError, InvalidInputError, PermissionDeniedError
from services.ports import Clock
from services.records.subject_keys import SubjectKey
from services.storage.protection import mark_pending


@dataclass(frozen=True)
class NewAkte:
    code: str
    title: str
    description: str | None = None
    subject_keys: Sequence[SubjectKey] = field(default_factory=tuple)
    year: int | None = None
    """The year in the Aktenzeichen; when not given the opening year (``opened_on``'s year,
    else the current year)."""
    opened_on: date | None = None
    """The day the file was really opened (a legacy paper file); today when not given."""
    confidentiality: Confidentiality | None = None
    """Raised to the file-plan item's default when lower (never lowered)."""


def create_akte(
    session: Session,
    plan: FilePlan,
    new: NewAkte,
    *,
    actor: str,
    clock: Clock,
    is_general: bool = False,
    may_backdate: bool = False,
) -> Akte:
    """Open a new Akte under a leaf of the plan, with the next Aktenzeichen of its code.

    ``opened_on`` records a legacy file's true opening day: never in the future, and a
    past day only when ``may_backdate`` (records managers, Permission.MANAGE_RETENTION).
    The year in the Aktenzeichen is then the opening year: the plan's patterns
    (``{code}-{number}/{year}``) print the year the file was formed, as the old paper file
    does, and the running numbers are counted per code and year, so a file from 2009 is
    numbered among 2009's.  An explicit ``year`` still wins.
    """
    item = plan.get(new.code)
    if not plan.is_leaf(new.code):
        raise InvalidInputError(
            f"Akten are formed at the lowest level of the file plan; {new.code} "
            f"({item.title}) has sub-items"
        )
    now = clock.now()
    opened_at = now
    if new.opened_on is not None:
        check_record_date(new.opened_on, now, may_backdate=may_backdate, what="opened_on")
        opened_at = at_day(new.opened_on, now)
    year = new.year or opened_at.year
    org_unit = unit_of_code(plan, new.code)
    number = _next_number(session, new.code, year)
    pattern = AktenzeichenPattern(plan.effective_pattern(new.code))
    akte = Akte(
        aktenzeichen=pattern.format(new.code, number, year, unit=org_unit),
        file_plan_code=new.code,
        year=year,
        running_number=number,
        title=new.title,
        description=new.description,
        org_unit=org_unit,
        is_general=is_general,
        confidentiality=akte_level(plan, new.code, new.confidentiality).value,
        status=AkteStatus.OPEN,
        opened_at=opened_at,
        created_by=actor,
        created_at=now,
        updated_at=now,
        subject_keys=[
            AkteSubjectKey(kind=key.kind, value=key.value, display=key.display)
            for key in _unique(new.subject_keys)
        ],
    )
    session.add(akte)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="akte.created",
        object_type="akte",
        object_id=akte.id,
        details={
            "aktenzeichen": akte.aktenzeichen,
            "code": akte.file_plan_code,
            "title": akte.title,
            "subject_keys": [f"{k.kind}:{k.display}" for k in akte.subject_keys],
            "confidentiality": akte.confidentiality,
            "opened_on": akte.opened_at.date().isoformat(),
            "backdated": akte.opened_at.date() < now.date(),
        },
        clock=clock,
    )
    return akte


def check_record_date(day: date, now: datetime, *, may_backdate: bool, what: str) -> None:
    """A record's historical date: never in the future, in the past only for records managers."""
    if day > now.date():
        raise InvalidInputError(f"{what} {day.isoformat()} lies in the future")
    if day < now.date() and not may_backdate:
        raise PermissionDeniedError(
            f"only records managers (permission manage_retention) may give a past {what} "
            f"({day.isoformat()}); leave it out to use today"
        )


def at_day(day: date, now: datetime) -> datetime:
    """``now`` moved to ``day`` (the time of day and time zone kept)."""
    return now if day == now.date() else datetime.combine(day, now.timetz())


def akte_level(plan: FilePlan, code: str, asked: Confidentiality | None) -> Confidentiality:
    """The level of a new Akte: the one asked for, but at least the plan item's default."""
    default = plan.effective_confidentiality(code)
    floor = Confidentiality(default) if default else Confidentiality.OFFEN
    return floor if asked is None else higher(asked, floor)


def general_akte(session: Session, plan: FilePlan, code: str, *, clock: Clock) -> Akte:
    """The open Sammelakte of ``code`` for the current year, created on first use."""
    year = clock.now().year
    akte = session.scalar(
        select(Akte).where(
            Akte.file_plan_code == code,
            Akte.is_general.is_(True),
            Akte.year == year,
            Akte.status == AkteStatus.OPEN,
        )
    )
    if akte is not None:
        return akte
    title = f"Sammelakte {plan.get(code).title} {year}"
    return create_akte(
        session,
        plan,
        NewAkte(code=code, title=title),
        actor="system",
        clock=clock,
        is_general=True,
    )


def close_akte(
    session: Session,
    plan: FilePlan,
    akte: Akte,
    *,
    actor: str,
    clock: Clock,
    closed_on: date | None = None,
    reason: str | None = None,
    may_backdate: bool = False,
) -> Akte:
    """Close the file (z.d.A.): its Vorgänge close too and its retention period starts.

    ``closed_on`` is the day a legacy file was really closed: never in the future, never
    before it was opened, and a past day only when ``may_backdate`` (records managers).
    The retention period runs from that day.

    For an event-triggered retention the period starts only when the event is recorded,
    so the retention end stays unknown (and the file cannot be destroyed) until then; an
    event recorded while the file was open counts from closing on.
    """
    if akte.status == AkteStatus.CLOSED:
        raise ConflictError(f"Akte {akte.aktenzeichen} is already closed")
    now = clock.now()
    closed_at = now
    if closed_on is not None:
        check_record_date(closed_on, now, may_backdate=may_backdate, what="closed_on")
        if closed_on < akte.opened_at.date():
            raise InvalidInputError(
                f"closed_on {closed_on.isoformat()} lies before the Akte was opened "
                f"({akte.opened_at.date().isoformat()})"
            )
        closed_at = at_day(closed_on, now)
        if closed_at.date() < now.date() and _was_reopened(session, akte):
            raise ConflictError(
                f"Akte {akte.aktenzeichen} was closed before and reopened; it closes today, "
                "since a past closing day would shorten the retention it already had"
            )
    retention = plan.effective_retention(akte.file_plan_code)
    akte.status = AkteStatus.CLOSED
    akte.closed_at = closed_at
    akte.updated_at = now
    for vorgang in akte.vorgaenge:
        if vorgang.status == AkteStatus.OPEN:
            vorgang.status = AkteStatus.CLOSED
            vorgang.closed_at = closed_at
    if retention is not None and retention.trigger is RetentionTrigger.EVENT:
        last = _last_event_day(session, akte)
        akte.retention_trigger_date = last
        akte.retention_until = retention.end_date(last) if last is not None else None
    else:
        akte.retention_trigger_date = closed_at.date() if retention is not None else None
        akte.retention_until = (
            retention.end_date(closed_at.date()) if retention is not None else None
        )
    mark_pending(session.scalars(select(Document).where(Document.akte_id == akte.id)))
    details: dict[str, object] = {
        "aktenzeichen": akte.aktenzeichen,
        "retention": retention.describe() if retention else None,
        "retention_until": akte.retention_until.isoformat() if akte.retention_until else None,
        "closed_on": closed_at.date().isoformat(),
    }
    if closed_at.date() < now.date():
        details["backdated"] = True
    if reason:
        details["reason"] = reason
    record_event(
        session,
        actor=actor,
        action="akte.closed",
        object_type="akte",
        object_id=akte.id,
        details=details,
        clock=clock,
    )
    return akte


def _last_event_day(session: Session, akte: Akte) -> date | None:
    day: date | None = session.scalar(
        select(AkteEvent.occurred_on)
        .where(AkteEvent.akte_id == akte.id)
        .order_by(AkteEvent.occurred_on.desc())
        .limit(1)
    )
    return day


def reopen_akte(session: Session, akte: Akte, *, actor: str, clock: Clock) -> Akte:
    if akte.status == AkteStatus.OPEN:
        raise ConflictError(f"Akte {akte.aktenzeichen} is open")
    now = clock.now()
    akte.status = AkteStatus.OPEN
    akte.closed_at = None
    akte.retention_trigger_date = None
    akte.retention_until = None
    akte.updated_at = now
    record_event(
        session,
        actor=actor,
        action="akte.reopened",
        object_type="akte",
        object_id=akte.id,
        details={"aktenzeichen": akte.aktenzeichen},
        clock=clock,
    )
    return akte


def _was_reopened(session: Session, akte: Akte) -> bool:
    return any(e.action == "akte.reopened" for e in events_for(session, "akte", akte.id))


def unit_of_code(plan: FilePlan, code: str) -> str:
    """The unit responsible for Akten under ``code`` (a valid plan gives every item one)."""
    unit = plan.effective_org_unit(code)
    if unit is None:
        raise InvalidInputError(f"the file plan names no organisational unit for {code}")
    return unit


def _next_number(session: Session, code: str, year: int) -> int:
    """Hand out the next running number atomically (an upsert; concurrent callers queue)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(AktenzeichenCounter)
        .values(file_plan_code=code, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=["file_plan_code", "year"],
            set_={"last_number": AktenzeichenCounter.last_number + 1},
        )
        .returning(AktenzeichenCounter.last_number)
    )
    number: int = session.execute(statement).scalar_one()
    return number


def _unique(keys: Sequence[SubjectKey]) -> list[SubjectKey]:
    seen: dict[tuple[str, str], SubjectKey] = {}
    for key in keys:
        seen.setdefault((key.kind, key.value), key)
    return list(seen.values())
