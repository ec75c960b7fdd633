"""Models behind CMIS: folders, client-defined types and properties, labels, check-outs.

An Akte and its Vorgänge keep their own tables; :class:`RecordFolder` adds what xdomea
and CMIS clients nest below them (Teilakte, Teilvorgang, plain folders).  Access and
retention still follow the Akte each folder belongs to.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db.models.base import Base, new_id


class FolderKind(StrEnum):
    TEILAKTE = "teilakte"
    TEILVORGANG = "teilvorgang"
    FOLDER = "folder"


class RecordFolder(Base):
    """A folder below an Akte: directly under it, under a Vorgang, or under another folder."""

    __tablename__ = "record_folders"
    __table_args__ = (Index("ix_record_folders_parent", "akte_id", "vorgang_id", "parent_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    akte_id: Mapped[str] = mapped_column(ForeignKey("akten.id"), index=True)
    vorgang_id: Mapped[str | None] = mapped_column(ForeignKey("vorgaenge.id"))
    """Set for a folder under a Vorgang and for everything below it."""
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("record_folders.id"))
    """None directly under the Akte or the Vorgang."""
    kind: Mapped[str] = mapped_column(String(16), default=FolderKind.FOLDER)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime]


class CmisType(Base):
    """A type a client defined (CMIS 1.1 type mutability), kept in the CMIS JSON format."""

    __tablename__ = "cmis_types"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    base_id: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[str] = mapped_column(String(200), index=True)
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime]


class CmisObjectType(Base):
    """The client-defined primary type and the secondary types of one record object.

    ``object_key`` is ``<kind>:<id>`` (``document:…``, ``akte:…``, ``vorgang:…``,
    ``folder:…``); objects without a row have their built-in type and no secondary type.
    """

    __tablename__ = "cmis_object_types"

    object_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    type_id: Mapped[str | None] = mapped_column(String(200), index=True)
    secondary_type_ids: Mapped[list[Any]]


class CmisPropertyValue(Base):
    """One value of a client-defined property; a multi-valued property has several rows.

    Exactly one of the ``value_*`` columns is set, by the property's type, so that
    queries compare typed values and can use the index.
    """

    __tablename__ = "cmis_property_values"
    __table_args__ = (
        Index("ix_cmis_property_values_object", "object_key", "property_id"),
        Index("ix_cmis_property_values_string", "property_id", "value_string"),
        Index("ix_cmis_property_values_number", "property_id", "value_number"),
        Index("ix_cmis_property_values_datetime", "property_id", "value_datetime"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    object_key: Mapped[str] = mapped_column(String(80))
    property_id: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    value_string: Mapped[str | None] = mapped_column(String(4000))
    value_number: Mapped[Decimal | None] = mapped_column(Numeric(38, 10))
    value_datetime: Mapped[datetime | None]
    value_bool: Mapped[bool | None]


class VersionLabel(Base):
    """The CMIS label of a document version (``major.minor``).

    Versions without a row (made before CMIS, or by the REST API) are ``<number>.0``.
    """

    __tablename__ = "document_version_labels"

    version_id: Mapped[str] = mapped_column(ForeignKey("document_versions.id"), primary_key=True)
    major: Mapped[int] = mapped_column(Integer)
    minor: Mapped[int] = mapped_column(Integer)
    is_major: Mapped[bool]


class DocumentCheckout(Base):
    """A checked-out document and its private working copy (PWC).

    The PWC's content is stored like any content (write-once, minimum retention) and
    becomes the next version at check-in; cancelling leaves it to the orphan sweep.
    """

    __tablename__ = "document_checkouts"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    checked_out_by: Mapped[str] = mapped_column(String(300))
    checked_out_at: Mapped[datetime]
    content_object_id: Mapped[int | None] = mapped_column(ForeignKey("stored_objects.id"))
    content_filename: Mapped[str | None] = mapped_column(String(500))
    content_changed: Mapped[bool] = mapped_column(default=False)
    """The PWC's content was set or deleted since check-out."""
    properties: Mapped[dict[str, Any]]
    """Property changes made on the PWC, applied at check-in."""
