"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.cmis import install_cmis
from api.errors import install_error_handlers
from api.middleware import install_middleware
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
from workers.pool import InProcessWorkers


def create_app(container: Container, *, run_workers: bool | None = None) -> FastAPI:
    """Build the app around a wired container.

    ``run_workers`` defaults to the embedded-mode setting: the job workers then run as
    threads of this process and stop with it.
    """
    start_workers = container.settings.embedded_workers if run_workers is None else run_workers

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = InProcessWorkers(container, max(container.settings.workers, 1))
        if start_workers:
            pool.start()
        try:
            yield
        finally:
            if start_workers:
                pool.stop()

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
    install_error_handlers(app)
    install_middleware(app, container)
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
