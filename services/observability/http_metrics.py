"""Request latency of this API process, by route template, method and status class.

Each API process (each replica, each uvicorn process) counts only the requests it
served; Prometheus scrapes every replica and ``sum by (route)`` adds them up.  Labels
are bounded: the route's template (``/api/v1/documents/{document_id}``), never the path
with its ids; unknown methods become ``OTHER``; the status is its class (``2xx``).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge, Histogram

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Seconds; up to a minute because large uploads are acknowledged only once stored."""
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NO_ROUTE = "none"
"""The route label of a request that reached no route: refused before routing (401,
429, 413) or matching none (404)."""


class RequestMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._duration = Histogram(
            "eakte_http_request_duration_seconds",
            "Time from receiving a request to the end of its response, in this API process",
            ["route", "method", "status"],
            buckets=BUCKETS,
            registry=registry,
        )
        self._in_flight = Gauge(
            "eakte_http_requests_in_flight",
            "Requests this API process is serving right now",
            registry=registry,
        )

    def started(self) -> None:
        self._in_flight.inc()

    def finished(self, route: str, method: str, status: int, seconds: float) -> None:
        self._in_flight.dec()
        self._duration.labels(
            route=route,
            method=method if method in METHODS else "OTHER",
            status=f"{status // 100}xx" if 100 <= status < 600 else "other",
        ).observe(seconds)
