"""Models of the records: the active file plan, Akten, their subject keys and Vorgänge."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.classification.references.folding import near_key
from services.db.models.base import Base, new_id


class AkteStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class FilePlanVersion(Base):
    """An imported file plan, kept whole (JSON) so that every import stays traceable."""

    __tablename__ = "file_plan_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    """The plan in the ``eakte-file-plan/1`` JSON format."""
    imported_at: Mapped[datetime]
    imported_by: Mapped[str | None] = mapped_column(String(200))


class FilePlanEntry(Base):
    """One code of the active plan: the target of the Akten's foreign key.

    The plan's content lives in :class:`FilePlanVersion`; this table only guarantees that
    no Akte points to a code the active plan does not have.
    """

    __tablename__ = "file_plan_entries"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("file_plan_versions.id"))


class AktenzeichenCounter(Base):
    """The last running number handed out per file-plan code and year."""

    __tablename__ = "aktenzeichen_counters"

    file_plan_code: Mapped[str] = mapped_column(
        ForeignKey("file_plan_entries.code"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Akte(Base):
    """A file under a file-plan code, identified by its Aktenzeichen."""

    __tablename__ = "akten"
    __table_args__ = (UniqueConstraint("file_plan_code", "year", "running_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    aktenzeichen: Mapped[str] = mapped_column(String(100), unique=True)
    file_plan_code: Mapped[str] = mapped_column(ForeignKey("file_plan_entries.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    running_number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    org_unit: Mapped[str] = mapped_column(String(100), index=True)
    is_general: Mapped[bool] = mapped_column(default=False)
    """A Sammelakte: the year's file for letters of a code that have no case of their own."""
    status: Mapped[str] = mapped_column(String(16), default=AkteStatus.OPEN, index=True)
    confidentiality: Mapped[str] = mapped_column(String(3), default="003")
    """xdomea Vertraulichkeitsstufe; applies to every document of the Akte."""
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    retention_trigger_date: Mapped[date | None]
    """When the retention period started to run (closing, end of year, or a named event)."""
    retention_until: Mapped[date | None]
    """Retention end; None while it is unknown or the file is kept permanently."""
    legal_hold: Mapped[bool] = mapped_column(default=False)
    """Holds every document of the file, including those filed while the hold lasts."""
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    appraisal: Mapped[str | None] = mapped_column(String(1))
    """A records manager's appraisal of a plan value B: ``A`` (archive) or ``V`` (destroy)."""
    appraisal_reason: Mapped[str | None] = mapped_column(Text)
    appraised_by: Mapped[str | None] = mapped_column(String(300))
    appraised_at: Mapped[datetime | None]
    transfer_process_id: Mapped[str | None] = mapped_column(String(36), index=True)
    """The running archive process the Akte is in; the Akte is read-only while set."""
    disposed_at: Mapped[datetime | None]
    """When the Akte left eakte (transferred and confirmed, or destroyed); a tombstone."""
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    subject_keys: Mapped[list[AkteSubjectKey]] = relationship(
        back_populates="akte", cascade="all, delete-orphan", order_by="AkteSubjectKey.id"
    )
    vorgaenge: Mapped[list[Vorgang]] = relationship(
        back_populates="akte", order_by="Vorgang.number"
    )


class AkteEvent(Base):
    """A plan event that happened to an Akte's subject: what starts its retention.

    E.g. the person left, the building was demolished.
    """

    __tablename__ = "akte_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    akte_id: Mapped[str] = mapped_column(ForeignKey("akten.id"), index=True)
    event: Mapped[str] = mapped_column(String(200))
    """The event as the file plan names it for the Akte's code."""
    occurred_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(300))


def _near_key_of_row(context: DefaultExecutionContext) -> str:
    row = context.current_parameters
    assert row is not None, "a column default is computed for a row"
    return near_key(row["kind"], row["value"])


class AkteSubjectKey(Base):
    """What a case file is about: a person, a plot, a Kassenzeichen, a Bauantrag number."""

    __tablename__ = "akte_subject_keys"
    __table_args__ = (
        UniqueConstraint("akte_id", "kind", "value"),
        Index("ix_akte_subject_keys_lookup", "kind", "value"),
        Index("ix_akte_subject_keys_near", "kind", "near_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    akte_id: Mapped[str] = mapped_column(ForeignKey("akten.id"))
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(300))
    """Normalised, so that a letter's printed form and a typed form compare equal."""
    display: Mapped[str] = mapped_column(String(300))
    near_key: Mapped[str | None] = mapped_column(String(300), default=_near_key_of_row)
    """Derived from kind and value when a row is inserted, by the ORM or in bulk (see
    :func:`~services.classification.references.folding.near_key`); near misses are looked
    up by it.  Subject keys are never changed in place, only added.  Nullable only because
    migration 0014 adds the column to filled tables (and fills it)."""

    akte: Mapped[Akte] = relationship(back_populates="subject_keys")


class Vorgang(Base):
    """A case or process inside an Akte, numbered within it."""

    __tablename__ = "vorgaenge"
    __table_args__ = (UniqueConstraint("akte_id", "number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    akte_id: Mapped[str] = mapped_column(ForeignKey("akten.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=AkteStatus.OPEN)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any] | None]
    updated_at: Mapped[datetime | None]
    """Last change of title, description or status; None before migration 0010."""

    akte: Mapped[Akte] = relationship(back_populates="vorgaenge")
