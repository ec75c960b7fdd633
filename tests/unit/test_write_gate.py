"""The SQLite write gate: taken on one thread, released on another; nested use does not wait."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from services.db.session import WriteGate


def test_a_gate_taken_on_one_thread_is_released_on_another() -> None:
    gate = WriteGate()
    context = gate.held(timeout=5)
    with ThreadPoolExecutor(max_workers=1) as first, ThreadPoolExecutor(max_workers=1) as second:
        first.submit(context.__enter__).result()
        second.submit(context.__exit__, None, None, None).result()
    started = time.monotonic()
    with gate.held(timeout=5):
        pass
    assert time.monotonic() - started < 1, "the gate was still held by the first thread"


def test_a_second_thread_waits_until_the_first_is_done() -> None:
    gate = WriteGate()
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with gate.held(timeout=5):
            inside.set()
            time.sleep(0.2)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait()
    with gate.held(timeout=5):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]


def test_the_holder_nesting_a_write_does_not_wait_for_itself() -> None:
    gate = WriteGate()
    started = time.monotonic()
    with gate.held(timeout=3), gate.held(timeout=3):
        pass
    assert time.monotonic() - started < 1
    with gate.held(timeout=3):  # and the gate is free again afterwards
        pass
