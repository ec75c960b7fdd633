"""Where the CLI does its work: a running server over HTTP, or the embedded data dir.

Both return the API's JSON shapes, so the commands print the same thing either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from api.cli.actor import cli_actor, cli_scope
from api.cli.server import CliError, ServerClient
from api.presenters import document_out, item_out
from services.bootstrap import Container
from services.db.models import ItemStatus
from services.db.session import unit_of_work
from services.documents.queries import get_document, get_item
from services.documents.reading import read_text, record_snippets_shown
from services.errors import EAkteError
from services.intake.receive import (
    IncomingFile,
    IntakeMetadata,
    preflight_all,
    record_item,
    store_original,
)
from services.jobs.runner import Worker

TERMINAL_ITEM_STATES = {ItemStatus.DONE.value, ItemStatus.FAILED.value}


class Backend(Protocol):
    def ingest(self, path: Path, metadata: IntakeMetadata) -> dict[str, Any]: ...

    def item(self, item_id: str) -> dict[str, Any]: ...

    def wait(self, item_ids: list[str], on_done: Callable[[str], None]) -> None: ...

    def search(self, query: str, limit: int, offset: int) -> dict[str, Any]: ...

    def document(self, document_id: str) -> dict[str, Any]: ...

    def document_text(self, document_id: str) -> str: ...


class HttpBackend:
    def __init__(self, base_url: str, api_key: str, *, timeout: float = 120.0) -> None:
        self._server = ServerClient(base_url, api_key, timeout=timeout)

    def ingest(self, path: Path, metadata: IntakeMetadata) -> dict[str, Any]:
        form = {
            key: value
            for key, value in {
                "station_id": metadata.station_id,
                "batch_id": metadata.batch_id,
                "sender_hint": metadata.sender_hint,
                "target_org_unit": metadata.target_org_unit,
                "received_at": metadata.received_at.isoformat() if metadata.received_at else None,
                "split": "true" if metadata.split else "false",
            }.items()
            if value is not None
        }
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror}") from exc
        with handle:
            response = self._server.request(
                "POST", "/api/v1/intake", data=form, files=[("files", (path.name, handle))]
            )
        items: list[dict[str, Any]] = response.json()["items"]
        return items[0]

    def item(self, item_id: str) -> dict[str, Any]:
        return self._server.json("GET", f"/api/v1/intake/items/{item_id}")

    def wait(self, item_ids: list[str], on_done: Callable[[str], None]) -> None:
        pending = set(item_ids)
        while pending:
            for item_id in sorted(pending):
                if self.item(item_id)["status"] in TERMINAL_ITEM_STATES:
                    pending.discard(item_id)
                    on_done(item_id)
            if pending:
                time.sleep(1.0)

    def search(self, query: str, limit: int, offset: int) -> dict[str, Any]:
        params: dict[str, str | int] = {"q": query, "limit": limit, "offset": offset}
        return self._server.json("GET", "/api/v1/search", params=params)

    def document(self, document_id: str) -> dict[str, Any]:
        return self._server.json("GET", f"/api/v1/documents/{document_id}")

    def document_text(self, document_id: str) -> str:
        return self._server.request("GET", f"/api/v1/documents/{document_id}/text").text


class LocalBackend:
    """Works directly on the embedded data directory; ``wait`` runs the jobs itself."""

    def __init__(self, container: Container) -> None:
        self._container = container

    def ingest(self, path: Path, metadata: IntakeMetadata) -> dict[str, Any]:
        container = self._container
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CliError(f"{path}: {exc.strerror}") from exc
        try:
            prepared = preflight_all(
                [IncomingFile(filename=path.name, data=data)], container.settings
            )
            original = store_original(
                container.store,
                prepared[0],
                settings=container.settings,
                now=container.clock.now(),
            )
            with unit_of_work(container.session_factory) as session:
                receipt = record_item(
                    session,
                    prepared[0],
                    original,
                    metadata,
                    uploaded_by=None,
                    actor=cli_actor(),
                    settings=container.settings,
                    clock=container.clock,
                )
                documents = list(receipt.item.documents)
                return item_out(receipt.item, documents, duplicate=receipt.duplicate).model_dump(
                    mode="json"
                )
        except EAkteError as exc:
            raise CliError(f"{path}: {exc.detail}") from exc

    def item(self, item_id: str) -> dict[str, Any]:
        with unit_of_work(self._container.session_factory, write=False) as session:
            item = get_item(session, cli_scope(), item_id)
            return item_out(item, list(item.documents)).model_dump(mode="json")

    def wait(self, item_ids: list[str], on_done: Callable[[str], None]) -> None:
        worker = Worker(
            self._container.queue,
            self._container.handlers(),
            "cli",
            poll_interval=self._container.settings.jobs.poll_interval_seconds,
        )
        pending = set(item_ids)
        while pending:
            worked = worker.run_once()
            for item_id in sorted(pending):
                if self.item(item_id)["status"] in TERMINAL_ITEM_STATES:
                    pending.discard(item_id)
                    on_done(item_id)
            if pending and not worked:
                time.sleep(self._container.settings.jobs.poll_interval_seconds)

    def search(self, query: str, limit: int, offset: int) -> dict[str, Any]:
        with unit_of_work(self._container.session_factory) as session:
            try:
                scope = cli_scope()
                page = self._container.search.search(
                    session, scope, query, limit=limit, offset=offset
                )
                record_snippets_shown(
                    session,
                    scope,
                    query,
                    [hit.document_id for hit in page.hits],
                    clock=self._container.clock,
                )
            except EAkteError as exc:
                raise CliError(exc.detail) from exc
            return {
                "query": query,
                "total": page.total,
                "total_is_lower_bound": page.total_is_lower_bound,
                "did_you_mean": page.did_you_mean,
                "hits": [
                    {
                        "document_id": hit.document_id,
                        "title": hit.title,
                        "score": hit.score,
                        "snippet": hit.snippet,
                    }
                    for hit in page.hits
                ],
            }

    def document(self, document_id: str) -> dict[str, Any]:
        with unit_of_work(self._container.session_factory, write=False) as session:
            try:
                document = get_document(session, cli_scope(), document_id)
                return document_out(document).model_dump(mode="json")
            except EAkteError as exc:
                raise CliError(exc.detail) from exc

    def document_text(self, document_id: str) -> str:
        with unit_of_work(self._container.session_factory) as session:
            try:
                return read_text(
                    session, cli_scope(), document_id, page=None, clock=self._container.clock
                )
            except EAkteError as exc:
                raise CliError(exc.detail) from exc
