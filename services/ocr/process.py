"""Run a command in its own process group with a hard deadline."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class ProcessTimeoutError(Exception):
    """The command outlived its deadline and was killed with its whole process group."""

    def __init__(self, stderr: str) -> None:
        super().__init__("timed out")
        self.stderr = stderr


@dataclass(frozen=True)
class Finished:
    returncode: int
    """Negative when the process was ended by a signal (``-9``: killed, often out of memory)."""
    stderr: str


def run_in_process_group(
    command: Sequence[str], timeout_seconds: float, *, env: Mapping[str, str] | None = None
) -> Finished:
    """Run ``command`` and wait for it; kill its process group on timeout or interruption.

    The child becomes the leader of a new session, so tesseract, unpaper and Ghostscript
    processes it starts are killed with it and cannot outlive a timeout.  ``env`` replaces
    the environment (None: inherit this process's).
    """
    process = subprocess.Popen(
        list(command),
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout_seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        _, stderr = process.communicate()
        raise ProcessTimeoutError(_decode(stderr)) from None
    except BaseException:
        _kill_group(process)
        process.wait()
        raise
    return Finished(returncode=process.returncode, stderr=_decode(stderr))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _decode(stderr: bytes | None) -> str:
    return (stderr or b"").decode("utf-8", errors="replace")
