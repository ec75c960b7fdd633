"""The API documentation (Swagger UI) served from this server, never from a CDN.

FastAPI's ``/docs`` loads Swagger UI from a CDN at a floating version and starts it
with an inline script: a page that changes whenever the CDN does, and a
Content-Security-Policy that must allow inline script.  Here the Swagger UI files come
from the ``fastapi-offline`` package (pinned with the dependencies) and the start-up
script is a file of its own, so ``/docs`` runs under ``script-src 'self'``.  ReDoc is
not offered.  The page's links are relative, so that it works behind a reverse proxy
that serves eakte under a path of its own.
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PACKAGE = ("fastapi_offline", "static")

_INIT_JS = """\
window.ui = SwaggerUIBundle({
  url: new URL("openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""


def install_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs``; the app must be created with ``docs_url=None``."""
    title = escape(f"{app.title} {app.version}: API")
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="docs/static/swagger-ui.css">
<link rel="icon" href="docs/static/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/static/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
"""

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(f"{DOCS_PATH}/init.js", include_in_schema=False)
    def init_script() -> Response:
        return Response(_INIT_JS, media_type="text/javascript")

    app.mount(f"{DOCS_PATH}/static", StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-static")
