"""``eakte evidence``: seal days, export evidence records, verify files against them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.actor import cli_actor
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from services.bootstrap import build_store
from services.clock import SystemClock
from services.db.session import unit_of_work
from services.documents.versions import Part
from services.errors import EAkteError
from services.evidence.jobs import anchor_retention, stamp_unstamped, timestamper_for
from services.evidence.records import document_evidence_record, verify_record
from services.evidence.sealing import seal_days, utc_day

evidence_app = typer.Typer(
    help="Evidence records (TR-ESOR style): daily hash trees over stored content.",
    no_args_is_help=True,
)


@evidence_app.command("seal")
def seal(
    today: Annotated[
        bool, typer.Option("--today", help="seal today too (its later content waits a day)")
    ] = False,
) -> None:
    """Seal every finished day (UTC) that has unsealed content, and anchor its root.

    With EAKTE_EVIDENCE__TSA_URL set, roots without an RFC 3161 time-stamp get one.
    """
    settings = settings_or_fail()
    timestamper = timestamper_for(settings)
    with local_container(settings) as container, cli_errors():
        through = utc_day(container.clock.now()) + timedelta(days=1) if today else None
        with unit_of_work(container.session_factory) as session:
            sealed = seal_days(
                session,
                container.store,
                container.clock,
                through=through,
                anchor_retention=anchor_retention(settings),
                actor=cli_actor(),
            )
        if not sealed:
            typer.echo("nothing to seal")
        for day in sealed:
            typer.echo(
                f"{day.day}: {day.leaf_count} objects, root {day.root}, "
                f"anchored as {day.anchor_name}"
            )
        if timestamper is None:
            return
        report = stamp_unstamped(container.session_factory, timestamper)
    for stamped in report.stamped:
        typer.echo(f"{stamped}: time-stamped by {timestamper.url}")
    if report.error:
        raise fail(
            f"time-stamping failed: {report.error} (the days are sealed and anchored; "
            "the next run asks again)"
        )


@evidence_app.command("export")
def export(
    document_id: Annotated[str, typer.Argument(help="document id")],
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="version number (default: current)")
    ] = None,
    rendition: Annotated[
        bool, typer.Option("--rendition", help="the searchable PDF/A instead of the content")
    ] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write to FILE")] = None,
) -> None:
    """Export the evidence record of a document version as JSON."""
    with (
        local_container(settings_or_fail()) as container,
        cli_errors(),
        unit_of_work(container.session_factory, write=False) as session,
    ):
        record = document_evidence_record(
            session,
            container.store,
            document_id,
            version=version,
            part=Part.RENDITION if rendition else Part.CONTENT,
        )
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc}") from exc
    typer.echo(f"wrote {output}")


@evidence_app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help="the content as you have it")],
    record_file: Annotated[Path, typer.Argument(metavar="RECORD.json", help="evidence record")],
    offline: Annotated[
        bool, typer.Option("--offline", help="check hash and path only, not the store's anchor")
    ] = False,
) -> None:
    """Check a file against an evidence record; exit 1 with the reason when it does not match."""
    data = _read(file)
    record = _load_record(record_file)
    if offline:
        result = verify_record(data, record)
    else:
        try:
            store = build_store(settings_or_fail(), SystemClock())
        except EAkteError as exc:
            raise fail(exc.detail) from exc
        result = verify_record(data, record, store=store)
    if not result.valid:
        raise fail(f"not verified: {result.reason}")
    typer.echo(f"verified: {result.reason}")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc}") from exc


def _load_record(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(_read(path))
    except ValueError as exc:
        raise fail(f"{path} is not JSON: {exc}") from exc
    if not isinstance(record, dict):
        raise fail(f"{path} is not an evidence record")
    return record
