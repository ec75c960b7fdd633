"""File names as clients send them, made safe to store, show and put into a header.

A file name is metadata a person typed or a scanner made up: it may carry NUL bytes,
line breaks (header and log injection), bidi overrides (``rechnung<U+202E>fdp.exe``
shows as ``rechnungexe.pdf``), a whole client path or thousands of characters.  What is
kept is the last path segment, in NFC, without control or format characters, at most
``MAX_FILENAME_CHARS`` characters with its extension.
"""

from __future__ import annotations

import re
import unicodedata

MAX_FILENAME_CHARS = 255
"""What common file systems allow for one name (ext4, NTFS), so a download can be saved."""

_MAX_EXTENSION_CHARS = 16
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Control, format (bidi overrides, zero-width), surrogate, private-use, unassigned, line
and paragraph separators."""
_SEPARATORS = re.compile(r"[/\\]")
_SPACES = re.compile(r"\s+")


def clean_filename(name: str | None) -> str | None:
    """The safe form of ``name``; None when nothing usable is left."""
    if name is None:
        return None
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = _SEPARATORS.split(text)[-1]
    text = _SPACES.sub(" ", text).strip()
    if text in {"", ".", ".."}:
        return None
    return _shortened(text)


def _shortened(name: str) -> str:
    if len(name) <= MAX_FILENAME_CHARS:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION_CHARS:
        return name[:MAX_FILENAME_CHARS].rstrip()
    keep = MAX_FILENAME_CHARS - len(extension) - 1
    return f"{stem[:keep].rstrip()}.{extension}"
