"""The disposition list and the appraisal of plan value B."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class AppraisalIn(BaseModel):
    value: Literal["A", "V"] = Field(description="A: archive, V: destroy")
    reason: str = Field(min_length=1, max_length=5000)


class AppraisalOut(BaseModel):
    value: str
    reason: str | None
    appraised_by: str | None
    appraised_at: datetime | None


class ArchiveValueOut(BaseModel):
    akte_id: str
    aktenzeichen: str
    code: str
    plan_archive_value: str | None = Field(description="A, B or V from the active file plan")
    appraisal: AppraisalOut | None = Field(description="a records manager's appraisal of a B")
    archive_value: str | None = Field(
        description="effective: the plan's A or V, the appraisal of a B, or B while unappraised"
    )
    appraisal_pending: bool
    archive_value_text: str
    url: str


class DueAkteOut(ArchiveValueOut):
    title: str
    org_unit: str
    status: str
    opened_at: datetime
    closed_at: datetime | None
    retention_until: date
    documents: int
