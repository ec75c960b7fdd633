"""0505 BewertungEmpfangBestaetigen: the agency received the archive's appraisal."""

from __future__ import annotations

from pathlib import Path

from services.archive.xdomea.model import Header, MessageType
from services.archive.xdomea.xmlwrite import open_message, write_kopf


def write_appraisal_receipt(path: Path, header: Header) -> None:
    """Write the 0505 (a Kopf only) to ``path``."""
    if header.message_type is not MessageType.APPRAISAL_RECEIVED:
        raise ValueError(f"header is for {header.message_type.value}, not 0505")
    with open_message(path, header) as w:
        write_kopf(w, header)
