"""0503 Aussonderung: the records appraised A, with every version's files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from services.archive.xdomea.model import AkteRecord, Header, MessageType
from services.archive.xdomea.xmlwrite import (
    OnFile,
    WrittenCounts,
    open_message,
    require_type,
    write_akte,
    write_kopf,
)


def write_transfer(
    path: Path, header: Header, akten: Iterable[AkteRecord], on_file: OnFile | None = None
) -> WrittenCounts:
    """Write the transfer to ``path``, streaming: one Akte at a time is held.

    Every document lists each version with one Format per file (the original and its
    PDF/A rendition), the Primärdokument named as in the zip (``PrimaryFile.file_name``)
    with its original name.  ``on_file`` is called with each file as it is listed, so the
    transport can put it into the zip in the same pass.  The Kopf asks for the import
    confirmation (0506, fixed by the schema), the archive's signatures and a receipt (0507).
    """
    require_type(header, MessageType.TRANSFER)
    flags = (
        ("Importbestaetigung", True),
        ("RueckmeldungArchivkennung", True),
        ("Empfangsbestaetigung", True),
    )
    with open_message(path, header) as w:
        write_kopf(w, header, flags)
        for akte in akten:
            with w.element("Schriftgutobjekt"):
                write_akte(w, akte, with_files=True, on_file=on_file)
    return w.counts
