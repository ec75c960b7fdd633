"""What the records-management pages share: German permission refusals and labels.

Not a page (no ``router``); the ``retention*`` and ``integrity*`` pages import it.
"""

from __future__ import annotations

from datetime import date

from api.ui.page import Page
from services.access.roles import Permission
from services.db.models import Akte, Document
from services.errors import PermissionDeniedError

PERMISSION_LABELS = {
    Permission.MANAGE_RETENTION: "Aufbewahrung verwalten",
    Permission.READ_AUDIT: "Protokoll und Integrität einsehen",
}

AKTE_STATUS = {"open": "offen", "closed": "geschlossen"}


def require(page: Page, permission: Permission) -> None:
    """The permission the API would check, refused with a German reason (403 page)."""
    if not page.can(permission):
        label = PERMISSION_LABELS.get(permission, permission.value)
        raise PermissionDeniedError(f"Dafür brauchen Sie die Berechtigung „{label}“.")


def document_hold(document: Document) -> str | None:
    """Why the document is on legal hold (its own or its Akte's), in German; None if not."""
    if document.legal_hold:
        return f"Löschsperre auf dem Dokument: {document.legal_hold_reason or 'ohne Grund'}"
    akte: Akte | None = document.akte
    if akte is not None and akte.legal_hold:
        reason = akte.legal_hold_reason or "ohne Grund"
        return f"Löschsperre auf der Akte {akte.aktenzeichen}: {reason}"
    return None


def is_due(end: date | None, today: date) -> bool:
    """Destruction is allowed the day after the retention end (the end day is kept)."""
    return end is not None and today > end
