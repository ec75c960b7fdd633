"""Request and response models of versions, retention, legal holds and storage health."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class StoredPartOut(BaseModel):
    sha256: str
    size: int
    media_type: str
    url: str


class VersionOut(BaseModel):
    number: int
    current: bool
    created_at: datetime
    created_by: str
    comment: str | None
    content: StoredPartOut
    rendition: StoredPartOut | None
    """None while the new version's searchable PDF is being made."""


class RetentionOut(BaseModel):
    document_id: str
    retention_until: date | None
    """When the document may be destroyed; None while unknown (unfiled, Akte open, event)."""
    own_retention_until: date | None
    """The document's own retention end, when one was set (an extension, an invoice rule)."""
    legal_hold: bool
    legal_hold_reason: str | None
    locked_until: datetime | None
    """The earliest lock the store enforces on the document's content (S3 Object Lock)."""
    disposed_at: datetime | None


class RetentionIn(BaseModel):
    retain_until: date
    reason: str = Field(min_length=3, max_length=2000)


class HoldIn(BaseModel):
    active: bool
    reason: str = Field(min_length=3, max_length=2000)


class AkteHoldOut(BaseModel):
    akte_id: str
    aktenzeichen: str
    legal_hold: bool
    legal_hold_reason: str | None
    documents: int


class DestructionIn(BaseModel):
    reason: str = Field(min_length=3, max_length=2000)


class TombstoneOut(BaseModel):
    document_id: str
    destroyed_at: datetime
    destroyed_by: str
    reason: str
    retention_until: date
    versions: list[dict[str, Any]]


class FixityFailureOut(BaseModel):
    object_id: int
    key: str
    version_id: str | None
    status: str
    detail: str


class StorageHealthOut(BaseModel):
    status: str
    """``ok``, or ``alert`` when fixity found a corrupt or missing object."""
    backend: str
    object_lock: str
    objects: int
    never_checked: int
    oldest_check: datetime | None
    failures: list[FixityFailureOut]
