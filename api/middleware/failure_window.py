"""Failed authentications per client address in a sliding window, in this process's memory."""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0
MAX_TRACKED_ADDRESSES = 100_000
"""Beyond this the addresses that failed longest ago are forgotten (bounded memory)."""


class FailureWindow:
    """At most ``limit`` failures per address within the last minute.

    Used from the event loop only, so no lock.  Keeps the last ``limit`` failure times of
    an address: it is blocked while the oldest of those lies within the window.
    """

    def __init__(self, limit: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, address: str) -> int | None:
        """Seconds until ``address`` may try again; None when it is not blocked."""
        failures = self._failures.get(address)
        if failures is None or len(failures) < self.limit:
            return None
        wait = failures[0] + WINDOW_SECONDS - self._clock()
        if wait <= 0:
            return None
        return max(1, math.ceil(wait))

    def record_failure(self, address: str) -> None:
        failures = self._failures.pop(address, None) or deque(maxlen=self.limit)
        failures.append(self._clock())
        self._failures[address] = failures  # most recent last
        while len(self._failures) > MAX_TRACKED_ADDRESSES:
            self._failures.popitem(last=False)
