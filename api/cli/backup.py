"""``eakte backup``: what an operator runs after restoring the database from a backup."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.cli.actor import cli_actor
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from services.audit.policy import AuditPolicy
from services.backup.check import InstallationCheck, check_installation
from services.backup.restore import acknowledge_restore
from services.db.session import unit_of_work

backup_app = typer.Typer(help="Backup and restore (see docs/backup.md).", no_args_is_help=True)


@backup_app.command("check")
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable report")] = False,
) -> None:
    """Check a restored installation: audit trail, every object, orphans; exit 1 on a break."""
    with local_container(settings_or_fail()) as container, cli_errors():
        result = check_installation(container, actor=cli_actor())
    if as_json:
        typer.echo(json.dumps(_as_dict(result), ensure_ascii=False, indent=2))
    else:
        _print(result)
    if result.restore_unacknowledged:
        raise fail(
            "the trail ends before anchors in the store: if the database was restored from a "
            "backup, run 'eakte backup acknowledge-restore' before anything else (not even "
            "fixity checks, which write audit events), then check again"
        )
    if not result.ok:
        raise fail("the restored installation has breaks (see above)")


@backup_app.command("acknowledge-restore")
def acknowledge() -> None:
    """Record, write-once, that a restore lost the audit events after the backup.

    Refused unless the trail's only breaks are anchors beyond the restored head.
    """
    with local_container(settings_or_fail()) as container, cli_errors():
        policy = AuditPolicy.from_settings(container.settings)
        with unit_of_work(container.session_factory) as session:
            done = acknowledge_restore(
                session, container.store, container.clock, policy, actor=cli_actor()
            )
    typer.echo(done.marker.describe())
    typer.echo(f"marker {done.marker.name}; 'eakte audit verify' reports it from now on")


def _print(result: InstallationCheck) -> None:
    trail = result.trail
    if trail.ok:
        typer.echo(f"audit trail: OK, {trail.events} events, {trail.anchors} anchors")
    else:
        first = trail.first_break
        assert first is not None
        typer.echo(f"audit trail: BROKEN at {first.describe()} ({len(trail.breaks)} breaks)")
    for restore in trail.restores:
        typer.echo(f"  {restore}")
    if result.fixity is None:
        typer.echo("objects: not checked")
        return
    typer.echo(f"objects: {result.fixity.checked} checked, {len(result.fixity.failures)} failed")
    for failure in result.fixity.failures:
        typer.echo(f"  {failure.status.value}: object {failure.object_id} {failure.key}")
    typer.echo(
        f"orphans: {len(result.orphans)} blobs no row refers to"
        + (" (stored after the backup? see docs/backup.md)" if result.orphans else "")
    )
    for orphan in result.orphans:
        typer.echo(f"  orphan: {orphan.key} stored {orphan.stored_at.isoformat()}")


def _as_dict(result: InstallationCheck) -> dict[str, object]:
    fixity = result.fixity
    return {
        "ok": result.ok,
        "restore_unacknowledged": result.restore_unacknowledged,
        "trail": result.trail.to_dict(),
        "objects": None
        if fixity is None
        else {
            "checked": fixity.checked,
            "failures": [
                {"object_id": f.object_id, "key": f.key, "status": f.status.value}
                for f in fixity.failures
            ],
        },
        "orphans": [{"key": o.key, "stored_at": o.stored_at.isoformat()} for o in result.orphans],
    }
