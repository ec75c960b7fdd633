"""CMIS 1.1 for specialist procedures and portals: the Browser and AtomPub bindings."""

from __future__ import annotations

from fastapi import FastAPI


def install_cmis(app: FastAPI) -> None:
    """Add the CMIS bindings' routes (under ``/cmis/``, not in the OpenAPI schema)."""
    # Imported here: the middleware imports api.cmis.errors, which must not pull in
    # every CMIS service through this package.
    from api.cmis.atom import router as atom_router
    from api.cmis.browser.routes import router as browser_router

    app.include_router(browser_router)
    app.include_router(atom_router)
