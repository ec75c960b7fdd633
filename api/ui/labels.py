"""German labels of the codes the pages show, in one place for every page.

A code without a label is shown as it is (``label``), so a new status never breaks a
page, it only shows up untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping

ITEM_STATUS = {
    "received": "Eingegangen",
    "processing": "In Verarbeitung",
    "done": "Fertig",
    "failed": "Fehlgeschlagen",
}
DOCUMENT_STATUS = {
    "received": "Eingegangen",
    "processing": "In Verarbeitung",
    "ocr_done": "Verarbeitet",
    "failed": "Fehlgeschlagen",
}
DOCUMENT_STATUS_CLASS = {
    "received": "status-received",
    "processing": "status-processing",
    "ocr_done": "status-done",
    "failed": "status-failed",
}
FILING_STATUS = {
    "unfiled": "Nicht abgelegt",
    "in_review": "In Prüfung",
    "auto_filed": "Automatisch abgelegt",
    "filed": "Abgelegt",
}
AKTE_STATUS = {"open": "Offen", "closed": "Geschlossen (z.d.A.)"}
VORGANG_STATUS = {"open": "Offen", "closed": "Abgeschlossen"}
EVENT_ACTIONS = {
    "intake.received": "Eingegangen",
    "ocr.done": "Texterkennung abgeschlossen",
    "akte.created": "Akte angelegt",
    "akte.closed": "Akte geschlossen (z.d.A.)",
    "akte.reopened": "Akte wieder geöffnet",
    "akte.shared": "Freigabe erteilt",
    "akte.share_revoked": "Freigabe widerrufen",
    "akte.confidentiality_changed": "Vertraulichkeit geändert",
    "confidentiality.set": "Vertraulichkeit geändert",
    "document.classified": "Klassifiziert",
    "document.filed": "Abgelegt",
    "document.moved": "Umgelegt",
    "document.destroyed": "Vernichtet",
    "review.decided": "Prüfung entschieden",
    "version.added": "Neue Version",
    "content.read": "Inhalt gelesen",
    "text.read": "Text gelesen",
    "snippet.read": "In Suchergebnis gezeigt",
    "legal_hold.set": "Aufbewahrungssperre gesetzt",
    "legal_hold.released": "Aufbewahrungssperre aufgehoben",
    "retention.extended": "Aufbewahrung verlängert",
}
"""Audit actions as the history sections of the Akte and document pages name them."""
REFERENCE_KINDS = {
    "aktenzeichen": "Aktenzeichen",
    "leitweg_id": "Leitweg-ID",
    "kassenzeichen": "Kassenzeichen",
    "bauantrag": "Bauantragsnummer",
    "sender_reference": "Zeichen des Absenders",
    "person": "Person",
    "flurstueck": "Flurstück",
    "legacy_reference": "Altes Aktenzeichen",
    "other": "Sonstiges",
}
"""Kinds of references found in letters, which are also the kinds of subject keys."""
READ_PARTS = {
    "content": "Original",
    "rendition": "PDF/A",
    "page_image": "Seitenbild",
    "einvoice_html": "Rechnungsansicht",
    "einvoice_pdf": "Rechnungsansicht (PDF)",
}


def label(labels: Mapping[str, str], value: str | None) -> str:
    """The German label of a code, or the code itself when none is known."""
    if value is None:
        return "–"
    return labels.get(value, value)
