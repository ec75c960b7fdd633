"""``manifest.csv``: the manifest as one spreadsheet row per document.

Columns (header row, names as below; unknown columns are refused, empty cells are
absent values; separator ``;``, ``,`` or tab, UTF-8 with or without BOM):

- Akte: ``akte_id`` (required), ``code``, ``legacy_reference``, ``title``,
  ``description``, ``subject_keys`` (``kind:value``, several separated by ``|``),
  ``opened_on``, ``closed_on``, ``event``, ``event_on``, ``event_note``;
- Vorgang (optional): ``vorgang_id``, ``vorgang_title``, ``vorgang_opened_on``,
  ``vorgang_closed_on``;
- document (optional; a row without ``file`` only describes its Akte or Vorgang):
  ``document_id``, ``file`` (several versions oldest first, separated by ``|``),
  ``document_title``, ``letter_date``, ``received_on``, ``direction``, ``sender``,
  ``document_description``.

The Akte's and Vorgang's fields are given on their first row and may be repeated on
later rows; a later row that gives a different value refuses the Akte.  Rows are then
read as the JSON manifest (:mod:`manifest`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from services.errors import InvalidInputError
from services.legacy_import.manifest import read_entries
from services.legacy_import.model import Refusal, SourceItem

AKTE_COLUMNS = {
    "code": "code",
    "legacy_reference": "legacy_reference",
    "title": "title",
    "description": "description",
    "opened_on": "opened_on",
    "closed_on": "closed_on",
}
VORGANG_COLUMNS = {
    "vorgang_title": "title",
    "vorgang_opened_on": "opened_on",
    "vorgang_closed_on": "closed_on",
}
DOCUMENT_COLUMNS = {
    "document_id": "id",
    "document_title": "title",
    "letter_date": "letter_date",
    "received_on": "received_on",
    "direction": "direction",
    "sender": "sender",
    "document_description": "description",
}
OTHER_COLUMNS = {"akte_id", "subject_keys", "event", "event_on", "event_note", "vorgang_id", "file"}
COLUMNS = set(AKTE_COLUMNS) | set(VORGANG_COLUMNS) | set(DOCUMENT_COLUMNS) | OTHER_COLUMNS


def read_csv_manifest(path: Path, *, source: str | None = None) -> list[SourceItem]:
    """Every Akte of ``manifest.csv`` (or why it is refused)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path.name} is not readable UTF-8 text: {exc}") from exc
    first = text.splitlines()[0] if text else ""
    delimiter = max(";,\t", key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = sorted(set(header) - COLUMNS)
    if "akte_id" not in header or unknown:
        raise InvalidInputError(
            f"{path.name}: the header needs akte_id"
            + (f"; unknown columns: {', '.join(unknown)}" if unknown else "")
        )
    name = source or str(path.resolve())
    akten: dict[str, dict[str, Any]] = {}
    conflicts: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        akte_id = cells.get("akte_id", "")
        if not akte_id:
            if any(cells.values()):
                key = f"{name}#row:{line}"
                conflicts.setdefault(key, f"row {line} has no akte_id")
                akten.setdefault(key, {})
            continue
        akte = akten.setdefault(akte_id, {"id": akte_id})
        problem = _merge_row(akte, cells, line)
        if problem and akte_id not in conflicts:
            conflicts[akte_id] = problem
    items: list[SourceItem] = []
    good = [entry for key, entry in akten.items() if key not in conflicts]
    items.extend(read_entries(good, root=path.parent, source=name))
    for key, reason in conflicts.items():
        if key.startswith(f"{name}#row:"):
            items.append(Refusal(key=key, label=f"row {key.rsplit(':', 1)[1]}", reason=reason))
        else:
            items.append(Refusal(key=f"{name}#akte:{key}", label=f"Akte {key}", reason=reason))
    return items


def _merge_row(akte: dict[str, Any], cells: dict[str, str], line: int) -> str | None:
    """Fold one row into its Akte; a conflicting repeated value is returned as a problem."""
    problem = _set_fields(akte, cells, AKTE_COLUMNS, line)
    for raw in filter(None, cells.get("subject_keys", "").split("|")):
        keys = akte.setdefault("subject_keys", [])
        if raw.strip() not in keys:
            keys.append(raw.strip())
    if cells.get("event"):
        event = {"event": cells["event"], "occurred_on": cells.get("event_on") or None}
        if cells.get("event_note"):
            event["note"] = cells["event_note"]
        events = akte.setdefault("events", [])
        if event not in events:
            events.append(event)
    container = akte
    if cells.get("vorgang_id"):
        vorgaenge = akte.setdefault("vorgaenge", [])
        vorgang = next((v for v in vorgaenge if v["id"] == cells["vorgang_id"]), None)
        if vorgang is None:
            vorgang = {"id": cells["vorgang_id"]}
            vorgaenge.append(vorgang)
        problem = problem or _set_fields(vorgang, cells, VORGANG_COLUMNS, line)
        container = vorgang
    if cells.get("file"):
        document: dict[str, Any] = {
            "versions": [f.strip() for f in cells["file"].split("|") if f.strip()]
        }
        _set_fields(document, cells, DOCUMENT_COLUMNS, line)
        container.setdefault("documents", []).append(document)
    return problem


def _set_fields(
    target: dict[str, Any], cells: dict[str, str], columns: dict[str, str], line: int
) -> str | None:
    problem = None
    for column, field in columns.items():
        value = cells.get(column)
        if not value:
            continue
        if field in target and target[field] != value:
            problem = problem or (
                f"row {line} gives {column} {value!r}, an earlier row {target[field]!r}"
            )
            continue
        target[field] = value
    return problem
