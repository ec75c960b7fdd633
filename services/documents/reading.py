"""Reading a document's content, rendition, text or search snippets, with an audit event.

Under the GDPR every read of what a letter says is accountable: who read which
document, which version and part, and when.  The REST API, the CLI, the web pages and
CMIS all read through these functions so that none of them can forget the event.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.audit.trail import record_event
from services.db.models import Document
from services.documents.queries import document_text, get_document
from services.documents.versions import Part, VersionBytes, ensure_not_disposed, read_version
from services.errors import NotFoundError
from services.ports import BlobStore, Clock


def read_content(
    session: Session,
    scope: Scope,
    store: BlobStore,
    document_id: str,
    number: int | None,
    part: Part,
    *,
    clock: Clock,
) -> tuple[Document, VersionBytes]:
    document = get_document(session, scope, document_id)
    found = read_version(session, store, document, number, part)
    record_event(
        session,
        actor=scope.actor,
        action="content.read",
        object_type="document",
        object_id=document.id,
        details={"version": found.number, "part": part.value, "sha256": found.sha256},
        clock=clock,
    )
    return document, found


def read_text(
    session: Session, scope: Scope, document_id: str, *, page: int | None, clock: Clock
) -> str:
    """The recognised text, all pages (form-feed separated) or one."""
    document = get_document(session, scope, document_id)
    ensure_not_disposed(document)
    if page is None:
        text = document_text(document)
    else:
        found = [p.text for p in document.pages if p.page_number == page]
        if not found:
            raise NotFoundError(f"document {document_id} has no page {page}")
        text = found[0]
    record_event(
        session,
        actor=scope.actor,
        action="text.read",
        object_type="document",
        object_id=document.id,
        details={"page": page, "chars": len(text)},
        clock=clock,
    )
    return text


def record_snippets_shown(
    session: Session, scope: Scope, query: str, document_ids: Sequence[str], *, clock: Clock
) -> None:
    """A search result shows a piece of each hit's text: one event per document shown."""
    for rank, document_id in enumerate(document_ids, start=1):
        record_event(
            session,
            actor=scope.actor,
            action="snippet.read",
            object_type="document",
            object_id=document_id,
            details={"query": query[:200], "rank": rank},
            clock=clock,
        )
