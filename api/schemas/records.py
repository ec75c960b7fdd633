"""Request and response bodies of the file plan, Akten, Vorgänge and filing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class RetentionOut(BaseModel):
    years: int | None
    permanent: bool
    trigger: str | None
    event: str | None
    text: str
    """German wording, e.g. "10 Jahre nach Schließung der Akte"."""


class FilePlanItemOut(BaseModel):
    code: str
    title: str
    parent: str | None
    level: int
    leaf: bool
    description: str
    keywords: list[str]
    org_unit: str | None
    """Effective unit (inherited from the nearest ancestor that names one)."""
    org_unit_title: str | None
    retention: RetentionOut | None
    archive_value: str | None
    aktenzeichen_pattern: str
    subject: str | None


class FilePlanOut(BaseModel):
    name: str
    version: str
    aktenzeichen_pattern: str
    org_units: dict[str, str]
    items: list[FilePlanItemOut]


class SubjectKeyIn(BaseModel):
    kind: str = Field(description="person, kassenzeichen, bauantrag, sender_reference, ...")
    value: str = Field(
        min_length=1,
        max_length=300,
        description="for a person: 'family name, given names, DD.MM.YYYY'",
    )


class SubjectKeyOut(BaseModel):
    kind: str
    value: str
    display: str


class AkteIn(BaseModel):
    code: str = Field(min_length=1, max_length=50)
    title: str = Field(min_length=1, max_length=500)
    description: str | None = Field(None, max_length=5000)
    subject_keys: list[SubjectKeyIn] = Field(default_factory=list, max_length=50)
    year: int | None = Field(None, ge=1900, le=2999)
    opened_on: date | None = Field(
        None,
        description="the day a legacy file was opened (YYYY-MM-DD); never in the future, "
        "a past day only for records managers; the Aktenzeichen's year follows it",
    )
    confidentiality: str | None = Field(
        None, max_length=20, description="xdomea code; at least the file-plan item's default"
    )


class AkteSummaryOut(BaseModel):
    id: str
    aktenzeichen: str
    code: str
    title: str
    org_unit: str
    status: str
    general: bool
    confidentiality: str
    url: str


class VorgangOut(BaseModel):
    id: str
    akte_id: str
    number: int
    reference: str
    title: str
    status: str
    opened_at: datetime
    closed_at: datetime | None


class AkteOut(AkteSummaryOut):
    description: str | None
    year: int
    running_number: int
    subject_keys: list[SubjectKeyOut]
    vorgaenge: list[VorgangOut]
    opened_at: datetime
    closed_at: datetime | None
    retention_trigger_date: date | None
    retention_until: date | None
    documents_url: str


class CloseAkteIn(BaseModel):
    closed_on: date | None = Field(
        None,
        description="the day the file was closed (YYYY-MM-DD); never in the future or before "
        "it was opened, a past day only for records managers; retention runs from it",
    )
    reason: str | None = Field(None, max_length=2000)


class AkteEventIn(BaseModel):
    event: str = Field(
        min_length=1, max_length=200, description="the event as the file plan names it"
    )
    occurred_on: date
    note: str | None = Field(None, max_length=2000)


class AkteEventOut(BaseModel):
    id: int
    akte_id: str
    event: str
    occurred_on: date
    note: str | None
    recorded_at: datetime
    recorded_by: str


class VorgangIn(BaseModel):
    title: str = Field(min_length=1, max_length=500)


class FilingIn(BaseModel):
    akte_id: str
    vorgang_id: str | None = None
    reason: str = Field(min_length=1, max_length=1000, description="why it is filed or moved")


class FilingOut(BaseModel):
    status: str
    akte: AkteSummaryOut | None
    vorgang_id: str | None
    filed_at: datetime | None


class ShareIn(BaseModel):
    grantee_kind: Literal["unit", "person"]
    grantee: str = Field(min_length=1, max_length=100, description="unit key or person id")
    access: Literal["read", "write"] = "read"
    valid_until: date | None = Field(None, description="last day of the share")
    reason: str | None = Field(None, max_length=2000)


class ShareOut(BaseModel):
    id: int
    akte_id: str
    grantee_kind: str
    grantee: str
    access: str
    valid_until: date | None
    reason: str | None
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
