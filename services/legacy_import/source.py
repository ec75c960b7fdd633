"""Opening an import folder: its manifest, or the xdomea 0503 messages in it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from services.errors import InvalidInputError
from services.legacy_import.manifest import read_json_manifest
from services.legacy_import.manifest_csv import read_csv_manifest
from services.legacy_import.model import LegacyAkte, SourceItem
from services.legacy_import.xdomea_source import (
    Message,
    count_documents,
    message_files,
    read_message,
)

MANIFESTS = ("manifest.json", "manifest.csv")


@dataclass(frozen=True)
class ImportSource:
    name: str
    """The manifest or the message(s), for the report."""
    items: Callable[[], Iterator[SourceItem]]
    """The Akten, in source order; xdomea messages are read while iterating."""
    document_count: int
    """How many documents the source lists (for a progress bar)."""
    schema_checked: bool | None = None
    """xdomea: whether the messages are checked against the schema; None for manifests."""


@contextmanager
def open_source(
    path: Path,
    *,
    code_map: Mapping[str, str],
    source_name: str | None = None,
    schema_dir: Path | None = None,
) -> Iterator[ImportSource]:
    """The source at ``path``: a manifest's folder, or xdomea 0503 messages.

    A folder with ``manifest.json`` or ``manifest.csv``; else a 0503 message (zip or XML)
    or a folder of them (every ``*.0503.zip`` and ``*.0503.xml``, by name).
    """
    if not path.exists():
        raise InvalidInputError(f"{path} does not exist")
    manifests = [path / name for name in MANIFESTS if path.is_dir() and (path / name).is_file()]
    if len(manifests) > 1:
        raise InvalidInputError(f"{path} holds both manifest.json and manifest.csv; keep one")
    if manifests:
        manifest = manifests[0]
        reader = read_json_manifest if manifest.suffix == ".json" else read_csv_manifest
        entries = [_mapped(item, code_map) for item in reader(manifest, source=source_name)]
        yield ImportSource(
            name=str(manifest),
            items=lambda: iter(entries),
            document_count=sum(e.document_count() for e in entries if isinstance(e, LegacyAkte)),
        )
        return
    paths = message_files(path)
    if not paths:
        raise InvalidInputError(
            f"{path} holds no manifest.json, manifest.csv or xdomea 0503 message (*.0503.zip)"
        )
    with ExitStack() as stack:
        messages = [Message(p, stack) for p in paths]

        def items() -> Iterator[SourceItem]:
            for message in messages:
                yield from read_message(message, code_map=code_map, schema_dir=schema_dir)

        yield ImportSource(
            name=", ".join(str(p) for p in paths),
            items=items,
            document_count=sum(count_documents(m) for m in messages),
            schema_checked=schema_dir is not None,
        )


def _mapped(item: SourceItem, code_map: Mapping[str, str]) -> SourceItem:
    if isinstance(item, LegacyAkte) and item.code in code_map:
        return dataclasses.replace(item, code=code_map[item.code])
    return item
