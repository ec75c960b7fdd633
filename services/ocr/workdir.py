"""Working directories of OCR runs, and what a killed worker leaves of them.

Every OCR run works in its own ``eakte-ocr-*`` directory under the base directory
(``TMPDIR``, else the system's temporary directory); ocrmypdf's own temporary files go
into it too (its ``TMPDIR``), so that everything holding document content is in one
place.  The process that created the directory holds an exclusive ``flock`` on a lock
file inside it for as long as it uses it.  The kernel drops the lock when that process
dies, however it dies, so a lock that can be taken means the owner is gone: that is how
:func:`sweep_ocr_leftovers` tells a ``kill -9``'s leftovers from a run in progress in
another worker, without trusting pids that may have been reused.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

WORKDIR_PREFIX = "eakte-ocr-"
LOCK_FILE = ".owner.lock"
_PROC = Path("/proc")


def default_base() -> Path:
    """Where OCR working directories go: ``TMPDIR``, else the system's temporary directory."""
    return Path(tempfile.gettempdir())


@contextlib.contextmanager
def ocr_workdir(base: Path | None = None) -> Iterator[Path]:
    """A fresh private (0700) working directory, locked while in use, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX, dir=base or default_base()))
    lock = os.open(path / LOCK_FILE, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(lock)


@dataclass
class OcrSweep:
    """What a start-up sweep removed."""

    removed: list[Path] = field(default_factory=list)
    killed: list[int] = field(default_factory=list)
    """Process ids of orphaned OCR processes (ocrmypdf, tesseract, Ghostscript ...)."""


def sweep_ocr_leftovers(
    base: Path, *, min_age_seconds: float, unlocked_age_seconds: float
) -> OcrSweep:
    """Kill the processes of abandoned OCR directories under ``base``, then remove them.

    A directory is abandoned when it is older than ``min_age_seconds`` (the job lease:
    a directory just created may not be locked yet) and its lock can be taken.  A
    directory without a lock file (made by code that does not use :func:`ocr_workdir`)
    counts as abandoned only once nothing in it changed for ``unlocked_age_seconds``
    (longer than any OCR run may take).  Only directories and processes of this user
    are touched.
    """
    sweep = OcrSweep()
    for directory in sorted(base.glob(f"{WORKDIR_PREFIX}*")):
        with _abandoned(directory, min_age_seconds, unlocked_age_seconds) as abandoned:
            if not abandoned:
                continue
            sweep.killed += kill_processes_using(directory)
            shutil.rmtree(directory, ignore_errors=True)
            sweep.removed.append(directory)
    if sweep.removed or sweep.killed:
        log.warning(
            "removed %d abandoned OCR directories and killed %d orphaned OCR processes",
            len(sweep.removed),
            len(sweep.killed),
        )
    return sweep


@contextlib.contextmanager
def _abandoned(directory: Path, min_age: float, unlocked_age: float) -> Iterator[bool]:
    """Whether ``directory`` is abandoned; its lock is held (if it has one) while inside."""
    try:
        info = directory.lstat()
    except FileNotFoundError:
        yield False
        return
    if not directory.is_dir() or directory.is_symlink() or info.st_uid != os.getuid():
        yield False
        return
    now = time.time()
    try:
        lock = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        yield now - _last_change(directory) > unlocked_age
        return
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        yield False
        return
    try:
        yield now - info.st_mtime > min_age
    finally:
        os.close(lock)


def _last_change(directory: Path) -> float:
    """The newest modification time of the directory and its direct entries."""
    latest = directory.lstat().st_mtime
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            with contextlib.suppress(OSError):
                latest = max(latest, entry.stat(follow_symlinks=False).st_mtime)
    return latest


def kill_processes_using(directory: Path) -> list[int]:
    """SIGKILL the process groups of this user's processes whose command line names ``directory``.

    OCR runs start ocrmypdf as the leader of a new process group, so killing the group
    takes its tesseract and Ghostscript children along.  This process's own group is
    never killed.
    """
    killed: list[int] = []
    own_group = os.getpgrp()
    for pid in _processes_naming(directory):
        try:
            group = os.getpgid(pid)
            if group != own_group:
                os.killpg(group, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
        killed.append(pid)
    return killed


def _processes_naming(directory: Path) -> list[int]:
    needle = os.fsencode(directory)
    found: list[int] = []
    if not _PROC.is_dir():
        return found
    for entry in _PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # ended meanwhile, or not ours to read
        if any(arg.endswith(needle) or needle + b"/" in arg for arg in arguments):
            found.append(int(entry.name))
    return found
