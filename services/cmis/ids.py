"""CMIS object ids of eakte's records, and the keys of their client-defined properties.

* root folder: ``root``; plan item: ``plan:<code>``; Akte ``akte:<uuid>``; Vorgang
  ``vorgang:<uuid>``; folder below them ``folder:<uuid>``;
* a document version: ``<document uuid>;<major>.<minor>``; the version series is the
  bare ``<document uuid>`` (getObject with it answers the latest version); the private
  working copy is ``<document uuid>;pwc``.

An id that has none of these shapes names nothing: :class:`ObjectNotFound`, as for an
object the caller may not see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from services.cmis.errors import ObjectNotFound

ROOT_ID = "root"
PWC_SUFFIX = "pwc"


class IdKind(StrEnum):
    ROOT = "root"
    PLAN = "plan"
    AKTE = "akte"
    VORGANG = "vorgang"
    FOLDER = "folder"
    DOCUMENT = "document"
    """A version (``label`` set), the series (``label`` None) or the PWC (``pwc``)."""


@dataclass(frozen=True)
class ParsedId:
    kind: IdKind
    key: str
    """The plan code, or the record's uuid; empty for the root."""
    major: int | None = None
    minor: int | None = None
    pwc: bool = False

    @property
    def is_series(self) -> bool:
        return self.kind is IdKind.DOCUMENT and self.major is None and not self.pwc


_UUID = re.compile(r"[0-9a-fA-F][0-9a-fA-F-]{7,35}")
"""A record id: eakte makes UUIDs; imported corpora (benchmarks) use plain hex of 32."""
_LABEL = re.compile(r"(\d{1,9})\.(\d{1,9})")
_PREFIXED = {IdKind.AKTE: "akte:", IdKind.VORGANG: "vorgang:", IdKind.FOLDER: "folder:"}


def parse_object_id(object_id: str) -> ParsedId:
    """The parts of an object id; a malformed id is not found (like a missing object)."""
    object_id = object_id.strip()
    if object_id == ROOT_ID:
        return ParsedId(IdKind.ROOT, "")
    if object_id.startswith("plan:") and len(object_id) > len("plan:"):
        return ParsedId(IdKind.PLAN, object_id[len("plan:") :])
    for kind, prefix in _PREFIXED.items():
        if object_id.startswith(prefix) and _UUID.fullmatch(object_id[len(prefix) :]):
            return ParsedId(kind, object_id[len(prefix) :].lower())
    series, _, version = object_id.partition(";")
    if _UUID.fullmatch(series):
        key = series.lower()
        if not version:
            return ParsedId(IdKind.DOCUMENT, key)
        if version == PWC_SUFFIX:
            return ParsedId(IdKind.DOCUMENT, key, pwc=True)
        label = _LABEL.fullmatch(version)
        if label:
            return ParsedId(IdKind.DOCUMENT, key, int(label[1]), int(label[2]))
    raise ObjectNotFound(f"no object {object_id!r}")


def plan_object_id(code: str) -> str:
    return f"plan:{code}"


def akte_object_id(akte_id: str) -> str:
    return f"akte:{akte_id}"


def vorgang_object_id(vorgang_id: str) -> str:
    return f"vorgang:{vorgang_id}"


def folder_object_id(folder_id: str) -> str:
    return f"folder:{folder_id}"


def version_object_id(document_id: str, major: int, minor: int) -> str:
    return f"{document_id};{major}.{minor}"


def pwc_object_id(document_id: str) -> str:
    return f"{document_id};{PWC_SUFFIX}"


def object_key(kind: IdKind, record_id: str) -> str:
    """The key of a record's client-defined type and properties (the series for documents)."""
    if kind not in (IdKind.AKTE, IdKind.VORGANG, IdKind.FOLDER, IdKind.DOCUMENT):
        raise ValueError(f"{kind} has no client-defined properties")
    return f"{kind.value}:{record_id}"


def document_key(document_id: str) -> str:
    return object_key(IdKind.DOCUMENT, document_id)
