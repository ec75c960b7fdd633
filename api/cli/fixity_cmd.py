"""``eakte fixity check``: re-read stored objects and compare their hashes now.

It also lists the orphaned blobs (no database row refers to them, see
:mod:`services.storage.orphans`); they are reported, not counted as failures.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from api.cli.actor import cli_actor
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from services.startup_sweep import scan_orphans
from services.storage.fixity import run_fixity

app = typer.Typer(help="Fixity checks of the stored objects.", no_args_is_help=True)


@app.command("check")
def check(
    check_all: Annotated[
        bool, typer.Option("--all", help="Every object, not one run's share")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report")] = False,
) -> None:
    """Check a scheduled run's share of the objects (or all); exit 1 on any failure."""
    settings = settings_or_fail()
    with cli_errors(), local_container(settings) as container:
        report = run_fixity(
            container.session_factory,
            container.store,
            container.clock,
            share=None if check_all else settings.fixity.share_per_run,
            actor=cli_actor(),
        )
        orphans = scan_orphans(container, actor=cli_actor())
    failures = [
        {
            "object_id": f.object_id,
            "key": f.key,
            "version_id": f.version_id,
            "status": f.status.value,
            "detail": f.detail,
        }
        for f in report.failures
    ]
    orphan_rows = [
        {"key": o.key, "stored_at": o.stored_at.isoformat(), "locked_until": _iso(o.locked_until)}
        for o in orphans
    ]
    if as_json:
        result = {"checked": report.checked, "failures": failures, "orphans": orphan_rows}
        typer.echo(json.dumps(result, indent=2))
    else:
        typer.echo(f"checked {report.checked} objects, {len(failures)} failed")
        for failure in failures:
            typer.echo(f"  {failure['status']}: object {failure['object_id']} {failure['key']}")
        if orphan_rows:
            typer.echo(f"{len(orphan_rows)} blobs have no database row (orphans, kept locked):")
            for row in orphan_rows:
                typer.echo(f"  orphan: {row['key']} stored {row['stored_at']}")
    if failures:
        raise fail(f"fixity check found {len(failures)} corrupt or missing objects")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
