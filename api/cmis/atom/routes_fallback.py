"""Any other address below the binding: objectNotFound, as the spec's error (not FastAPI's)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.atom.support import AtomRoute
from services.cmis.errors import ObjectNotFound

router = APIRouter(route_class=AtomRoute, include_in_schema=False)


@router.api_route("/{repository_id}/{rest:path}", methods=["GET", "POST", "PUT", "DELETE"])
async def unknown(request: Request, repository_id: str, rest: str) -> Response:
    raise ObjectNotFound(f"no resource {rest!r} in the AtomPub binding")
