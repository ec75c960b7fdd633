"""Everything one API process needs for ``/metrics`` and the health probes, built once."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry

from services.bootstrap import Container
from services.observability.dependencies import DependencyChecks
from services.observability.http_metrics import RequestMetrics
from services.observability.metrics import FiguresCollector, build_registry
from services.observability.shutdown import Draining

READY_MAX_AGE_SECONDS = 1.0
"""Readiness answers reuse check results this young (or EAKTE_MONITORING__CACHE_SECONDS
when that is lower); see DependencyChecks.latest."""


@dataclass(frozen=True)
class Observability:
    registry: CollectorRegistry
    requests: RequestMetrics
    checks: DependencyChecks
    ready_max_age: float
    draining: Draining = field(default_factory=Draining)


def observability_for(container: Container) -> Observability:
    monitoring = container.settings.monitoring
    checks = DependencyChecks(
        container.session_factory,
        container.store,
        container.search,
        timeout=monitoring.check_timeout_seconds,
    )
    collector = FiguresCollector(
        container.session_factory,
        container.clock,
        checks,
        cache_seconds=monitoring.cache_seconds,
    )
    registry, requests = build_registry(collector)
    return Observability(
        registry=registry,
        requests=requests,
        checks=checks,
        ready_max_age=min(READY_MAX_AGE_SECONDS, monitoring.cache_seconds),
    )
