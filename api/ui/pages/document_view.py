"""What the document page shows, gathered through the scoped service queries.

The page module (``document.py``) only routes; this module reads the document, its
versions, classification, trail and e-invoice for one caller and turns codes into German.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.ui.labels import (
    DOCUMENT_STATUS,
    DOCUMENT_STATUS_CLASS,
    EVENT_ACTIONS,
    FILING_STATUS,
    READ_PARTS,
    REFERENCE_KINDS,
)
from services.access.roles import Permission
from services.access.scope import Scope
from services.audit.queries import EventFilter, list_events
from services.classification.results import latest_classification
from services.db.models import (
    AuditEvent,
    ClassificationResult,
    Document,
    DocumentVersion,
    FilingStatus,
)
from services.documents.reading import read_text
from services.documents.versions import versions_of
from services.einvoice.by_document import einvoice_of_document
from services.errors import GoneError, NotFoundError
from services.pagework.queries import Lineage, lineage
from services.ports import Clock
from services.records.lookup import visible_akte_ids
from services.records.vorgaenge import vorgang_reference
from services.storage.protection import hold_reason, is_held, retention_end

HISTORY_LIMIT = 50
"""The newest events shown; the whole trail is the Verwaltung's business."""

METHODS = {"reference": "Bezug gefunden", "model": "Klassifikator"}
DECISIONS = {
    "auto": "Automatisch abgelegt",
    "routed": "An die zuständige Stelle weitergeleitet, mit Aktenvorschlag",
    "review": "Zur Prüfung vorgelegt",
}


@dataclass(frozen=True)
class HistoryRow:
    occurred_at: datetime
    actor: str
    action: str
    details: str


@dataclass(frozen=True)
class Suggestion:
    code: str
    title: str
    confidence: float | None
    akte_id: str | None
    aktenzeichen: str | None
    reasons: list[str]


@dataclass(frozen=True)
class Classification:
    method: str
    decision: str
    code: str | None
    confidence: float | None
    threshold: float | None
    reason: str
    created_at: datetime
    suggestions: list[Suggestion]
    references: list[dict[str, str]]


@dataclass(frozen=True)
class DocumentView:
    document: Document
    status_label: str
    status_class: str
    filing_label: str
    vorgang_label: str | None
    plan_code: str | None
    received_at: datetime | None
    retention_until: date | None
    legal_hold: bool
    legal_hold_reason: str | None
    text_pages: list[str] | None
    """None when the text can no longer be read (the document was destroyed)."""
    versions: list[DocumentVersion]
    classification: Classification | None
    history: list[HistoryRow]
    history_total: int
    einvoice_id: str | None
    may_add_version: bool
    may_file: bool
    lineage: Lineage
    """Page work: the documents this one was made from, or those that replaced it."""


def build_view(session: Session, scope: Scope, document: Document, *, clock: Clock) -> DocumentView:
    """Everything the page shows about ``document`` (which the caller can see).

    Reading the text is an audit event, like every other read of what a letter says.
    """
    akte = document.akte
    try:
        text: str | None = read_text(session, scope, document.id, page=None, clock=clock)
    except GoneError:
        text = None
    invoice = einvoice_of_document(session, scope, document.id)
    vorgang = document.vorgang
    history, total = _history(session, scope, document.id)
    made_of = lineage(session, scope, document.id)
    return DocumentView(
        document=document,
        status_label=DOCUMENT_STATUS.get(document.status, document.status),
        status_class=DOCUMENT_STATUS_CLASS.get(document.status, ""),
        filing_label="Ersetzt durch Seitenbearbeitung"
        if made_of.supersession is not None
        else FILING_STATUS.get(document.filing_status, document.filing_status),
        vorgang_label=f"{vorgang_reference(akte, vorgang)} – {vorgang.title}"
        if akte is not None and vorgang is not None
        else None,
        plan_code=akte.file_plan_code if akte is not None else None,
        received_at=document.item.received_at if document.item is not None else None,
        retention_until=retention_end(document),
        legal_hold=is_held(document),
        legal_hold_reason=hold_reason(document),
        text_pages=text.split("\f") if text is not None else None,
        versions=list(reversed(versions_of(session, document.id))),
        classification=_classification(session, scope, document),
        history=history,
        history_total=total,
        einvoice_id=invoice.id if invoice is not None else None,
        may_add_version=_may_add_version(scope, document),
        may_file=_may_file(scope, document),
        lineage=made_of,
    )


def _may_add_version(scope: Scope, document: Document) -> bool:
    """The versions API's own rule, so that the form is offered only where it can work."""
    if document.disposed_at is not None or not scope.may(Permission.MANAGE_RECORDS):
        return False
    if document.akte is not None:
        return scope.can_write_akte(document.akte)
    return scope.in_units(document.org_unit)


def _may_file(scope: Scope, document: Document) -> bool:
    """The filing API's rule for the document itself; the target Akte is checked there."""
    if document.disposed_at is not None or not scope.may(Permission.MANAGE_RECORDS):
        return False
    if document.filing_status == FilingStatus.IN_REVIEW:
        return False
    return document.akte is None or scope.can_write_akte(document.akte)


def _classification(session: Session, scope: Scope, document: Document) -> Classification | None:
    try:
        result = latest_classification(session, document.id)
    except NotFoundError:
        return None
    return _classification_of(session, scope, result)


def _classification_of(
    session: Session, scope: Scope, result: ClassificationResult
) -> Classification:
    raw: list[dict[str, Any]] = [s for s in result.suggestions if isinstance(s, dict)]
    visible = visible_akte_ids(session, scope, [str(s.get("akte_id") or "") for s in raw])
    suggestions = []
    for item in raw:
        akte_id = item.get("akte_id")
        shown = akte_id in visible
        suggestions.append(
            Suggestion(
                code=str(item.get("code", "")),
                title=str(item.get("title", "")),
                confidence=item.get("confidence"),
                # another unit's Aktenzeichen is not the caller's to see
                akte_id=akte_id if shown else None,
                aktenzeichen=item.get("aktenzeichen") if shown else None,
                reasons=[str(r) for r in item.get("reasons", [])],
            )
        )
    references = [
        {
            "kind": REFERENCE_KINDS.get(str(r.get("kind")), str(r.get("kind"))),
            "printed": str(r.get("printed") or r.get("value") or ""),
            "label": str(r.get("label") or ""),
        }
        for r in result.references
        if isinstance(r, dict)
    ]
    return Classification(
        method=METHODS.get(result.method, result.method),
        decision=DECISIONS.get(result.decision, result.decision),
        code=result.code,
        confidence=result.confidence,
        threshold=result.threshold,
        reason=result.reason,
        created_at=result.created_at,
        suggestions=suggestions,
        references=references,
    )


def _history(session: Session, scope: Scope, document_id: str) -> tuple[list[HistoryRow], int]:
    """The newest events of the document's trail the caller may see, newest first."""
    where = EventFilter(object_type="document", object_id=document_id)
    total = list_events(session, scope, where, limit=1, offset=0).total
    page = list_events(
        session, scope, where, limit=HISTORY_LIMIT, offset=max(0, total - HISTORY_LIMIT)
    )
    rows = [_history_row(event) for event in reversed(page.items)]
    return rows, total


def _history_row(event: AuditEvent) -> HistoryRow:
    return HistoryRow(
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=EVENT_ACTIONS.get(event.action, event.action),
        details=_details(event.action, event.details or {}),
    )


def _details(action: str, details: dict[str, Any]) -> str:
    """A short German summary of what the trail recorded."""
    if action in {"document.filed", "document.moved"}:
        parts = [f"nach {details.get('to')}"]
        if details.get("to_vorgang"):
            parts.append(f"Vg. {details['to_vorgang']}")
        if details.get("from"):
            parts.insert(0, f"von {details['from']}")
        if details.get("reason"):
            parts.append(f"– {details['reason']}")
        return " ".join(parts)
    if action == "version.added":
        comment = f" – {details['comment']}" if details.get("comment") else ""
        return f"Version {details.get('version')}{comment}"
    if action == "content.read":
        part = READ_PARTS.get(str(details.get("part")), str(details.get("part")))
        return f"Version {details.get('version')}, {part}"
    if action == "text.read" and details.get("page"):
        return f"Seite {details['page']}"
    if action == "document.classified" and details.get("code"):
        return f"Aktenplan {details['code']}"
    return ""
