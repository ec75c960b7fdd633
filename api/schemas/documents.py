from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class DocumentSummaryOut(BaseModel):
    id: str
    title: str
    status: str
    pages: int
    text_chars: int
    url: str


class BlobOut(BaseModel):
    sha256: str
    size: int
    media_type: str
    url: str


class RenditionOut(BlobOut):
    pdfa: bool | None
    """False when PDF/A conversion failed and a regular searchable PDF was stored."""


class PageTextOut(BaseModel):
    number: int
    chars: int


class DocumentOut(BaseModel):
    id: str
    title: str
    status: str
    failure_reason: str | None
    org_unit: str | None
    item_id: str
    part_index: int
    first_page: int
    last_page: int
    pages: int
    text_chars: int
    ocr_performed: bool | None
    ocr_engine: str | None
    content: BlobOut
    rendition: RenditionOut | None
    page_texts: list[PageTextOut]
    text_url: str
    filing_status: str
    confidentiality: str
    """xdomea Vertraulichkeitsstufe of the document itself (its Akte's may be higher)."""
    """unfiled, in_review, auto_filed or filed."""
    akte_id: str | None
    aktenzeichen: str | None
    vorgang_id: str | None
    filing_url: str
    classification_url: str
    current_version: int
    versions_url: str
    retention_url: str
    legal_hold: bool
    disposed_at: datetime | None
    """Set once the document was destroyed after its retention period (content is gone)."""
    letter_date: date | None
    """The date printed on the letter, when known."""
    received_on: date | None
    """The real date received where it differs from intake (legacy files); None: the
    item's ``received_at``."""
    direction: str | None
    sender: str | None
    created_at: datetime
    updated_at: datetime


class ItemOut(BaseModel):
    id: str
    status: str
    failure_reason: str | None
    duplicate: bool = False
    filename: str | None
    media_type: str
    sha256: str
    size: int
    pages: int
    station_id: str | None
    batch_id: str | None
    received_at: datetime
    sender_hint: str | None
    target_org_unit: str | None
    split: bool
    status_url: str
    documents: list[DocumentSummaryOut]


class IntakeResponse(BaseModel):
    items: list[ItemOut]


class SearchHitOut(BaseModel):
    document_id: str
    title: str
    """HTML-escaped, like the snippet."""
    score: float
    snippet: str
    """HTML-escaped text with ``<mark>`` around the hits."""
    url: str


class SearchOut(BaseModel):
    query: str
    total: int
    total_is_lower_bound: bool = False
    """True when counting stopped at the backend's bound: "more than ``total``" hits."""
    limit: int
    offset: int
    next_offset: int | None
    hits: list[SearchHitOut]
    did_you_mean: str | None = None
    """A query from the index's vocabulary that finds more (e.g. an OCR slip undone)."""


class LetterDatesIn(BaseModel):
    letter_date: date | None = Field(None, description="the date printed on the letter")
    received_on: date | None = Field(
        None, description="the real date received (unset: the day of intake)"
    )
    direction: Literal["incoming", "outgoing", "internal"] | None = None
    sender: str | None = Field(None, max_length=500)
    reason: str = Field(min_length=1, max_length=1000, description="why the dates change")


class ConfidentialityIn(BaseModel):
    level: str = Field(
        min_length=3,
        max_length=20,
        description="xdomea code: 003 Offen, 002 VS-NfD, 005 Vertraulich, 001 Geheim, "
        "004 Streng geheim",
    )
    reason: str = Field(min_length=1, max_length=2000)
