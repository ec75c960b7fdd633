"""Models of access control.

Persons signed in through OpenID Connect, their browser sessions, and Akten shared with
other units or persons.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base, new_id


class Assignment(StrEnum):
    """Where a person's roles, units and clearance come from."""

    CLAIMS = "claims"
    """From the provider's token claims at every sign-in."""
    LOCAL = "local"
    """Set by an admin in eakte; claims no longer change them."""


class Person(Base):
    """A member of staff, created at their first sign-in."""

    __tablename__ = "persons"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    """The provider's ``sub``: stable, never reassigned."""
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320))
    roles: Mapped[list[Any]]
    org_units: Mapped[list[Any]]
    clearance: Mapped[str] = mapped_column(String(3), default="003")
    assignment: Mapped[str] = mapped_column(String(16), default=Assignment.CLAIMS)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]


class BrowserSession(Base):
    """A signed-in browser; the cookie holds a random token, the row only its hash."""

    __tablename__ = "browser_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"), index=True)
    """The person signed in through OpenID Connect, or None for a key session."""
    api_key_id: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"), index=True)
    """The API key entered on the web sign-in page (installations without a provider)."""
    csrf_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    id_token: Mapped[str | None] = mapped_column(Text)
    """Kept for RP-initiated logout (``id_token_hint``); not a credential for eakte."""


class ShareGrantee(StrEnum):
    UNIT = "unit"
    PERSON = "person"


class ShareAccess(StrEnum):
    READ = "read"
    WRITE = "write"


class AkteShare(Base):
    """An Akte made visible to another unit or a named person, optionally until a date."""

    __tablename__ = "akte_shares"
    __table_args__ = (Index("ix_akte_shares_grantee", "grantee_kind", "grantee"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    akte_id: Mapped[str] = mapped_column(ForeignKey("akten.id"), index=True)
    grantee_kind: Mapped[str] = mapped_column(String(16))
    grantee: Mapped[str] = mapped_column(String(100))
    """A unit key, or a person's id."""
    access: Mapped[str] = mapped_column(String(16), default=ShareAccess.READ)
    valid_until: Mapped[date | None]
    """Last day of the share; None: until revoked."""
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(300))
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(300))
