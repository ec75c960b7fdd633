from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ClearanceOut(BaseModel):
    code: str
    """xdomea code of the confidentiality level (003 Offen ... 004 Streng geheim)."""
    label: str


class PersonOut(BaseModel):
    id: str
    issuer: str
    subject: str
    """The provider's ``sub``."""
    name: str
    email: str | None
    roles: list[str]
    org_units: list[str]
    clearance: ClearanceOut
    assignment: str
    """``claims``: roles, units and clearance follow the provider; ``local``: set in eakte."""
    created_at: datetime
    last_login_at: datetime | None
    disabled_at: datetime | None


class AssignmentIn(BaseModel):
    roles: list[str] = Field(max_length=50)
    org_units: list[str] = Field(max_length=200)
    clearance: str = Field(min_length=3, max_length=20)
    """xdomea code (``002``) or short name (``vs-nfd``)."""


class DisabledIn(BaseModel):
    disabled: bool


class MeOut(BaseModel):
    """The signed-in caller."""

    id: str
    kind: str
    """``person`` (signed in) or ``key`` (an API key)."""
    name: str
    roles: list[str]
    org_units: list[str]
    clearance: ClearanceOut
    permissions: list[str]
