"""``eakte import PATH``: legacy files (a manifest folder or xdomea 0503 exports) into eakte.

Works on the local data directory (embedded mode) as the console operator, who may
give past dates (see :func:`api.cli.actor.cli_scope`).  A run interrupted at any point
is continued by running the same command again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.actor import cli_scope
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from services.legacy_import.report import ImportReport
from services.legacy_import.run import ImportContext, run_import
from services.legacy_import.source import open_source


def _code_map(pairs: list[str]) -> dict[str, str]:
    mapped: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise fail(f"--map-code wants OLD=NEW, not {pair!r}")
        mapped[old.strip()] = new.strip()
    return mapped


def import_legacy(
    path: Annotated[
        Path, typer.Argument(help="folder with manifest.json/manifest.csv, or 0503 message(s)")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check the manifest and every file; write nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="the report as JSON")] = False,
    map_code: Annotated[
        list[str] | None,
        typer.Option(
            "--map-code",
            metavar="OLD=NEW",
            help="file the source's plan code OLD under eakte's plan code NEW (repeatable)",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(help="name of the source in the ledger (default: the manifest's path)"),
    ] = None,
) -> None:
    """Import legacy files with their true dates: resumable, nothing imported twice.

    Exit code 1 when any entry was refused (each is listed with its reason).
    """
    codes = _code_map(map_code or [])
    settings = settings_or_fail()
    with cli_errors(), local_container(settings) as container:
        ctx = ImportContext(
            factory=container.session_factory,
            store=container.store,
            search=container.search,
            settings=container.settings,
            clock=container.clock,
            scope=cli_scope(),
        )
        schema_dir = container.settings.archive.schema_dir
        with open_source(path, code_map=codes, source_name=source, schema_dir=schema_dir) as legacy:
            progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                disable=as_json or not sys.stderr.isatty(),
            )
            with progress:
                task = progress.add_task("importing", total=legacy.document_count or None)
                report = run_import(
                    ctx,
                    legacy,
                    dry_run=dry_run,
                    progress=lambda _label: progress.advance(task),
                )
    _print(report, as_json=as_json)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _print(report: ImportReport, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    title = "dry run of" if report.dry_run else "import of"
    typer.echo(f"{title} {report.source} (run {report.run_id})")
    for akte in report.akten:
        if akte.outcome != "refused":
            where = akte.aktenzeichen or "-"
            typer.echo(f"  {akte.outcome:8} {where}  [{akte.status or '-'}]  {akte.label}")
    for line in report.summary_lines():
        typer.echo(line)
