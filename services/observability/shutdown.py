"""Knowing that the process is shutting down, so that readiness says so at once.

The web server (uvicorn) handles SIGTERM itself: it stops accepting connections, lets
the requests in flight finish, then runs the application's shutdown.  :class:`Draining`
chains onto its signal handlers and notes the moment, so that ``/health/ready`` answers
503 from then on to a probe that still reaches the process.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

_SIGNALS = (signal.SIGTERM, signal.SIGINT)

Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


class Draining:
    def __init__(self) -> None:
        self._event = threading.Event()

    @property
    def active(self) -> bool:
        return self._event.is_set()

    def begin(self) -> None:
        self._event.set()

    def watch_signals(self) -> Callable[[], None]:
        """Note SIGTERM/SIGINT before the handlers already installed run; returns an undo.

        Signal handlers can only be set from the main thread: elsewhere (a test client
        running the app in a thread) nothing is watched.
        """
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous: dict[int, Handler] = {sig: signal.getsignal(sig) for sig in _SIGNALS}

        def noted(signum: int, frame: FrameType | None) -> None:
            self.begin()
            handler = previous[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.signal(signum, signal.SIG_DFL)
                signal.raise_signal(signum)

        for sig in _SIGNALS:
            signal.signal(sig, noted)

        def undo() -> None:
            for sig, handler in previous.items():
                if signal.getsignal(sig) is noted and handler is not None:
                    signal.signal(sig, handler)

        return undo
