"""Where appendContentStream's chunks collect until the last one arrives.

A spool holds document content, so it must not linger: new content, a check-in or a
cancelled check-out discard it, and a spool left by a client that never sent its last
chunk is stale after :data:`STALE_AFTER` of silence (measured from its last chunk): the
next append starts afresh, and a start of eakte removes it.  Spools live in the data
directory of the host that received the chunks, so a client must send all chunks of
one stream to the same host.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

SPOOL_DIR = "cmis-append"
STALE_AFTER = timedelta(hours=24)


def spool_path(data_dir: Path, document_id: str, *, pwc: bool) -> Path:
    """One spool for the document, one for its working copy."""
    name = f"{document_id}.pwc.part" if pwc else f"{document_id}.part"
    return data_dir / SPOOL_DIR / name


def live_spool(path: Path) -> bool:
    """Whether ``path`` holds chunks to append to; a stale spool is removed first."""
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return False
    if age > STALE_AFTER.total_seconds():
        path.unlink(missing_ok=True)
        return False
    return True


def discard_spools(data_dir: Path, document_id: str) -> None:
    for pwc in (False, True):
        spool_path(data_dir, document_id, pwc=pwc).unlink(missing_ok=True)


def sweep_stale_spools(data_dir: Path) -> int:
    """Remove every stale spool (and leftovers of spools being started); how many."""
    directory = data_dir / SPOOL_DIR
    if not directory.is_dir():
        return 0
    removed = 0
    for path in directory.iterdir():
        if path.is_file() and not live_spool(path):
            removed += 1
    return removed
