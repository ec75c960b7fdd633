"""The web interface at ``/ui/``: server-rendered German pages, served by eakte itself.

Pages read through the same scoped service queries as the API (the architecture test
holds ``api/ui`` to the same rule as every router).  Changes are made by the pages'
scripts through the JSON API with the session cookie and ``X-CSRF-Token``, so a change
from the browser passes exactly the checks, limits and audit trail of an API call.

Every module in :mod:`api.ui.pages` that has a ``router`` is included: a new page needs
no registration elsewhere.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.ui import pages
from api.ui.errors import install_html_errors
from api.ui.templating import STATIC_DIR

UI_PREFIX = "/ui"
STATIC_PATH = "/ui/static"
SIGN_IN_PATH = "/ui/anmelden"


def install_ui(app: FastAPI) -> None:
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="ui-static")
    for module_info in sorted(pkgutil.iter_modules(pages.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{pages.__name__}.{module_info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
    install_html_errors(app)
