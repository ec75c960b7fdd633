"""German labels of the Aussonderung pages (due list, processes, certificates).

Not a page (no ``router``); :mod:`~api.ui.pages.disposition`,
:mod:`~api.ui.pages.archive_processes` and :mod:`~api.ui.pages.archive_certificates`
import it.  A code without a label is shown as it is (:func:`api.ui.labels.label`).
"""

from __future__ import annotations

from services.archive.certificate import REASON_LABELS
from services.retention.disposition import ArchiveValueOf

BASE = "/ui/verwaltung/aussonderung"
PROCESSES = BASE + "/verfahren"
CERTIFICATES = "/ui/verwaltung/vernichtungsprotokolle"

ITEM_STATES = {
    "offered": "angeboten",
    "to_transfer": "zur Übergabe",
    "transferred": "übergeben",
    "archived": "vom Archiv übernommen",
    "failed": "Übernahme fehlgeschlagen",
    "to_destroy": "zur Vernichtung",
    "destroyed": "vernichtet/gelöscht",
    "kept": "verbleibt",
}
ITEM_STATE_CLASS = {
    "failed": "error",
    "to_destroy": "warn",
    "destroyed": "ok",
    "archived": "ok",
}
PROCESS_STATUS = {
    "offered": "angeboten – wartet auf die Bewertung des Archivs",
    "appraised": "bewertet",
    "transfer_sent": "übergeben – wartet auf die Bestätigung des Archivs",
    "transfer_received": "vom Archiv empfangen – wartet auf die Übernahme",
    "completed": "abgeschlossen",
    "cancelled": "abgebrochen",
}
FLOWS = {
    "four-step": "vierstufig (Anbietung, Bewertung durch das Archiv, Abgabe)",
    "two-step": "zweistufig (Bewertung durch die Behörde, Abgabe)",
}
MESSAGE_TYPES = {
    "0501": "0501 Anbietung",
    "0502": "0502 Bewertung",
    "0503": "0503 Abgabe (Aussonderung)",
    "0504": "0504 Empfang der Anbietung bestätigt",
    "0505": "0505 Empfang der Bewertung bestätigt",
    "0506": "0506 Übernahme bestätigt",
    "0507": "0507 Empfang der Abgabe bestätigt",
}
DIRECTIONS = {"out": "gesendet", "in": "empfangen"}
ALERT_KINDS = {
    "message_refused": "Nachricht abgewiesen",
    "destruction_refused": "Vernichtung nicht möglich",
    "no_appraisal": "Bewertung des Archivs bleibt aus",
    "no_import_confirmation": "Übernahmebestätigung bleibt aus",
    "import_failed": "Übernahme fehlgeschlagen",
}
CERTIFICATE_REASONS = {reason.value: text for reason, text in REASON_LABELS.items()}
VALUES = {"A": "A – archivwürdig", "V": "V – vernichten", "B": "B – zu bewerten"}


def archive_value_text(due: ArchiveValueOf) -> str:
    """The archive value as the due list shows it, with where it comes from."""
    if due.plan_value is None:
        return "kein Archivwert im Aktenplan"
    if due.appraisal_pending:
        return "B – noch nicht bewertet"
    value = VALUES.get(due.archive_value or "", due.archive_value or "–")
    if due.plan_value == "B":
        return f"{value} (B, bewertet)"
    return f"{value} (Aktenplan)"
