"""Job workers run below the web requests' CPU priority, and so do the processes they start."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from services.ocr.process import run_in_process_group
from workers.pool import lower_thread_priority

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="per-thread nice values are Linux behaviour"
)

_PRINT_NICE = "import os, sys; sys.stderr.write(str(os.getpriority(os.PRIO_PROCESS, 0)))"


def _in_thread(nice: int) -> dict[str, int]:
    seen: dict[str, int] = {}

    def work() -> None:
        lower_thread_priority(nice)
        seen["thread"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        # the helper that starts ocrmypdf: its child inherits the thread's nice value
        child = run_in_process_group([sys.executable, "-c", _PRINT_NICE], 30)
        seen["child"] = int(child.stderr)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return seen


def test_a_worker_thread_and_its_ocr_processes_run_lower_the_rest_of_the_process_not() -> None:
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = _in_thread(7)
    expected = min(before + 7, 19)
    assert seen == {"thread": expected, "child": expected}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_nice_zero_keeps_the_priority() -> None:
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert _in_thread(0) == {"thread": before, "child": before}
