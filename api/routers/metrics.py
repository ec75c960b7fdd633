"""``GET /metrics``: the Prometheus exposition of this API process.

Protected like every other route: the caller needs ``read_metrics``, which the built-in
``monitoring`` role has and nothing else (give Prometheus a key of its own, see
docs/monitoring.md).  The counts and states it shows are no content, but they say how
busy a town hall is and whether its evidence is intact: not for the internet.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from prometheus_client.exposition import choose_encoder

from api.dependencies import requires
from services.access.roles import Permission
from services.access.scope import Scope
from services.observability.setup import Observability

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics (needs a key with read_metrics, e.g. role monitoring)",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/plain; version=0.0.4": {},
                "application/openmetrics-text; version=1.0.0": {},
            }
        }
    },
)
def metrics(request: Request, _: Annotated[Scope, requires(Permission.READ_METRICS)]) -> Response:
    observability: Observability = request.app.state.observability
    # The format the scraper asks for: OpenMetrics for Prometheus, else the text format.
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(observability.registry), headers={"Content-Type": content_type})
