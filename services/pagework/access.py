"""Who may rework which document: unfiled mail, by whoever may decide its review.

The rule is the review decision's: the mail room (and records managers and admins, who
see every unit) may rework any unfiled mail they can see; a case worker the mail routed
to one of their units.  What the caller cannot see is not found; what they can see but
not change is refused; filed, destroyed, already reworked or still unprocessed documents
are in the wrong state.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.access.roles import Permission
from services.access.scope import Scope
from services.db.models import Document, DocumentStatus, DocumentSupersession, FilingStatus
from services.documents.queries import get_document
from services.documents.versions import ensure_not_disposed
from services.errors import ConflictError, PermissionDeniedError


def reworkable_document(session: Session, scope: Scope, document_id: str) -> Document:
    """The document, if the caller may rework its pages now; else the reason why not."""
    scope.require(Permission.REVIEW)
    document = get_document(session, scope, document_id)
    require_rework_access(scope, document)
    ensure_not_disposed(document)
    blocker = rework_blocker(session, scope, document)
    if blocker == "filed":
        raise ConflictError(
            f"document {document.id} is filed; page work is only possible before filing"
        )
    if blocker == "superseded":
        superseded = session.get(DocumentSupersession, document.id)
        assert superseded is not None
        raise ConflictError(
            f"document {document.id} was already replaced by page work "
            f"{superseded.operation_id}; work on its successors"
        )
    if blocker == "processing":
        raise ConflictError(
            f"document {document.id} is still being processed or classified; "
            "page work is possible once it waits for review"
        )
    return document


def require_rework_access(scope: Scope, document: Document) -> None:
    """The caller may change this document (as for deciding its review)."""
    if document.akte is not None:
        scope.require_write_akte(document.akte)
    elif not (scope.unfiled_mail or scope.in_units(document.org_unit)):
        raise PermissionDeniedError(f"you may read document {document.id} but not change it")


def may_rework(scope: Scope, document: Document) -> bool:
    """Whether the caller's role and units allow page work on ``document`` at all."""
    if not scope.may(Permission.REVIEW):
        return False
    try:
        require_rework_access(scope, document)
    except PermissionDeniedError:
        return False
    return True


def rework_blocker(session: Session, scope: Scope, document: Document) -> str | None:
    """Why the caller cannot rework ``document`` now (for pages), or None if they can.

    ``forbidden``, ``disposed``, ``filed``, ``superseded`` or ``processing``; the same
    checks as :func:`reworkable_document`, on a document the caller already sees.
    """
    if not may_rework(scope, document):
        return "forbidden"
    if document.disposed_at is not None:
        return "disposed"
    if document.akte_id is not None:
        return "filed"
    if session.get(DocumentSupersession, document.id) is not None:
        return "superseded"
    if (
        document.filing_status != FilingStatus.IN_REVIEW
        or document.status != DocumentStatus.OCR_DONE
        or document.rendition_blob_key is None
    ):
        return "processing"
    return None
