"""The CMIS 1.1 AtomPub binding at ``/cmis/atom`` (CMIS 1.1 part 3).

Not in the OpenAPI schema: CMIS clients read the service document, not OpenAPI.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.cmis.atom import (
    routes_bulk,
    routes_content,
    routes_fallback,
    routes_more,
    routes_read,
    routes_types,
    routes_write,
    service_document,
)
from api.cmis.atom.urls import PREFIX

router = APIRouter(include_in_schema=False)
for module in (
    routes_read,
    routes_write,
    routes_content,
    routes_more,
    routes_bulk,
    routes_types,
    service_document,
    routes_fallback,  # last: it answers every address the others do not
):
    router.include_router(module.router, prefix=PREFIX)
