from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class KeyCreateIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: str
    org_unit: str | None = None


class KeyOut(BaseModel):
    id: str
    name: str
    prefix: str
    role: str
    org_unit: str | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class KeyCreatedOut(KeyOut):
    key: str
    """The full key. It is shown only in this response."""
