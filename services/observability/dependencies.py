"""Checks of what eakte needs to serve: the database, the store, its Object Lock, search.

Used by ``/health/ready`` (answers 503 when one fails) and by ``/metrics``
(``eakte_dependency_up``).  The checks run side by side, each bounded by a timeout, so
that a store that hangs makes the probe fail in time instead of hanging it.  Why a check
failed is logged on the server; the probe's answer only says which one failed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from services.ports import BlobStore, SearchIndex

log = logging.getLogger(__name__)

DATABASE, STORE, OBJECT_LOCK, SEARCH = "database", "store", "object_lock", "search"
IN_DATABASE = frozenset({"sqlite", "postgres"})
"""Search backends whose index lives in the database: up when the database is."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    seconds: float
    detail: str | None = None
    """Why it failed; for the server's log, never for the probe's answer."""


class DependencyChecks:
    """The readiness checks of one process, with what each needs."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        store: BlobStore,
        search: SearchIndex,
        *,
        timeout: float,
    ) -> None:
        self._factory = factory
        self._timeout = timeout
        self._lock = threading.Lock()
        self._latest: tuple[float, list[CheckResult]] | None = None
        self._checks: dict[str, Callable[[], None]] = {
            DATABASE: self._database,
            STORE: store.check_health,
            OBJECT_LOCK: store.check_object_lock,
        }
        search_check = getattr(search, "check_health", None)
        if callable(search_check):  # a backend with a server of its own says if it answers
            self._checks[SEARCH] = search_check
        elif search.name in IN_DATABASE:
            self._checks[SEARCH] = self._database
        # Any other backend without a check is left out rather than reported up unasked.

    @property
    def names(self) -> list[str]:
        return list(self._checks)

    def latest(self, max_age: float) -> list[CheckResult]:
        """Results no older than ``max_age`` seconds, running the checks when needed.

        Callers at the same moment share one run: a flood of probes (the endpoint needs
        no credentials) costs the store at most one round of requests per ``max_age``.
        """
        with self._lock:
            if self._latest is not None and time.monotonic() - self._latest[0] < max_age:
                return self._latest[1]
            results = self.run()
            self._latest = (time.monotonic(), results)
            return results

    def run(self) -> list[CheckResult]:
        """Run every check at once; one that has not answered within the timeout failed."""
        executor = ThreadPoolExecutor(max_workers=len(self._checks), thread_name_prefix="ready")
        try:
            futures = {name: executor.submit(_timed, check) for name, check in self._checks.items()}
            wait(futures.values(), timeout=self._timeout)
        finally:
            # A hung check keeps its thread until its client's own timeout; nobody waits.
            executor.shutdown(wait=False, cancel_futures=True)
        results = [self._result(name, future) for name, future in futures.items()]
        for result in results:
            if not result.ok:
                log.warning("readiness check %s failed: %s", result.name, result.detail)
        return results

    def _result(self, name: str, future: Future[float]) -> CheckResult:
        if not future.done():
            return CheckResult(name, False, self._timeout, f"no answer within {self._timeout} s")
        error = future.exception()
        if error is not None:
            return CheckResult(name, False, 0.0, f"{type(error).__name__}: {error}")
        return CheckResult(name, True, future.result())

    def _database(self) -> None:
        with self._factory() as session:
            session.execute(text("SELECT 1"))


def _timed(check: Callable[[], None]) -> float:
    started = time.perf_counter()
    check()
    return time.perf_counter() - started
