"""``eakte backup``: what an operator runs after restoring the database from a backup."""

from __future__ import annotations

import typer

from api.cli.actor import cli_actor
from api.cli.context import cli_errors, local_container, settings_or_fail
from services.audit.policy import AuditPolicy
from services.backup.restore import acknowledge_restore
from services.db.session import unit_of_work

backup_app = typer.Typer(help="Backup and restore (see docs/backup.md).", no_args_is_help=True)


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
