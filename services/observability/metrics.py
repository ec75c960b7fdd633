"""The Prometheus registry of one API process and the collector that fills it at scrape time.

:class:`FiguresCollector` turns :func:`services.observability.figures.read_figures` and
the dependency checks into metric families.  Both are computed once per
``cache_seconds`` at most, whichever replica or scraper asks.  Every replica reports the
same database figures: aggregate them with ``max``, not ``sum`` (docs/monitoring.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CollectorRegistry, PlatformCollector, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker

from services.db.models import FixityStatus
from services.db.session import unit_of_work
from services.observability.dependencies import CheckResult, DependencyChecks
from services.observability.figures import Figures, read_figures
from services.observability.http_metrics import RequestMetrics
from services.ports import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    figures: Figures | None
    """None when the database could not be read."""
    figures_seconds: float
    checks: list[CheckResult]


class FiguresCollector(Collector):
    def __init__(
        self,
        factory: sessionmaker[Session],
        clock: Clock,
        checks: DependencyChecks,
        *,
        cache_seconds: float,
    ) -> None:
        self._factory = factory
        self._clock = clock
        self._checks = checks
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._cached: tuple[float, Snapshot] | None = None

    def collect(self) -> Iterator[Metric]:
        snapshot = self._snapshot()
        yield from _dependency_families(snapshot)
        if snapshot.figures is not None:
            yield from _figure_families(snapshot.figures)

    def _snapshot(self) -> Snapshot:
        with self._lock:  # concurrent scrapes wait for one computation
            now = time.monotonic()
            if self._cached is not None and now - self._cached[0] < self._cache_seconds:
                return self._cached[1]
            snapshot = self._compute()
            self._cached = (time.monotonic(), snapshot)
            return snapshot

    def _compute(self) -> Snapshot:
        checks = self._checks.latest(self._cache_seconds)
        started = time.perf_counter()
        figures: Figures | None
        try:
            with unit_of_work(self._factory, write=False) as session:
                figures = read_figures(session, self._clock.now())
        except Exception:  # a scrape must still answer; the database check says why
            log.exception("metrics: reading the database figures failed")
            figures = None
        return Snapshot(figures, time.perf_counter() - started, checks)


def build_registry(collector: FiguresCollector) -> tuple[CollectorRegistry, RequestMetrics]:
    """A registry of its own per app, not the process-global default.

    Tests start many apps in one process, and nothing a library registers globally slips
    into the output.
    """
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    registry.register(collector)
    return registry, RequestMetrics(registry)


def _gauge(name: str, doc: str, labels: Iterable[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=list(labels))


def _timestamp(moment: datetime | None) -> float:
    """Seconds since the epoch; 0 for never (alerts on ``time() - x`` then fire)."""
    return moment.timestamp() if moment is not None else 0.0


def _dependency_families(snapshot: Snapshot) -> Iterator[Metric]:
    up = _gauge(
        "eakte_dependency_up",
        "1 when the readiness check of this dependency passed (database, store, "
        "object_lock, search)",
        ["dependency"],
    )
    for check in snapshot.checks:
        up.add_metric([check.name], 1.0 if check.ok else 0.0)
    yield up
    ok = _gauge(
        "eakte_metrics_figures_ok", "1 when the database figures of this scrape could be read"
    )
    ok.add_metric([], 1.0 if snapshot.figures is not None else 0.0)
    yield ok
    seconds = _gauge(
        "eakte_metrics_figures_seconds", "Time the database figures of this scrape took"
    )
    seconds.add_metric([], snapshot.figures_seconds)
    yield seconds


def _figure_families(figures: Figures) -> Iterator[Metric]:
    yield from _job_families(figures)
    documents = _gauge("eakte_documents", "Documents by processing status", ["status"])
    for status, count in sorted(figures.documents.items()):
        documents.add_metric([status], count)
    yield documents
    pages = CounterMetricFamily(
        "eakte_ocr_pages",
        "Pages made searchable by OCR (text-layer PDFs excluded)",
        labels=["engine"],
    )
    ocr_documents = CounterMetricFamily(
        "eakte_ocr_documents", "Documents made searchable by OCR", labels=["engine"]
    )
    for engine, count in sorted(figures.ocr_pages.items()):
        pages.add_metric([engine], count)
    for engine, count in sorted(figures.ocr_documents.items()):
        ocr_documents.add_metric([engine], count)
    yield pages
    yield ocr_documents
    decisions = CounterMetricFamily(
        "eakte_classification_decisions",
        "Classification decisions: auto (filed), routed (to the responsible unit), "
        "review (a person decides); method reference or model",
        labels=["decision", "method"],
    )
    for (decision, method), count in sorted(figures.classifications.items()):
        decisions.add_metric([decision, method], count)
    yield decisions
    review = _gauge("eakte_review_tasks_open", "Letters waiting in review queues")
    review.add_metric([], figures.review_open)
    yield review
    yield from _fixity_families(figures)
    yield from _audit_families(figures)


def _job_families(figures: Figures) -> Iterator[Metric]:
    labels = ["kind"]
    depth = _gauge("eakte_job_queue_depth", "Jobs that are due and wait for a free worker", labels)
    age = _gauge(
        "eakte_job_queue_oldest_age_seconds",
        "How long the longest-waiting due job has waited for a worker (0: none waits)",
        labels,
    )
    scheduled = _gauge(
        "eakte_jobs_scheduled", "Jobs queued for later (periodic, delayed, backing off)", labels
    )
    retrying = _gauge(
        "eakte_jobs_retrying", "Queued jobs with a failed attempt behind them", labels
    )
    running = _gauge("eakte_jobs_running", "Jobs a worker holds", labels)
    expired = _gauge(
        "eakte_jobs_lease_expired",
        "Running jobs whose worker stopped renewing the lease (a lost worker; another "
        "worker takes them over)",
        labels,
    )
    finished = CounterMetricFamily(
        "eakte_jobs_finished",
        "Jobs that ended, by outcome (done, failed)",
        labels=["kind", "outcome"],
    )
    for kind, job in sorted(figures.jobs.items()):
        depth.add_metric([kind], job.due)
        waited = (figures.now - job.oldest_due).total_seconds() if job.oldest_due else 0.0
        age.add_metric([kind], max(waited, 0.0))
        scheduled.add_metric([kind], job.scheduled)
        retrying.add_metric([kind], job.retrying)
        running.add_metric([kind], job.running)
        expired.add_metric([kind], job.lease_expired)
        finished.add_metric([kind, "done"], job.done)
        finished.add_metric([kind, "failed"], job.failed)
    yield from (depth, age, scheduled, retrying, running, expired, finished)


def _fixity_families(figures: Figures) -> Iterator[Metric]:
    fixity = figures.fixity
    objects = _gauge("eakte_stored_objects", "Live object versions in the store")
    objects.add_metric([], fixity.objects)
    never = _gauge("eakte_fixity_never_checked_objects", "Live objects not re-read yet")
    never.add_metric([], fixity.never_checked)
    failures = _gauge(
        "eakte_fixity_failures",
        "Objects whose last fixity check found them corrupt or missing (an alert)",
        ["status"],
    )
    for status in (FixityStatus.CORRUPT, FixityStatus.MISSING):
        failures.add_metric([status.value], fixity.failures.get(status.value, 0))
    last = _gauge(
        "eakte_fixity_last_check_timestamp_seconds",
        "When the last object was re-read (0: never); stalls when fixity runs stop",
    )
    last.add_metric([], _timestamp(fixity.last_check))
    oldest = _gauge(
        "eakte_fixity_oldest_check_timestamp_seconds",
        "The oldest last check among checked live objects (0: none checked)",
    )
    oldest.add_metric([], _timestamp(fixity.oldest_check))
    yield from (objects, never, failures, last, oldest)


def _audit_families(figures: Figures) -> Iterator[Metric]:
    audit = figures.audit
    length = _gauge("eakte_audit_chain_length", "Events in the audit hash chain")
    length.add_metric([], audit.length)
    head = _gauge(
        "eakte_audit_chain_head_timestamp_seconds", "When the newest chained event happened"
    )
    head.add_metric([], _timestamp(audit.head_at))
    unchained = _gauge(
        "eakte_audit_unchained_events", "Audit events not yet in the chain (normally 0)"
    )
    unchained.add_metric([], audit.unchained)
    anchor_seq = _gauge(
        "eakte_audit_last_anchor_seq", "Chain position of the newest write-once anchor"
    )
    anchor_seq.add_metric([], audit.last_anchor_seq or 0)
    anchor_at = _gauge(
        "eakte_audit_last_anchor_timestamp_seconds", "When the newest anchor was written (0: never)"
    )
    anchor_at.add_metric([], _timestamp(audit.last_anchor_at))
    verified_at = _gauge(
        "eakte_audit_last_verification_timestamp_seconds",
        "When the chain was last verified (eakte audit verify, or the web page; 0: never)",
    )
    verified_at.add_metric([], _timestamp(audit.last_verification_at))
    yield from (length, head, unchained, anchor_seq, anchor_at, verified_at)
    if audit.last_verification_ok is not None:
        ok = _gauge(
            "eakte_audit_last_verification_ok",
            "1 when the last verification found the chain intact, 0 when it found a break",
        )
        ok.add_metric([], 1.0 if audit.last_verification_ok else 0.0)
        yield ok
