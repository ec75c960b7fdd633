"""The ``eakte`` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.archive_cmd import app as archive_app
from api.cli.audit_cmd import audit_app
from api.cli.backends import Backend, HttpBackend, LocalBackend
from api.cli.backup import backup_app
from api.cli.classify_cmd import classifier_app, classify
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from api.cli.disposition_cmd import app as disposition_app
from api.cli.einvoice_cmd import app as einvoice_app
from api.cli.evidence_cmd import evidence_app
from api.cli.file_plan_cmd import app as file_plan_app
from api.cli.fixity_cmd import app as fixity_app
from api.cli.import_cmd import import_legacy
from api.cli.ingest import run_ingest
from api.cli.keys_cmd import keys_app
from api.cli.privacy_cmd import app as privacy_app
from api.cli.search import QUERY_COMMAND
from api.cli.search import app as search_app
from services.bootstrap import build_container, ensure_schema, prepare
from services.db.migrate import current_revision, upgrade
from services.errors import EAkteError
from services.intake.receive import IntakeMetadata
from services.observability.logs import configure_process_logging
from services.startup_sweep import sweep_at_startup

app = typer.Typer(
    help="eakte: E-Akte document management for municipalities.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold API keys
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
documents_app = typer.Typer(help="Documents.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(documents_app, name="documents")
app.add_typer(file_plan_app, name="file-plan")
app.add_typer(classifier_app, name="classifier")
app.add_typer(audit_app, name="audit")
app.add_typer(evidence_app, name="evidence")
app.add_typer(fixity_app, name="fixity")
app.add_typer(einvoice_app, name="einvoice")
app.add_typer(privacy_app, name="privacy")
app.add_typer(disposition_app, name="disposition")
app.add_typer(archive_app, name="archive")
app.add_typer(search_app, name="search")
app.add_typer(backup_app, name="backup")
app.command()(classify)
app.command("import")(import_legacy)

UrlOption = Annotated[
    str | None, typer.Option("--url", help="server URL (default: EAKTE_SERVER_URL; unset = local)")
]
KeyOption = Annotated[
    str | None, typer.Option("--api-key", help="API key for --url (default: EAKTE_API_KEY)")
]


@contextmanager
def _backend(url: str | None, api_key: str | None) -> Iterator[Backend]:
    settings = settings_or_fail()
    url = url or settings.server_url
    if url:
        key = api_key or (settings.api_key.get_secret_value() if settings.api_key else None)
        if not key:
            raise fail("--url needs an API key: --api-key or EAKTE_API_KEY")
        yield HttpBackend(url, key)
        return
    with local_container(settings) as container:
        yield LocalBackend(container)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="bind address (EAKTE_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="port (EAKTE_PORT)")] = None,
    workers: Annotated[
        bool | None, typer.Option("--workers/--no-workers", help="run job workers in-process")
    ] = None,
) -> None:
    """Start the HTTP service (embedded mode: migrates and runs workers in-process)."""
    import uvicorn

    from api.app import create_app
    from api.cli.bootstrap_key import hand_over
    from api.middleware.log_redaction import uvicorn_log_config
    from services.observability.logs import with_log_format

    settings = settings_or_fail()
    container = build_container(settings)
    try:
        ensure_schema(container)
        bootstrap_key = prepare(container, migrate=False)
        sweep_at_startup(container)  # a crash's OCR leftovers and orphaned blobs
    except EAkteError as exc:
        container.close()
        raise fail(exc.detail) from exc
    bind_host = host or settings.host
    bind_port = port or settings.port
    typer.echo(
        f"eakte listening on http://{bind_host}:{bind_port}  (web interface: /ui/, API docs: /docs)"
    )
    typer.echo(
        f"data: {settings.data_dir.resolve()}  database: {container.engine.url.render_as_string()}"
    )
    if bootstrap_key is not None:
        hand_over(bootstrap_key.secret, settings.data_dir, sys.stderr)
    try:
        uvicorn.run(
            create_app(container, run_workers=workers),
            host=bind_host,
            port=bind_port,
            log_config=with_log_format(uvicorn_log_config(), settings.log),
        )
    finally:
        container.close()


@app.command()
def worker(
    processes: Annotated[
        int | None, typer.Option("--processes", "-n", help="worker processes (EAKTE_WORKERS)")
    ] = None,
) -> None:
    """Run job workers as separate processes (one OCR job per process)."""
    from workers.pool import supervise

    settings = settings_or_fail()
    configure_process_logging(settings.log)
    container = build_container(settings)
    try:
        ensure_schema(container)
        sweep_at_startup(container)  # a crash's OCR leftovers and orphaned blobs
    except EAkteError as exc:
        raise fail(exc.detail) from exc
    finally:
        container.close()
    supervise(settings, processes or max(settings.workers, 1))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or directories to ingest")],
    wait: Annotated[bool, typer.Option("--wait", help="wait until processed")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per file")] = False,
    station: Annotated[str | None, typer.Option(help="scanning station id")] = None,
    batch: Annotated[str | None, typer.Option(help="batch id")] = None,
    sender: Annotated[str | None, typer.Option(help="sender hint")] = None,
    org_unit: Annotated[str | None, typer.Option("--org-unit", help="target org unit")] = None,
    received_at: Annotated[
        datetime | None, typer.Option("--received-at", help="ISO time of receipt")
    ] = None,
    split: Annotated[bool, typer.Option("--split", help="split at separator sheets")] = False,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Ingest scans, like a scanning station does."""
    metadata = IntakeMetadata(
        station_id=station,
        batch_id=batch,
        received_at=received_at,
        sender_hint=sender,
        target_org_unit=org_unit,
        split=split,
    )
    with _backend(url, api_key) as backend:
        failures = run_ingest(backend, paths, metadata, wait=wait, as_json=as_json)
    if failures:
        raise typer.Exit(1)


@search_app.command(QUERY_COMMAND)
def search(
    query: Annotated[str, typer.Argument(help="search words")],
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Full-text search over documents."""
    with _backend(url, api_key) as backend, cli_errors():
        result = backend.search(query, limit, offset)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    more = "more than " if result.get("total_is_lower_bound") else ""
    typer.echo(f"{more}{result['total']} documents match {query!r}")
    if result.get("did_you_mean"):
        typer.echo(f"did you mean: {result['did_you_mean']}?")
    for hit in result["hits"]:
        typer.echo(f"{hit['document_id']}  {hit['title']}")
        typer.echo(f"    {hit['snippet']}")


@documents_app.command("show")
def documents_show(document_id: str, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Print a document's metadata, status, hashes and pages as JSON."""
    with _backend(url, api_key) as backend, cli_errors():
        result = backend.document(document_id)
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2))


@documents_app.command("text")
def documents_text(document_id: str, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Print a document's recognised text."""
    with _backend(url, api_key) as backend, cli_errors():
        text = backend.document_text(document_id)
    typer.echo(text)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all database migrations."""
    settings = settings_or_fail()
    container = build_container(settings)
    try:
        upgrade(container.engine)
        typer.echo(f"database at revision {current_revision(container.engine)}")
    finally:
        container.close()


@db_app.command("current")
def db_current() -> None:
    """Show the database schema revision."""
    container = build_container(settings_or_fail())
    try:
        typer.echo(current_revision(container.engine) or "(empty database)")
    finally:
        container.close()


def main() -> Any:
    try:
        return app()
    except EAkteError as exc:  # e.g. configuration errors raised while wiring
        typer.echo(f"eakte: {exc.detail}", err=True)
        sys.exit(1)
