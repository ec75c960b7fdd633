"""``eakte keys``: create, list, rotate and revoke API keys.

With ``EAKTE_URL`` (or ``--url``) the commands go to that server's ``/api/v1/keys``
with the admin key in ``EAKTE_API_KEY``; a key made anywhere else would not work
there.  Without it they work on the local data directory, which must exist: a typo in
``EAKTE_DATA_DIR`` must not quietly start a new, empty installation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

import typer

from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from api.cli.keys_backends import KeyBackend, LocalKeys, RemoteKeys
from services.settings import Settings

keys_app = typer.Typer(help="API keys.", no_args_is_help=True)

UrlOption = Annotated[
    str | None, typer.Option("--url", help="server URL (default: EAKTE_URL; unset = local)")
]
KeyOption = Annotated[
    str | None, typer.Option("--api-key", help="admin API key for --url (default: EAKTE_API_KEY)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print the API's JSON")]
ExpiresOption = Annotated[
    str | None,
    typer.Option("--expires", metavar="YYYY-MM-DD", help="the key works through this day (UTC)"),
]


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Option(help="who or which station uses the key")],
    role: Annotated[str, typer.Option(help="station | caseworker | records_manager | admin")],
    org_unit: Annotated[str | None, typer.Option("--org-unit")] = None,
    clearance: Annotated[
        str | None,
        typer.Option(
            "--clearance",
            metavar="CODE",
            help="xdomea confidentiality the key may read: 003 Offen, 002 VS-NfD, "
            "005 VS-Vertraulich, 001 Geheim, 004 Streng geheim "
            "(default: EAKTE_ACCESS__DEFAULT_CLEARANCE)",
        ),
    ] = None,
    expires: ExpiresOption = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create an API key; the key is printed once and stored only as a hash."""
    expires_at = _end_of(expires)
    with _keys(url, api_key) as keys, cli_errors():
        created = keys.create(
            name=name, role=role, org_unit=org_unit, clearance=clearance, expires_at=expires_at
        )
    _print_created(created, as_json)


@keys_app.command("list")
def list_(url: UrlOption = None, api_key: KeyOption = None, as_json: JsonOption = False) -> None:
    """List API keys (never the secrets)."""
    with _keys(url, api_key) as keys, cli_errors():
        found = keys.all()
    if as_json:
        typer.echo(json.dumps(found, indent=2))
        return
    for key in found:
        typer.echo(
            f"{key['id']}  {key['prefix']}  {key['role']:<15} {key['org_unit'] or '-':<10} "
            f"{key['clearance']}  {_state(key):<28} {key['name']}"
        )


@keys_app.command("rotate")
def rotate(
    key_id: Annotated[str, typer.Argument(help="key id or prefix")],
    grace_hours: Annotated[
        float,
        typer.Option("--grace-hours", min=0, max=24 * 90, help="how long the old key still works"),
    ] = 24.0,
    expires: ExpiresOption = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue a successor with the same role, unit and clearance; the old key runs out."""
    expires_at = _end_of(expires)
    with _keys(url, api_key) as keys, cli_errors():
        created = keys.rotate(key_id, grace=timedelta(hours=grace_hours), expires_at=expires_at)
    _print_created(created, as_json)


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="key id or prefix")],
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Revoke an API key now."""
    with _keys(url, api_key) as keys, cli_errors():
        key = keys.revoke(key_id)
    typer.echo(f"revoked {key['id']} ({key['name']})")


@contextmanager
def _keys(url: str | None, api_key: str | None) -> Iterator[KeyBackend]:
    settings = settings_or_fail()
    server = url or settings.server_url
    if server:
        key = api_key or (settings.api_key.get_secret_value() if settings.api_key else None)
        if not key:
            raise fail(f"managing the keys of {server} needs an admin key: EAKTE_API_KEY")
        yield RemoteKeys(server, key)
        return
    _require_existing_installation(settings)
    with local_container(settings) as container:
        yield LocalKeys(container)


def _require_existing_installation(settings: Settings) -> None:
    """Refuse to work on a data directory (or SQLite database) that does not exist yet."""
    data_dir = settings.data_dir.resolve()
    missing = None
    if not data_dir.is_dir():
        missing = f"no eakte data directory at {data_dir}"
    elif settings.database_url is None and not (data_dir / "eakte.db").is_file():
        missing = f"no eakte database in {data_dir}"
    if missing:
        raise fail(
            f"{missing}; set EAKTE_URL and EAKTE_API_KEY to manage the keys of a running "
            "server, or EAKTE_DATA_DIR to the server's data directory "
            "(a new installation is made by 'eakte serve')"
        )


def _end_of(day: str | None) -> datetime | None:
    """The end of ``day`` (UTC): the key works through that whole day."""
    if day is None:
        return None
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise fail(f"--expires {day!r}: give a date as YYYY-MM-DD") from None
    return datetime.combine(parsed + timedelta(days=1), time(0), tzinfo=UTC)


def _state(key: dict[str, Any]) -> str:
    if key["revoked_at"]:
        return f"revoked {key['revoked_at'][:10]}"
    if key["expires_at"]:
        return f"active, expires {key['expires_at'][:16].replace('T', ' ')}"
    return "active"


def _print_created(created: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(created, indent=2))
        return
    typer.echo(
        f"id:        {created['id']}\n"
        f"role:      {created['role']}\n"
        f"org unit:  {created['org_unit'] or '-'}\n"
        f"clearance: {created['clearance']}\n"
        f"expires:   {created['expires_at'] or 'never'}\n"
        f"key:       {created['key']}"
    )
