"""Suche: full-text search over what the caller may see, with filters and highlighted hits.

The search runs through the container's search index with the caller's scope and the
filters (:class:`services.search.filters.SearchFilters`), exactly as ``GET
/api/v1/search``; every snippet shown is an audit event, as there.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from api.dependencies import WriteSessionDep
from api.ui.labels import FILING_STATUS, label
from api.ui.page import PageDep
from api.ui.pages.akten_common import PAGE_SIZE, Pager, page_offset, plan_choices
from services.access.roles import Permission
from services.documents.reading import record_snippets_shown
from services.errors import InvalidInputError
from services.records.file_plans import active_plan
from services.search.filters import SearchFilters
from services.search.hit_documents import hit_documents

router = APIRouter(include_in_schema=False)

MAX_PAGE = 500
"""The API's window ends at offset 10,000."""
_MARKERS = re.compile(r"(</?mark>)")


def highlight(snippet: str) -> Markup:
    """The backend's snippet as safe HTML: only its own ``<mark>`` markers stay markup.

    The backends escape the text and add ``<mark>`` around hits; here every piece of text
    is unescaped and escaped again, so nothing but the markers can ever become markup.
    """
    result = Markup("")
    inside = False
    for part in _MARKERS.split(snippet):
        if part in ("<mark>", "</mark>"):
            opening = part == "<mark>"
            if opening != inside:
                result += Markup(part)
                inside = opening
        elif part:
            result += escape(html.unescape(part))
    if inside:
        result += Markup("</mark>")
    return result


def _query_url(form: dict[str, str | None]) -> str:
    """The search page for ``form`` (blank fields dropped)."""
    return "/ui/suche?" + urlencode({key: value for key, value in form.items() if value})


def _day(value: str | None, what: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"„{what}“ ist kein gültiges Datum.")
        return None


@router.get("/ui/suche", response_class=HTMLResponse)
def search_page(
    page: PageDep,
    session: WriteSessionDep,
    q: Annotated[str, Query(max_length=500)] = "",
    code: Annotated[str, Query(max_length=50)] = "",
    akte: Annotated[str, Query(max_length=100)] = "",
    von: Annotated[str, Query(max_length=10)] = "",
    bis: Annotated[str, Query(max_length=10)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    seite: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> HTMLResponse:
    page.scope.require(Permission.SEARCH)
    form = {"q": q, "code": code, "akte": akte, "von": von, "bis": bis, "status": status}
    errors: list[str] = []
    received_from = _day(von, "Eingang von", errors)
    received_to = _day(bis, "Eingang bis", errors)
    if status and status not in FILING_STATUS:
        errors.append("Dieser Ablagestatus ist unbekannt.")
    results = None
    if q.strip() and not errors:
        filters = SearchFilters.of(
            code=code,
            aktenzeichen=akte,
            received_from=received_from,
            received_to=received_to,
            filing_status=status or None,
        )
        offset = page_offset(seite)
        try:
            found = page.container.search.search(
                session, page.scope, q, limit=PAGE_SIZE, offset=offset, filters=filters
            )
        except InvalidInputError:
            errors.append("Die Suche enthält kein Wort, nach dem gesucht werden kann.")
        else:
            ids = [hit.document_id for hit in found.hits]
            record_snippets_shown(session, page.scope, q, ids, clock=page.container.clock)
            documents = hit_documents(session, page.scope, ids)
            results = {
                "total": found.total,
                "more": found.total_is_lower_bound,
                "did_you_mean": found.did_you_mean,
                "did_you_mean_url": _query_url({**form, "q": found.did_you_mean})
                if found.did_you_mean
                else None,
                "hits": [
                    {
                        "hit": hit,
                        "title": hit.title,
                        "snippet": highlight(hit.snippet),
                        "document": documents.get(hit.document_id),
                    }
                    for hit in found.hits
                ],
                "pager": Pager(found.total, offset, PAGE_SIZE, form, "/ui/suche"),
            }
    return page.render(
        "casework/search.html",
        title=f"Suche: {q}" if q.strip() else "Suche",
        form=form,
        errors=errors,
        results=results,
        statuses=FILING_STATUS,
        status_label=lambda value: label(FILING_STATUS, value),
        codes=plan_choices(active_plan(session)),
    )
