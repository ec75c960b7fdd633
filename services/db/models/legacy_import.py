"""The ledger of the legacy import: what each manifest entry or xdomea object became.

One row per created object, written in the same transaction as the object itself, so
that a run interrupted at any point (even ``kill -9``) is continued by the next run
without creating anything twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base


class LegacyImportEntry(Base):
    """One imported Akte, Vorgang or document, by the key of its source entry."""

    __tablename__ = "legacy_import_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(String(700), unique=True)
    """``<source>#akte:<id>[/vorgang:<id>][/document:<id>]`` for a manifest entry (source:
    the manifest's ``source`` or its absolute path), ``xdomea:<object UUID>`` for a 0503
    object."""
    kind: Mapped[str] = mapped_column(String(16))
    """``akte``, ``vorgang`` or ``document``."""
    object_id: Mapped[str] = mapped_column(String(36), index=True)
    """The id of the eakte Akte, Vorgang or document."""
    sha256: Mapped[str] = mapped_column(String(64))
    """A document's current content; for Akten and Vorgänge the entry's metadata."""
    run_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(300))
