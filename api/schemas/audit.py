"""Response bodies of the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AuditObjectOut(BaseModel):
    type: str
    id: str


class AuditEventOut(BaseModel):
    seq: int | None = Field(description="position in the hash chain (1, 2, ...)")
    occurred_at: datetime
    actor: str = Field(description="'key:<id> (<name>)' for an API key, 'system' for eakte")
    action: str
    object: AuditObjectOut
    details: dict[str, Any]
    prev_hash: str | None = Field(description="event_hash of the event before (64 zeros: first)")
    event_hash: str | None = Field(
        description="SHA-256 of the canonical form (format eakte-audit-event/1)"
    )
