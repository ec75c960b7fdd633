from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field


class KeyCreateIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=32)
    org_unit: str | None = Field(None, max_length=100)
    clearance: str | None = Field(
        None, max_length=20, description="xdomea code; default EAKTE_ACCESS__DEFAULT_CLEARANCE"
    )
    expires_at: AwareDatetime | None = None


class KeyRotationIn(BaseModel):
    grace_hours: float = Field(24.0, ge=0, le=24 * 90)
    """How long the old key keeps working, so that clients can switch."""
    expires_at: AwareDatetime | None = None
    """Expiry of the new key."""


class KeyOut(BaseModel):
    id: str
    name: str
    prefix: str
    role: str
    org_unit: str | None
    clearance: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class KeyCreatedOut(KeyOut):
    key: str
    """The full key. It is shown only in this response."""
