"""Handing the first admin key to the person who started the service, and nobody else.

``eakte serve``'s output usually ends up in a service log (journald, a container log),
which many people read and which is kept for long.  So the key goes to the terminal
only when there is one (stderr is a TTY); otherwise it is written to
``<data dir>/bootstrap-admin-key``, readable by the service user only, and only that
path is printed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TextIO

KEY_FILE = "bootstrap-admin-key"


def hand_over(secret: str, data_dir: Path, stream: TextIO) -> Path | None:
    """Show ``secret`` on ``stream`` if it is a terminal, else store it; return the file."""
    if stream.isatty():
        print(
            f"First start: bootstrap admin API key (shown only now, keep it safe):\n  {secret}",
            file=stream,
        )
        return None
    path = data_dir.resolve() / KEY_FILE
    _write_private(path, secret + "\n")
    print(
        f"First start: the bootstrap admin API key is in {path} (readable by this user "
        "only); store it safely, then delete the file",
        file=stream,
    )
    return path


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600 from the first byte on, replacing it."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        Path(temp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temp).unlink()
        raise
