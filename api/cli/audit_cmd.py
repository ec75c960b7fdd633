"""``eakte audit verify`` and ``eakte audit anchor`` on the local data directory."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.cli.context import cli_errors, local_container, settings_or_fail
from services.audit.anchors import anchor_head
from services.audit.policy import AuditPolicy
from services.audit.verify import verify_trail
from services.db.session import unit_of_work

audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="the full report as JSON")] = False,
) -> None:
    """Recompute the hash chain and compare it with the anchors; exit 1 on any break."""
    with (
        local_container(settings_or_fail()) as container,
        cli_errors(),
        unit_of_work(container.session_factory, write=False) as session,
    ):
        report = verify_trail(session, container.store)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    elif report.ok:
        typer.echo(
            f"audit trail OK: {report.events} events, {report.anchors} anchors, "
            f"head {report.head_hash or '-'}"
        )
        for restore in report.restores:
            typer.echo(f"  {restore}")
    else:
        first = report.first_break
        assert first is not None
        typer.echo(f"audit trail BROKEN at {first.describe()}", err=True)
        if len(report.breaks) > 1:
            typer.echo(f"({len(report.breaks)} breaks in all; --json lists them)", err=True)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("anchor")
def anchor() -> None:
    """Anchor the chain head in the store now (if it moved since the last anchor)."""
    with local_container(settings_or_fail()) as container, cli_errors():
        policy = AuditPolicy.from_settings(container.settings)
        with unit_of_work(container.session_factory) as session:
            written = anchor_head(session, container.store, container.clock, policy)
    if written is None:
        typer.echo("nothing to anchor: the head is already anchored (or the trail is empty)")
    else:
        typer.echo(f"anchored seq {written.seq} ({written.head_hash}) as {written.blob_key}")
