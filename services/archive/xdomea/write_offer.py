"""0501 Anbieteverzeichnis: the offered Akten as metadata, no files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from services.archive.xdomea.model import AkteRecord, Header, MessageType
from services.archive.xdomea.xmlwrite import (
    WrittenCounts,
    open_message,
    require_type,
    write_akte,
    write_kopf,
)


def write_offer(path: Path, header: Header, akten: Iterable[AkteRecord]) -> WrittenCounts:
    """Write the offer to ``path``; asks the archive for a receipt (0504).

    Each Akte carries its Vorgänge and documents, the Aktenzeichen as Kennzeichen, the plan
    unit, Laufzeit, end of retention and the agency's archive value as Aussonderungsart
    (and, when it is A or V, as Bewertungsvorschlag).  Versions are left out even if the
    records carry them: an offer has no Primärdokumente.
    """
    require_type(header, MessageType.OFFER)
    with open_message(path, header) as w:
        write_kopf(w, header, (("Empfangsbestaetigung", True),))
        for akte in akten:
            with w.element("Schriftgutobjekt"):
                write_akte(w, akte, with_files=False)
    return w.counts
