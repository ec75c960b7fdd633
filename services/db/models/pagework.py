"""Models of page work before filing: operations, derived pages and superseded documents.

Page work never changes a document: it makes new documents from the pages of existing
ones.  :class:`DerivedPage` records, page by page, where each new page came from;
:class:`DocumentSupersession` marks a source as replaced by the operation's results.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base, new_id


class PageworkOperation(Base):
    """One applied page work (split, merge, rotate, drop, or several at once)."""

    __tablename__ = "pagework_operations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kinds: Mapped[str] = mapped_column(String(100))
    """What the operation did, e.g. ``split,rotate``."""
    request: Mapped[dict[str, Any]]
    """The operation as asked for: appended documents, rotations, drops, splits."""
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(300))


class DerivedPage(Base):
    """A page of a document made by page work, and the source page it was taken from."""

    __tablename__ = "derived_pages"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    page_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation_id: Mapped[str] = mapped_column(ForeignKey("pagework_operations.id"), index=True)
    source_document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    source_page: Mapped[int] = mapped_column(Integer)
    rotated: Mapped[int] = mapped_column(Integer, default=0)
    """Degrees clockwise this operation turned the page (0, 90, 180, 270)."""


class DocumentSupersession(Base):
    """A document replaced by the results of a page work; it stays readable, not open work."""

    __tablename__ = "document_supersessions"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    operation_id: Mapped[str] = mapped_column(ForeignKey("pagework_operations.id"), index=True)
    superseded_at: Mapped[datetime]
    superseded_by: Mapped[str] = mapped_column(String(300))
