"""What the search index holds of a document: its title, its metadata and its pages.

Every place that (re-)indexes a document builds the entry here, so that a new version,
page work or a CMIS update does not drop the metadata the upload or a client gave.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.db.models import Document
from services.ports import IndexableDocument


def metadata_text(document: Document) -> str:
    """The intake's hints and the document's own metadata, as one searchable text."""
    item = document.item
    values = (
        item.original_filename,
        item.sender_hint,
        item.station_id,
        item.batch_id,
        item.target_org_unit,
        document.sender,
        document.description,
    )
    return " ".join(value for value in values if value)


def search_entry(document: Document, pages: Sequence[str]) -> IndexableDocument:
    return IndexableDocument(
        document_id=document.id,
        title=document.title,
        metadata_text=metadata_text(document),
        pages=list(pages),
    )
