"""0505 BewertungEmpfangBestaetigen: the agency received the archive's appraisal."""

from __future__ import annotations

from pathlib import Path

from services.archive.xdomea.model import Header, MessageType
from services.archive.xdomea.xmlwrite import open_message, require_type, write_kopf


def write_appraisal_receipt(path: Path, header: Header) -> None:
    """Write the 0505 (a Kopf only) to ``path``."""
    require_type(header, MessageType.APPRAISAL_RECEIVED)
    with open_message(path, header) as w:
        write_kopf(w, header)
