"""Transfer-directory names as x-man reads and writes them.

x-man (``server/internal/core/util.go``) names a message ``<ProzessID><suffix>.zip`` with the
suffix ``_Aussonderung.<Nachricht>.<code>`` and finds incoming messages with regular
expressions that are *not anchored*: any file whose name merely contains
``<uuid>_Aussonderung.Anbieteverzeichnis.0501.zip`` counts as a 0501. A writer that uses
``<final name>.part`` as its temporary name would therefore have its half-written file
read by x-man; :func:`xman_would_read` tells the simulator to flag such names.
"""

from __future__ import annotations

import os
import re
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path

MESSAGE_NAMES = {
    "0501": "Anbieteverzeichnis",
    "0502": "Bewertungsverzeichnis",
    "0503": "Aussonderung",
    "0504": "AnbietungEmpfangBestaetigen",
    "0505": "BewertungEmpfangBestaetigen",
    "0506": "AussonderungImportBestaetigen",
    "0507": "AussonderungEmpfangBestaetigen",
}
"""Message code -> the middle part of its root element and file name."""

INCOMING = ("0501", "0503", "0505")
"""What the agency sends; x-man only ever looks for these (``isMessage``)."""

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_EXACT = re.compile(
    rf"^(?P<process_id>{_UUID})_Aussonderung\.(?P<name>[A-Za-z]+)\.(?P<code>05\d\d)\.zip$"
)
_XMAN_LOOSE = [
    re.compile(rf"{_UUID}_(Aussonderung\.{MESSAGE_NAMES[code]}\.)?{code}\.(zip|xdomea)")
    for code in INCOMING
]


def message_base(process_id: str, code: str) -> str:
    """``<ProzessID>_Aussonderung.<Nachricht>.<code>``: the zip's and the XML's name stem."""
    return f"{process_id}_Aussonderung.{MESSAGE_NAMES[code]}.{code}"


def parse_message_name(file_name: str) -> tuple[str, str] | None:
    """``(process_id, code)`` of a complete message file name, else ``None``."""
    match = _EXACT.match(file_name)
    if match is None or MESSAGE_NAMES.get(match["code"]) != match["name"]:
        return None
    return match["process_id"], match["code"]


def xman_would_read(file_name: str) -> bool:
    """Whether x-man's unanchored patterns take this name for an incoming message."""
    return any(pattern.search(file_name) for pattern in _XMAN_LOOSE)


def write_zip_atomically(directory: Path, base: str, members: Iterable[tuple[str, bytes]]) -> Path:
    """Write ``<base>.zip`` under a name no reader matches, then rename it into place."""
    directory.mkdir(parents=True, exist_ok=True)
    temp = directory / f".tmp-{uuid.uuid4().hex}"
    with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    with temp.open("rb") as written:
        os.fsync(written.fileno())
    target = directory / f"{base}.zip"
    temp.replace(target)
    return target
