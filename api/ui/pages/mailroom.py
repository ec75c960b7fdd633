"""The mail room's intake page (Posteingang): upload scans, watch them being processed.

Uploads go from the page's script to ``POST /api/v1/intake`` (one request per file, so
that every file has its own progress and its own answer).  The list and the detail page
read through the same scoped queries as ``GET /api/v1/intake/items``; the list's rows are
also served as an HTML fragment that the script polls while anything is still running.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api.dependencies import SessionDep
from api.ui.labels import DOCUMENT_STATUS, FILING_STATUS, ITEM_STATUS
from api.ui.page import Page, PageDep
from api.ui.templating import render_template
from services.access.roles import Permission
from services.db.models import Document, IntakeItem, ItemStatus
from services.documents.queries import get_item, list_items, visible_documents_of
from services.pagework.queries import replaced_among

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25

FINISHED = frozenset({ItemStatus.DONE, ItemStatus.FAILED})


@dataclass(frozen=True)
class ItemView:
    """An upload with the parts of it the caller may see, ready for the templates."""

    item: IntakeItem
    documents: list[Document]
    replaced: set[str] = field(default_factory=set)
    """Ids of documents page work has replaced (shown as such, not as waiting for review)."""

    @property
    def finished(self) -> bool:
        return self.item.status in FINISHED

    @property
    def status_label(self) -> str:
        return ITEM_STATUS.get(self.item.status, self.item.status)

    @property
    def name(self) -> str:
        return self.item.original_filename or "(ohne Dateinamen)"


@dataclass(frozen=True)
class Listing:
    rows: list[ItemView]
    total: int
    page_number: int
    page_count: int
    status: str | None


StatusQuery = Annotated[str | None, Query(max_length=32)]
PageQuery = Annotated[int, Query(ge=1, le=100_000)]


def _status_filter(value: str | None) -> str | None:
    """A known status, else no filter (a hand-edited address shows everything)."""
    return value if value in ITEM_STATUS else None


def _listing(page: Page, session: Session, status: str | None, page_number: int) -> Listing:
    page.scope.require(Permission.READ_ITEMS)
    status = _status_filter(status)
    result = list_items(
        session,
        page.scope,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
        status=status,
    )
    rows = [
        ItemView(item, visible_documents_of(session, page.scope, item)) for item in result.items
    ]
    page_count = max(1, -(-result.total // PAGE_SIZE))
    return Listing(rows, result.total, page_number, page_count, status)


def _labels() -> dict[str, Any]:
    return {
        "item_status": ITEM_STATUS,
        "document_status": DOCUMENT_STATUS,
        "filing_status": FILING_STATUS,
    }


@router.get("/ui/posteingang", response_class=HTMLResponse)
def intake_list(
    page: PageDep,
    session: SessionDep,
    status: StatusQuery = None,
    seite: PageQuery = 1,
) -> HTMLResponse:
    listing = _listing(page, session, status, seite)
    return page.render(
        "mailroom/list.html",
        title="Posteingang",
        listing=listing,
        may_upload=page.can(Permission.INTAKE),
        split_default=page.container.settings.split.by_default,
        max_upload_bytes=page.container.settings.limits.max_upload_bytes,
        **_labels(),
    )


@router.get("/ui/posteingang/zeilen", response_class=HTMLResponse)
def intake_rows(
    page: PageDep,
    session: SessionDep,
    status: StatusQuery = None,
    seite: PageQuery = 1,
) -> HTMLResponse:
    """The list's table body alone: what the page's script polls for live status."""
    listing = _listing(page, session, status, seite)
    html = render_template(
        "mailroom/rows.html",
        {"page": page, "listing": listing, "Permission": Permission, **_labels()},
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def _item_view(page: Page, session: Session, item_id: str) -> ItemView:
    page.scope.require(Permission.READ_ITEMS)
    item = get_item(session, page.scope, item_id)
    documents = visible_documents_of(session, page.scope, item)
    replaced = replaced_among(session, page.scope, [d.id for d in documents])
    return ItemView(item, documents, replaced)


@router.get("/ui/posteingang/{item_id}", response_class=HTMLResponse)
def intake_detail(page: PageDep, session: SessionDep, item_id: str) -> HTMLResponse:
    view = _item_view(page, session, item_id)
    return page.render("mailroom/detail.html", title=f"Eingang {view.name}", view=view, **_labels())


@router.get("/ui/posteingang/{item_id}/stand", response_class=HTMLResponse)
def intake_detail_state(page: PageDep, session: SessionDep, item_id: str) -> HTMLResponse:
    """The detail page's status section alone, polled while the upload is processed."""
    view = _item_view(page, session, item_id)
    html = render_template(
        "mailroom/state.html",
        {"page": page, "view": view, "Permission": Permission, **_labels()},
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
