"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.cmis import install_cmis
from api.errors import install_error_handlers
from api.middleware import install_middleware
from api.middleware.request_id import RequestIdMiddleware
from api.routers import (
    akten,
    archive,
    audit,
    audit_verification,
    auth,
    classifier,
    disposition,
    documents,
    einvoice_admin,
    einvoice_routing,
    einvoices,
    evidence,
    file_plan,
    file_plan_versions,
    filing,
    fixity,
    health,
    intake,
    keys,
    metrics,
    page_images,
    pagework,
    persons,
    privacy,
    retention,
    review,
    search,
    versions,
)
from api.ui import install_ui
from services.bootstrap import Container
from services.observability.setup import observability_for
from workers.pool import InProcessWorkers


def create_app(container: Container, *, run_workers: bool | None = None) -> FastAPI:
    """Build the app around a wired container.

    ``run_workers`` defaults to the embedded-mode setting: the job workers then run as
    threads of this process and stop with it.
    """
    start_workers = container.settings.embedded_workers if run_workers is None else run_workers

    observability = observability_for(container)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # uvicorn has installed its signal handlers by now: readiness turns 503 on SIGTERM
        # while uvicorn lets the requests in flight finish.
        stop_watching = observability.draining.watch_signals()
        pool = InProcessWorkers(container, max(container.settings.workers, 1))
        if start_workers:
            pool.start()
        try:
            yield
        finally:
            observability.draining.begin()
            if start_workers:
                pool.stop()
            stop_watching()

    app = FastAPI(
        title="eakte",
        version="0.1.0",
        description="E-Akte document management for municipalities: digital mail room, "
        "searchable PDF/A, file plan and automatic filing, revision-safe storage.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container
    app.state.observability = observability
    install_error_handlers(app)
    install_middleware(app, container)
    # Outermost, so that its request id is on every log line, refusals included.
    app.add_middleware(RequestIdMiddleware, metrics=observability.requests)
    # Probes and scrapes come often: their routes are matched first.
    app.include_router(health.probes)
    app.include_router(metrics.router)
    routers = (
        intake,
        documents,
        versions,
        page_images,
        pagework,
        retention,
        filing,
        search,
        file_plan_versions,
        file_plan,
        akten,
        review,
        classifier,
        keys,
        persons,
        privacy,
        auth,
        audit,
        audit_verification,
        evidence,
        einvoice_admin,
        einvoice_routing,
        einvoices,
        health,
        fixity,
        disposition,
        archive,
    )
    for module in routers:
        app.include_router(module.router)
    install_cmis(app)
    install_ui(app)
    return app
