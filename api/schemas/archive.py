"""Archive transfer processes, their messages, destruction certificates and alerts."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class SkippedOut(BaseModel):
    aktenzeichen: str
    reason: str


class OfferOut(BaseModel):
    processes: list[str] = Field(description="ProzessIDs started (one for waived codes)")
    offered: list[str] = Field(description="Aktenzeichen offered (two-step: appraised)")
    waived: list[str] = Field(description="Aktenzeichen whose offer the archive waived")
    skipped: list[SkippedOut]


class HandledOut(BaseModel):
    file: str
    process_id: str
    message_type: str
    accepted: bool
    detail: str


class PollOut(BaseModel):
    messages: list[HandledOut]
    advanced: list[str] = Field(description="processes that sent or destroyed something")


class ProcessOut(BaseModel):
    id: str = Field(description="the xdomea ProzessID")
    flow: str
    status: str
    waived: bool
    xdomea_version: str
    items: dict[str, int] = Field(description="Akten, Vorgänge and documents per state")
    akten: int
    open_alerts: int
    approval_required: bool
    awaiting_approval: bool
    approved_at: datetime | None
    approved_by: str | None
    created_at: datetime
    created_by: str
    offer_sent_at: datetime | None
    appraisal_received_at: datetime | None
    transfer_sent_at: datetime | None
    transfer_received_at: datetime | None
    import_confirmed_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: str | None
    cancel_reason: str | None
    url: str


class AkteInProcessOut(BaseModel):
    akte_id: str
    aktenzeichen: str
    title: str
    code: str
    retention_until: date | None
    xdomea_id: str
    agency_value: str | None
    archive_value: str | None
    state: str
    archive_signature: str | None
    result_message: str | None
    documents: int
    disposed_at: datetime | None


class MessageOut(BaseModel):
    id: int
    message_type: str | None
    direction: str
    file_name: str
    sha256: str
    size: int
    accepted: bool
    error: str | None
    at: datetime
    delivered_at: datetime | None
    url: str | None


class AlertOut(BaseModel):
    id: int
    process_id: str | None
    kind: str
    message: str
    raised_at: datetime
    resolved_at: datetime | None


class CertificateOut(BaseModel):
    id: str
    number: str
    process_id: str | None
    reason: str
    akten: int
    documents: int
    approved_by: str | None
    created_at: datetime
    pdf_url: str
    json_url: str


class ProcessDetailOut(ProcessOut):
    akten_list: list[AkteInProcessOut]
    messages: list[MessageOut]
    alerts: list[AlertOut]
    certificates: list[CertificateOut]


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=5000)


class ResolveIn(BaseModel):
    note: str = Field(min_length=1, max_length=5000, description="what was done about it")
