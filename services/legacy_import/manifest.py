"""The import manifest (``manifest.json``, or ``manifest.csv`` via :mod:`manifest_csv`).

``manifest.json``::

    {
      "format": "eakte-legacy-import/1",
      "source": "bauakten-mikrofiche",          optional; names the ledger keys
      "akten": [
        {
          "id": "A-17",                           unique in the manifest
          "code": "632.01",                       a leaf of eakte's file plan
          "legacy_reference": "63/1234/1987",     the Aktenzeichen printed on the old file
          "title": "Bauakte Gartenstraße 12",
          "description": "...",
          "subject_keys": [{"kind": "flurstueck", "value": "Flur 3, 117/4"}],
          "opened_on": "1987-03-02",              YYYY-MM-DD or DD.MM.YYYY
          "closed_on": "1995-11-30",              optional
          "events": [{"event": "...", "occurred_on": "2001-05-01", "note": "..."}],
          "vorgaenge": [{"id": "V1", "title": "...", "opened_on": "...", "closed_on": "...",
                         "documents": [...]}],
          "documents": [
            {"id": "D1",                          default: the file path
             "file": "scans/a17/0001.pdf",        relative to the import folder
             "versions": ["old.pdf", "new.pdf"],  instead of "file": oldest first
             "title": "Bauantrag", "letter_date": "1987-02-20", "received_on": "1987-03-02",
             "direction": "incoming", "sender": "Architekturbüro Meier",
             "description": "..."}
          ]
        }
      ]
    }

An Akte whose own fields are wrong is refused whole; a Vorgang or document with a wrong
field is refused alone (its Akte is imported but left open, see :mod:`run`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from services.errors import EAkteError, InvalidInputError
from services.legacy_import.model import (
    LegacyAkte,
    LegacyDocument,
    LegacyEvent,
    LegacyFile,
    LegacyVersion,
    LegacyVorgang,
    Refusal,
    SourceItem,
)
from services.records.subject_keys import SubjectKey, subject_key

FORMAT = "eakte-legacy-import/1"
DIRECTIONS = {
    "incoming": "incoming",
    "eingang": "incoming",
    "outgoing": "outgoing",
    "ausgang": "outgoing",
    "internal": "internal",
    "intern": "internal",
}


def read_json_manifest(path: Path, *, source: str | None = None) -> list[SourceItem]:
    """Every Akte of ``manifest.json`` (or why it is refused)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{path.name} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("akten"), list):
        raise InvalidInputError(f'{path.name} needs an object with a list "akten"')
    if data.get("format", FORMAT) != FORMAT:
        raise InvalidInputError(f"{path.name} has format {data['format']!r}; expected {FORMAT!r}")
    name = source or _text(data, "source") or str(path.resolve())
    return list(read_entries(data["akten"], root=path.parent, source=name))


def read_entries(entries: Sequence[Any], *, root: Path, source: str) -> Iterator[SourceItem]:
    """The Akten of a manifest's entries (parsed JSON, or CSV rows grouped alike)."""
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        raw_id = entry.get("id") if isinstance(entry, Mapping) else None
        key = f"{source}#akte:{raw_id}" if raw_id else f"{source}#akte-entry:{index}"
        label = f"Akte {raw_id}" if raw_id else f"Akte entry #{index}"
        try:
            if not isinstance(entry, Mapping):
                raise InvalidInputError("an Akte entry must be an object")
            if not raw_id:
                raise InvalidInputError('the Akte has no "id"')
            if key in seen:
                raise InvalidInputError(f"the id {raw_id!r} is used by an earlier Akte")
            seen.add(key)
            yield _akte(entry, key, label, root)
        except EAkteError as exc:
            yield Refusal(key=key, label=label, reason=exc.detail)


def _akte(entry: Mapping[str, Any], key: str, label: str, root: Path) -> LegacyAkte:
    title = _required(entry, "title")
    label = f"{label} ({title})"
    refused: list[Refusal] = []
    documents = _documents(entry.get("documents"), key, root, refused)
    vorgaenge: list[LegacyVorgang] = []
    vorgang_keys: set[str] = set()
    for raw in _list(entry, "vorgaenge"):
        vorgang_id = raw.get("id") if isinstance(raw, Mapping) else None
        vkey = f"{key}/vorgang:{vorgang_id}"
        try:
            if not isinstance(raw, Mapping) or not vorgang_id:
                raise InvalidInputError('a Vorgang needs an object with an "id"')
            if vkey in vorgang_keys:
                raise InvalidInputError(f"the id {vorgang_id!r} is used by an earlier Vorgang")
            vorgang_keys.add(vkey)
            vorgaenge.append(
                LegacyVorgang(
                    key=vkey,
                    title=_required(raw, "title"),
                    opened_on=_date(raw, "opened_on"),
                    closed_on=_date(raw, "closed_on"),
                    documents=tuple(_documents(raw.get("documents"), vkey, root, refused)),
                )
            )
        except EAkteError as exc:
            count = len(raw.get("documents") or []) if isinstance(raw, Mapping) else 0
            refused.append(
                Refusal(
                    key=vkey,
                    label=f"Vorgang {vorgang_id} of {label}",
                    reason=f"{exc.detail} (its {count} documents are not imported)",
                )
            )
    opened_on = _date(entry, "opened_on")
    if opened_on is None:
        raise InvalidInputError('"opened_on" is required')
    return LegacyAkte(
        key=key,
        label=label,
        code=_required(entry, "code"),
        title=title,
        opened_on=opened_on,
        closed_on=_date(entry, "closed_on"),
        legacy_reference=_text(entry, "legacy_reference"),
        description=_text(entry, "description"),
        subject_keys=tuple(_subject_keys(entry.get("subject_keys"))),
        events=tuple(_events(entry.get("events"))),
        vorgaenge=tuple(vorgaenge),
        documents=tuple(documents),
        refused=tuple(refused),
    )


def _documents(
    raw: Any, parent_key: str, root: Path, refused: list[Refusal]
) -> list[LegacyDocument]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidInputError('"documents" must be a list')
    documents: list[LegacyDocument] = []
    keys: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        ident = _document_id(entry) or f"#{index}"
        key = f"{parent_key}/document:{ident}"
        label = f"document {ident}"
        try:
            if not isinstance(entry, Mapping):
                raise InvalidInputError("a document entry must be an object")
            if key in keys:
                raise InvalidInputError(f"the id {ident!r} is used by an earlier document")
            keys.add(key)
            documents.append(_document(entry, key, root))
        except EAkteError as exc:
            refused.append(Refusal(key=key, label=label, reason=exc.detail))
    return documents


def _document_id(entry: Any) -> str | None:
    if not isinstance(entry, Mapping):
        return None
    for name in ("id", "file"):
        value = entry.get(name)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    versions = entry.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[-1], str):
        return versions[-1]
    return None


def _document(entry: Mapping[str, Any], key: str, root: Path) -> LegacyDocument:
    file, versions = _text(entry, "file"), entry.get("versions")
    if (file is None) == (versions is None):
        raise InvalidInputError('a document names either "file" or "versions" (a list)')
    if versions is not None and (
        not isinstance(versions, list)
        or not versions
        or not all(isinstance(v, str) and v.strip() for v in versions)
    ):
        raise InvalidInputError('"versions" must be a non-empty list of file paths')
    paths = [file] if file is not None else [str(v) for v in versions or []]
    direction = _text(entry, "direction")
    if direction is not None:
        if direction.casefold() not in DIRECTIONS:
            raise InvalidInputError(
                f"direction {direction!r} is not incoming, outgoing or internal"
            )
        direction = DIRECTIONS[direction.casefold()]
    return LegacyDocument(
        key=key,
        title=_text(entry, "title") or Path(paths[-1]).stem,
        versions=tuple(LegacyVersion(formats=(local_file(root, p),)) for p in paths),
        letter_date=_date(entry, "letter_date"),
        received_on=_date(entry, "received_on"),
        direction=direction,
        sender=_text(entry, "sender"),
        description=_text(entry, "description"),
    )


def local_file(root: Path, relative: str) -> LegacyFile:
    """A file named relative to the import folder; a path leading out of it is refused."""
    candidate = Path(relative)
    resolved = (root / candidate).resolve()
    if candidate.is_absolute() or not resolved.is_relative_to(root.resolve()):
        raise InvalidInputError(f"the file {relative!r} lies outside the import folder")

    def opener() -> AbstractContextManager[BinaryIO]:
        return resolved.open("rb")

    return LegacyFile(name=relative, open=opener)


def _events(raw: Any) -> Iterator[LegacyEvent]:
    if raw is None:
        return
    if not isinstance(raw, list):
        raise InvalidInputError('"events" must be a list')
    for entry in raw:
        if not isinstance(entry, Mapping):
            raise InvalidInputError("an event must be an object")
        occurred_on = _date(entry, "occurred_on")
        if occurred_on is None:
            raise InvalidInputError('an event needs "occurred_on"')
        yield LegacyEvent(
            event=_required(entry, "event"), occurred_on=occurred_on, note=_text(entry, "note")
        )


def _subject_keys(raw: Any) -> Iterator[SubjectKey]:
    if raw is None:
        return
    if not isinstance(raw, list):
        raise InvalidInputError('"subject_keys" must be a list')
    for entry in raw:
        if isinstance(entry, str):
            kind, sep, value = entry.partition(":")
            if not sep:
                raise InvalidInputError(f"subject key {entry!r} is not <kind>:<value>")
            yield subject_key(kind.strip(), value)
        elif isinstance(entry, Mapping):
            yield subject_key(_required(entry, "kind"), _required(entry, "value"))
        else:
            raise InvalidInputError("a subject key is an object {kind, value} or 'kind:value'")


def parse_day(text: str, what: str) -> date:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY``."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise InvalidInputError(f"{what} {text!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)")


def _date(entry: Mapping[str, Any], name: str) -> date | None:
    value = _text(entry, name)
    return None if value is None else parse_day(value, name)


def _text(entry: Mapping[str, Any], name: str) -> str | None:
    value = entry.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise InvalidInputError(f'"{name}" must be text')
    text = " ".join(str(value).split())
    return text or None


def _required(entry: Mapping[str, Any], name: str) -> str:
    value = _text(entry, name)
    if value is None:
        raise InvalidInputError(f'"{name}" is required')
    return value


def _list(entry: Mapping[str, Any], name: str) -> list[Any]:
    value = entry.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInputError(f'"{name}" must be a list')
    return value
