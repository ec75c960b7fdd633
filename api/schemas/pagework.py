"""Request and response bodies of page work before filing."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.schemas.documents import DocumentSummaryOut

_PAGE = Field(ge=1, le=100_000)


class RotationIn(BaseModel):
    page: int = _PAGE
    degrees: int = Field(
        ge=-270, le=270, multiple_of=90, description="clockwise; negative turns left"
    )


class PageworkIn(BaseModel):
    """The document's pages, followed by each appended document's, make one stack 1..N."""

    append: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="unfiled documents whose pages follow, in this order (merge)",
    )
    rotate: list[RotationIn] = Field(default_factory=list, max_length=2000)
    drop: list[int] = Field(
        default_factory=list, max_length=2000, description="stack pages to leave out"
    )
    split_before: list[int] = Field(
        default_factory=list,
        max_length=2000,
        description="stack pages that start a new document (split)",
    )


class PageOriginOut(BaseModel):
    page: int
    source_document_id: str
    source_page: int
    rotated: int
    """Degrees clockwise this page work turned the page."""


class PageworkResultOut(BaseModel):
    document: DocumentSummaryOut
    org_unit: str | None
    confidentiality: str
    pages: list[PageOriginOut]


class PageworkOut(BaseModel):
    operation_id: str
    kinds: list[str]
    sources: list[DocumentSummaryOut]
    results: list[PageworkResultOut]


class ProposalOut(BaseModel):
    page: int
    kind: str
    """``blank`` or ``separator``."""
    reason: str


class ProposalsOut(BaseModel):
    document_id: str
    pages: int
    proposals: list[ProposalOut]


class SupersessionOut(BaseModel):
    operation_id: str
    superseded_at: datetime
    superseded_by: str
    successors: list[DocumentSummaryOut]


class LineageOut(BaseModel):
    document_id: str
    superseded: SupersessionOut | None
    """Set when page work replaced this document; it stays readable."""
    derived_from: list[PageOriginOut]
    """Per page, for a document made by page work; empty otherwise."""
    sources: list[DocumentSummaryOut]
    open_review_tasks: dict[str, str]
    """Document id -> open review task id, for this document and its successors."""
