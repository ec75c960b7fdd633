"""Page images: one page of a document as a PNG, rendered on the server.

The web pages show scans through this endpoint instead of the browser's PDF viewer.
Reads are audited once per person, document version and hour
(:mod:`services.documents.page_images` says why), so the image is rendered in a read
transaction and only a read not yet in the trail opens a writing one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api.dependencies import ContainerDep, requires
from api.download import safe_download_headers
from services.access.roles import Permission
from services.access.scope import Scope
from services.db.session import unit_of_work
from services.documents.page_images import (
    DEFAULT_WIDTH,
    MAX_WIDTH,
    MIN_WIDTH,
    cache_dir_of,
    page_image_read_recorded,
    record_page_image_read,
    render_page_image,
)

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
Reader = Annotated[Scope, requires(Permission.READ_DOCUMENTS)]


@router.get(
    "/{document_id}/pages/{page}/image",
    summary="One page as a PNG image (reads are audited once per person and hour)",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def page_image(
    document_id: str,
    request: Request,
    container: ContainerDep,
    scope: Reader,
    page: Annotated[int, Path(ge=1, le=100_000, description="1-based")],
    width: Annotated[int, Query(ge=MIN_WIDTH, le=MAX_WIDTH, description="pixels")] = (
        DEFAULT_WIDTH
    ),
) -> Response:
    clock = container.clock
    with unit_of_work(container.session_factory, write=False) as session:
        image = render_page_image(
            session,
            scope,
            container.store,
            document_id,
            page,
            width,
            cache_dir=cache_dir_of(container.settings.data_dir),
        )
        recorded = page_image_read_recorded(session, scope, image, clock=clock)
    if not recorded:
        with unit_of_work(container.session_factory) as session:
            record_page_image_read(session, scope, image, clock=clock)
    headers = {
        **safe_download_headers("image/png", None, image.data),
        "Cache-Control": "private, no-cache",
        "ETag": image.etag,
    }
    if request.headers.get("if-none-match") == image.etag:
        return Response(status_code=304, headers=headers)
    return Response(image.data, media_type="image/png", headers=headers)
