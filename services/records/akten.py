"""Creating, closing and reopening Akten; Aktenzeichen numbering."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from file_plan import AktenzeichenPattern, FilePlan, RetentionTrigger
from services.access.confidentiality import Confidentiality, higher
from services.audit.trail import record_event
from services.db.models import Akte, AktenzeichenCounter, AkteStatus, AkteSubjectKey, Document
from services.errors import ConflictError, InvalidInputError
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
    """The year in the Aktenzeichen; the current year when not given."""
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
) -> Akte:
    """Open a new Akte under a leaf of the plan, with the next Aktenzeichen of its code."""
    item = plan.get(new.code)
    if not plan.is_leaf(new.code):
        raise InvalidInputError(
            f"Akten are formed at the lowest level of the file plan; {new.code} "
            f"({item.title}) has sub-items"
        )
    now = clock.now()
    year = new.year or now.year
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
        opened_at=now,
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
        },
        clock=clock,
    )
    return akte


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


def close_akte(session: Session, plan: FilePlan, akte: Akte, *, actor: str, clock: Clock) -> Akte:
    """Close the file (z.d.A.): its Vorgänge close too and its retention period starts.

    For an event-triggered retention the period starts only when the event is recorded,
    so the retention end stays unknown (and the file cannot be destroyed) until then.
    """
    if akte.status == AkteStatus.CLOSED:
        raise ConflictError(f"Akte {akte.aktenzeichen} is already closed")
    now = clock.now()
    retention = plan.effective_retention(akte.file_plan_code)
    akte.status = AkteStatus.CLOSED
    akte.closed_at = now
    akte.updated_at = now
    for vorgang in akte.vorgaenge:
        if vorgang.status == AkteStatus.OPEN:
            vorgang.status = AkteStatus.CLOSED
            vorgang.closed_at = now
    starts_at_closing = retention is not None and retention.trigger is not RetentionTrigger.EVENT
    akte.retention_trigger_date = now.date() if starts_at_closing else None
    akte.retention_until = (
        retention.end_date(now.date()) if retention is not None and starts_at_closing else None
    )
    mark_pending(session.scalars(select(Document).where(Document.akte_id == akte.id)))
    record_event(
        session,
        actor=actor,
        action="akte.closed",
        object_type="akte",
        object_id=akte.id,
        details={
            "aktenzeichen": akte.aktenzeichen,
            "retention": retention.describe() if retention else None,
            "retention_until": akte.retention_until.isoformat() if akte.retention_until else None,
        },
        clock=clock,
    )
    return akte


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
