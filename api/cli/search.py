"""``eakte search``: search words, or manage the OpenSearch index (reindex, catch-up, status).

``eakte search WORDS`` searches (the ``query`` command, registered by the CLI's main
module); ``eakte search reindex|status|catch-up`` work on the configured database and
cluster (the same settings as the service), while the service keeps running: a reindex
builds a new index next to the one in use and switches the alias when it is complete
(docs/opensearch.md).
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from services.backends.opensearch import operations
from services.settings import SearchBackend, Settings

QUERY_COMMAND = "query"


class _WordsOrCommand(TyperGroup):
    """Read ``eakte search WORDS`` as ``eakte search query WORDS``.

    Searching came first and is what people type; a first argument that names no command
    (and is not ``--help``) starts the query.  To search for a command's name itself, say
    ``eakte search query reindex``.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's vendored Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [QUERY_COMMAND, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_WordsOrCommand,
    help="Search documents (eakte search WORDS), or manage the OpenSearch index.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable report")]


def _opensearch_settings() -> Settings:
    settings = settings_or_fail()
    if settings.search_backend is not SearchBackend.OPENSEARCH:
        raise fail(
            f"the search backend is {settings.search_backend.value}; these commands are for "
            "EAKTE_SEARCH_BACKEND=opensearch"
        )
    return settings


@app.command("reindex")
def reindex(as_json: JsonOption = False) -> None:
    """Rebuild the index from the database and switch to it without downtime."""
    settings = _opensearch_settings()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=as_json or not sys.stderr.isatty(),
    )
    with cli_errors(), local_container(settings) as container, progress:
        task = progress.add_task("indexing", total=None)
        result = operations.reindex(
            settings.opensearch,
            container.session_factory,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    report = {"index": result.index, "documents": result.documents, "dropped": result.dropped}
    if as_json:
        typer.echo(json.dumps(report))
        return
    typer.echo(f"indexed {result.documents} documents into {result.index}; alias switched")
    for name in result.dropped:
        typer.echo(f"dropped {name}")


@app.command("catch-up")
def catch_up(as_json: JsonOption = False) -> None:
    """Deliver what the outbox holds now (the periodic job does this on its own)."""
    settings = _opensearch_settings()
    with cli_errors(), local_container(settings) as container:
        delivered = operations.catch_up(settings.opensearch, container.session_factory)
    typer.echo(json.dumps({"delivered": delivered}) if as_json else f"delivered {delivered}")


@app.command("status")
def status(as_json: JsonOption = False) -> None:
    """The alias, its index, documents in it and in the database, and the outbox."""
    settings = _opensearch_settings()
    with cli_errors(), local_container(settings) as container:
        report = operations.status(settings.opensearch, container.session_factory)
    if as_json:
        typer.echo(json.dumps(report.__dict__))
        return
    typer.echo(f"alias {report.alias} -> {', '.join(report.indices) or '(none)'}")
    typer.echo(f"documents: {report.in_index} in the index, {report.in_database} in the database")
    typer.echo(f"outbox: {report.outbox} changes waiting")
    if report.reindexing:
        typer.echo(f"reindex running into {report.reindexing}")
