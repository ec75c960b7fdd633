"""Seiten bearbeiten: split, merge, rotate and drop pages of a letter before filing.

``/ui/dokumente/{id}/seiten`` and ``/ui/pruefen/{task_id}/seiten`` (from the validation
page) show the letter's pages as a grid.  The page's script keeps the plan (turns,
dropped pages, split points, appended documents), previews the resulting documents and
applies it through ``POST /api/v1/documents/{id}/pagework``.  A document already
replaced shows its successors with links to their validation.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse

from api.dependencies import SessionDep
from api.ui.page import Page, PageDep
from services.access.roles import Permission
from services.classification.review import get_task
from services.db.models import Document
from services.documents.queries import get_document
from services.pagework.access import rework_blocker
from services.pagework.queries import lineage, merge_candidates, open_task_ids

router = APIRouter(include_in_schema=False)
Id = Annotated[str, Path(max_length=36)]

THUMBNAIL_WIDTH = 240
BLOCKERS = {
    "forbidden": "Sie dürfen dieses Dokument lesen, aber nicht bearbeiten.",
    "disposed": "Das Dokument wurde nach Ablauf der Aufbewahrungsfrist vernichtet.",
    "filed": "Das Dokument ist bereits abgelegt. Seiten lassen sich nur vor der Ablage bearbeiten.",
    "processing": "Das Dokument wird noch verarbeitet oder klassifiziert. "
    "Bitte versuchen Sie es gleich noch einmal.",
}


@router.get("/ui/dokumente/{document_id}/seiten")
def document_pages(document_id: Id, page: PageDep, session: SessionDep) -> HTMLResponse:
    page.scope.require(Permission.REVIEW)
    return _render(page, session, get_document(session, page.scope, document_id), None)


@router.get("/ui/pruefen/{task_id}/seiten")
def task_pages(task_id: Id, page: PageDep, session: SessionDep) -> HTMLResponse:
    """The same, reached from a review task (the validation page's key "e")."""
    page.scope.require(Permission.REVIEW)
    task = get_task(session, page.scope, task_id)
    return _render(page, session, task.document, task.id)


def _render(
    page: Page, session: SessionDep, document: Document, task_id: str | None
) -> HTMLResponse:
    blocker = rework_blocker(session, page.scope, document)
    if blocker == "superseded":
        found = lineage(session, page.scope, document.id)
        tasks = open_task_ids(session, page.scope, [d.id for d in found.successors])
        return page.render(
            "pagework/done.html",
            title=f"Seiten bearbeitet: {document.title}",
            document=document,
            supersession=found.supersession,
            successors=found.successors,
            tasks=tasks,
            pending=sum(1 for d in found.successors if d.id not in tasks and d.akte_id is None),
        )
    back = f"/ui/pruefen/{task_id}" if task_id else f"/ui/dokumente/{document.id}"
    return page.render(
        "pagework/edit.html",
        title=f"Seiten bearbeiten: {document.title}",
        document=document,
        back=back,
        blocker=BLOCKERS.get(blocker) if blocker else None,
        candidates=merge_candidates(session, page.scope, document) if blocker is None else [],
        width=THUMBNAIL_WIDTH,
        can_search=page.can(Permission.SEARCH),
    )
