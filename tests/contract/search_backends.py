"""The search backends the contract suites run against, and their test helpers.

The contract tests (``test_search_index``, ``test_search_filters``) use only
:class:`Backend`; the ``backend`` fixture in this folder's ``conftest`` makes one per
backend, so a new backend is added there.

OpenSearch runs against the in-memory ``osmem-server`` on 127.0.0.1 (a clone of one
empty base per test), or against a real cluster when ``EAKTE_TEST_OPENSEARCH_URL`` is
set (a fresh alias per test, its indices deleted afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from services.access.confidentiality import Confidentiality, readable_levels
from services.access.principal import Principal, PrincipalKind
from services.access.roles import Permission
from services.access.scope import Scope, system_scope
from services.db.models import Document, IntakeItem
from services.db.session import unit_of_work
from services.ports import IndexableDocument, SearchIndex, SearchPage


@dataclass
class Backend:
    index: SearchIndex
    sessions: sessionmaker[Session]
    transactional: bool = True
    """The index sees the writes of the caller's open transaction (the SQL backends).

    OpenSearch is told of a write after its commit (the outbox): an open transaction
    cannot search what it indexed itself, and a rolled-back one never reaches the index.
    """

    def add(
        self, title: str, body: str = "", metadata: str = "", *pages: str, org_unit: str = "10"
    ) -> str:
        """Create the document rows and index them; return the document id."""
        with unit_of_work(self.sessions) as session:
            document_id = add_document_rows(session, title, org_unit)
            document = IndexableDocument(document_id, title, metadata, [body, *pages])
            self.index.index_document(session, document)
        return document_id

    def reindex(self, document_id: str, title: str, body: str, metadata: str = "") -> None:
        with unit_of_work(self.sessions) as session:
            document = IndexableDocument(document_id, title, metadata, [body])
            self.index.index_document(session, document)

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, scope: Scope | None = None
    ) -> SearchPage:
        with self.sessions() as session:
            return self.index.search(
                session, scope or system_scope(), query, limit=limit, offset=offset
            )

    def ids(self, query: str) -> list[str]:
        return [hit.document_id for hit in self.search(query, limit=100).hits]


def add_document_rows(session: Session, title: str, org_unit: str = "10") -> str:
    """Minimal intake item and document rows that the search tables refer to."""
    now = datetime.now(UTC)
    item = IntakeItem(
        sha256=uuid.uuid4().hex * 2,
        blob_key="blob",
        size=1,
        media_type="application/pdf",
        page_count=1,
        received_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    document = Document(
        item_id=item.id,
        part_index=0,
        first_page=1,
        last_page=1,
        title=title,
        org_unit=org_unit,
        content_blob_key="blob",
        content_sha256="0" * 64,
        content_size=1,
        content_media_type="application/pdf",
        page_count=1,
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    return document.id


def unit_scope(*units: str, clearance: Confidentiality = Confidentiality.OFFEN) -> Scope:
    principal = Principal(
        id="k",
        kind=PrincipalKind.KEY,
        name="Sachbearbeitung",
        roles=frozenset({"caseworker"}),
        org_units=frozenset(units),
        clearance=clearance,
    )
    return Scope(
        principal=principal,
        permissions=frozenset({Permission.SEARCH}),
        all_units=False,
        units=frozenset(units),
        unfiled_mail=False,
        reads_content=True,
        levels=readable_levels(clearance),
        shared_read=frozenset(),
        shared_write=frozenset(),
    )


TEST_OPENSEARCH_URL = "EAKTE_TEST_OPENSEARCH_URL"


class OpenSearchCluster:
    """Where OpenSearch tests send their requests: osmem, or a real cluster if configured."""

    def __init__(self) -> None:
        self.real_url = os.environ.get(TEST_OPENSEARCH_URL) or None
        self._osmem: object | None = None

    @property
    def kind(self) -> str:
        return "opensearch" if self.real_url else "osmem"

    def start(self) -> None:
        if self.real_url:
            return
        from osmem_server import OsmemServer

        self._osmem = OsmemServer.start(japanese=False, addr="127.0.0.1:0")

    def stop(self) -> None:
        if self._osmem is not None:
            self._osmem.close()  # type: ignore[attr-defined]

    @contextmanager
    def fresh(self) -> Iterator[tuple[str, str]]:
        """(url, alias) of an empty cluster (osmem clone) or an unused alias (real)."""
        alias = f"eakte-test-{uuid.uuid4().hex[:12]}"
        if self.real_url:
            try:
                yield self.real_url, alias
            finally:
                from opensearchpy import OpenSearch

                OpenSearch(hosts=[self.real_url]).indices.delete(
                    index=f"{alias}-*", params={"ignore_unavailable": "true"}
                )
            return
        assert self._osmem is not None
        clone = self._osmem.clone()  # type: ignore[attr-defined]
        assert clone.url.startswith("http://127.0.0.1:"), clone.url
        try:
            yield clone.url, alias
        finally:
            clone.close()
