"""No side doors: adapters never query the database themselves, and every query takes a scope.

Routers, the CLI and the interfaces still to come (web pages, CMIS, archive transfer) read
records only through the service queries, which apply the caller's visibility.  These
tests fail when an adapter starts querying on its own or a query forgets the scope.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ADAPTERS = [p for p in (REPO / "api").rglob("*.py") if p.is_file()]
QUERY_CALLS = {"get", "scalar", "scalars", "execute", "query"}
ALLOWED = {("api/routers/health.py", "execute")}
"""The health check runs ``SELECT 1`` and reads no records."""

SCOPED_QUERIES = {
    "services.documents.queries": [
        "get_item",
        "list_items",
        "visible_documents_of",
        "get_document",
        "list_documents",
    ],
    "services.records.queries": [
        "get_akte",
        "akte_by_aktenzeichen",
        "get_vorgang",
        "list_akten",
        "akte_documents",
    ],
    "services.records.events": ["akte_events"],
    "services.einvoice.queries": ["get_einvoice", "list_einvoices", "read_view"],
    "services.audit.queries": ["list_events"],
    "services.classification.review": ["list_tasks", "get_task", "decide_task"],
    "services.documents.reading": ["read_content", "read_text", "record_snippets_shown"],
    "services.storage.disposition": ["tombstone_of"],
    "services.records.lookup": ["find_akten", "visible_akte_ids"],
    "services.einvoice.browse": ["browse_einvoices", "filings_of"],
    "services.einvoice.by_document": ["einvoice_of_document"],
    "services.einvoice.viewing": ["invoice_view"],
    "services.retention.overview": ["due_akten", "due_documents", "held_akten", "held_documents"],
    "services.retention.disposition": ["disposition_due"],
    "services.audit.trail_search": ["search_events"],
    "services.classification.decided_tasks": ["recent_decisions"],
    "services.search.hit_documents": ["hit_documents"],
    "services.documents.page_images": ["render_page_image", "page_text_boxes"],
    "services.pagework.queries": ["lineage", "merge_candidates", "open_task_ids", "replaced_among"],
    "services.documents.streaming": ["stream_content"],
    "services.cmis.queries": [
        "visible_akte",
        "visible_vorgang",
        "visible_folder",
        "visible_document",
        "akte_named",
        "child_named",
        "children_page",
        "akten_page",
        "load_vorgaenge",
        "load_folders",
        "load_documents",
        "checked_out_page",
    ],
    "services.cmis.folders": ["ensure_name_free"],
    "services.cmis.deletion": ["document_ids_in"],
    "services.cmis.query.sources": [
        "document_source",
        "akte_source",
        "vorgang_source",
        "folder_source",
        "sources_for",
    ],
    "services.cmis.changes": ["change_visible"],
}
"""The record queries the web pages, the API, CMIS and the CLI read through (issues 10–12)."""


def _session_queries(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_CALLS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "session"
        ):
            found.append((node.func.attr, node.lineno))
    return found


def _imports_sqlalchemy_queries(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module in {"sqlalchemy", "sqlalchemy.sql"}:
            names += [a.name for a in node.names if a.name in {"select", "update", "delete"}]
        if isinstance(node, ast.ImportFrom) and node.module == "services.db.pagination":
            names += [a.name for a in node.names if a.name == "paginate"]
    return names


@pytest.mark.parametrize("path", ADAPTERS, ids=lambda p: str(p.relative_to(REPO)))
def test_adapters_do_not_query_the_database_themselves(path: Path) -> None:
    relative = str(path.relative_to(REPO))
    calls = [(c, n) for c, n in _session_queries(path) if (relative, c) not in ALLOWED]
    assert calls == [], f"{relative} queries the session directly: {calls}"
    assert _imports_sqlalchemy_queries(path) == []


@pytest.mark.parametrize(
    ("module", "function"),
    [(m, f) for m, functions in SCOPED_QUERIES.items() for f in functions],
)
def test_every_record_query_takes_the_callers_scope(module: str, function: str) -> None:
    parameters = inspect.signature(getattr(importlib.import_module(module), function)).parameters
    assert "scope" in parameters
    assert parameters["scope"].default is inspect.Parameter.empty, "the scope has no default"


def test_the_check_notices_a_router_that_queries_on_its_own(tmp_path: Path) -> None:
    rogue = tmp_path / "rogue.py"
    rogue.write_text(
        "from sqlalchemy import select\n"
        "def read(session, document_id):\n"
        "    return session.get(Document, document_id)\n"
    )
    assert _session_queries(rogue) == [("get", 3)]
    assert _imports_sqlalchemy_queries(rogue) == ["select"]
