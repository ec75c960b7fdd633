"""Privacy reports for data-protection officers: access report and Art. 15 disclosure.

``GET`` takes the subject as query parameters, as the issue asks; ``POST`` takes the same
fields as a JSON body and keeps the person's name and birth date out of URLs, proxy and
server access logs.  Both answer JSON, or the German PDF with ``format=pdf``.  Each
report is an audit event (``privacy.access_report``, ``privacy.disclosure``) naming the
subject only by its hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.dependencies import ContainerDep, requires
from api.download import safe_download_headers
from api.schemas.privacy import AccessReportOut, DisclosureOut, ReportFormat, ReportQueryIn
from services.access.roles import Permission
from services.access.scope import Scope
from services.privacy.reports import produce_access_report, produce_disclosure
from services.privacy.subjects import parse_subject

router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"])
Officer = Annotated[Scope, requires(Permission.PRIVACY_REPORTS)]
NO_STORE = "no-store"
"""The reports are personal data: no browser or proxy keeps a copy."""

_PDF: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "description": "JSON, or the German PDF with format=pdf",
    }
}
Subject = Annotated[
    str | None,
    Query(
        max_length=400,
        description="'<kind>:<value>', e.g. 'person:El-Sayed, Amira, 12.09.1991' "
        "(the kind may be left out for a person)",
    ),
]
Kind = Annotated[str | None, Query(max_length=30, description="subject key kind, with value")]
Value = Annotated[str | None, Query(max_length=400, description="the key's value, with kind")]
Format = Annotated[ReportFormat, Query(alias="format", description="json or pdf")]


@router.get(
    "/access-report",
    response_model=AccessReportOut,
    responses=_PDF,
    summary="Who read the files about a subject, and when (newest first)",
)
def access_report(
    response: Response,
    container: ContainerDep,
    scope: Officer,
    subject: Subject = None,
    kind: Kind = None,
    value: Value = None,
    since: Annotated[datetime | None, Query(description="reads at or after (with zone)")] = None,
    until: Annotated[datetime | None, Query(description="reads before (with zone)")] = None,
    limit: Annotated[
        int, Query(ge=1, le=10_000, description="newest reads listed (PDF: at most 2000)")
    ] = 1000,
    output: Format = "json",
) -> AccessReportOut | Response:
    query = ReportQueryIn(
        subject=subject, kind=kind, value=value, since=since, until=until, limit=limit
    )
    response.headers["Cache-Control"] = NO_STORE
    return _access_report(container, scope, query.model_copy(update={"format": output}))


@router.post(
    "/access-report",
    response_model=AccessReportOut,
    responses=_PDF,
    summary="The access report, with the subject in the body",
)
def access_report_post(
    body: ReportQueryIn, response: Response, container: ContainerDep, scope: Officer
) -> AccessReportOut | Response:
    response.headers["Cache-Control"] = NO_STORE
    return _access_report(container, scope, body)


@router.get(
    "/disclosure",
    response_model=DisclosureOut,
    responses=_PDF,
    summary="Art. 15 DSGVO: every Akte and document kept under a subject's key",
)
def disclosure(
    response: Response,
    container: ContainerDep,
    scope: Officer,
    subject: Subject = None,
    kind: Kind = None,
    value: Value = None,
    output: Format = "json",
) -> DisclosureOut | Response:
    query = ReportQueryIn(subject=subject, kind=kind, value=value)
    response.headers["Cache-Control"] = NO_STORE
    return _disclosure(container, scope, query.model_copy(update={"format": output}))


@router.post(
    "/disclosure",
    response_model=DisclosureOut,
    responses=_PDF,
    summary="The Art. 15 disclosure, with the subject in the body",
)
def disclosure_post(
    body: ReportQueryIn, response: Response, container: ContainerDep, scope: Officer
) -> DisclosureOut | Response:
    response.headers["Cache-Control"] = NO_STORE
    return _disclosure(container, scope, body)


def _access_report(
    container: ContainerDep, scope: Scope, query: ReportQueryIn
) -> AccessReportOut | Response:
    key = parse_subject(query.subject, kind=query.kind, value=query.value)
    produced = produce_access_report(
        container.session_factory,
        scope,
        key,
        since=query.since,
        until=query.until,
        limit=query.limit,
        pdf=query.format == "pdf",
        clock=container.clock,
    )
    if produced.pdf is not None:
        return _pdf(produced.pdf, f"zugriffe-{produced.report.subject_ref[:16]}.pdf")
    return AccessReportOut.of(produced.report)


def _disclosure(
    container: ContainerDep, scope: Scope, query: ReportQueryIn
) -> DisclosureOut | Response:
    key = parse_subject(query.subject, kind=query.kind, value=query.value)
    produced = produce_disclosure(
        container.session_factory,
        scope,
        key,
        pdf=query.format == "pdf",
        clock=container.clock,
    )
    if produced.pdf is not None:
        return _pdf(produced.pdf, f"auskunft-art15-{produced.report.subject_ref[:16]}.pdf")
    return DisclosureOut.of(produced.report)


def _pdf(data: bytes, filename: str) -> Response:
    """The PDF (shown inline); its file name carries the subject's hash, not their name."""
    headers = {
        **safe_download_headers("application/pdf", filename, data),
        "Cache-Control": NO_STORE,
    }
    return Response(content=data, media_type="application/pdf", headers=headers)
