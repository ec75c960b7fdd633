"""``eakte disposition due``: the Akten due for disposition, locally or from a server."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from api.cli.actor import cli_scope
from api.cli.context import cli_errors, fail, local_container, settings_or_fail
from api.cli.server import ServerClient
from api.presenters_disposition import due_akte_out
from services.db.session import unit_of_work
from services.retention.disposition import disposition_due

app = typer.Typer(help="Disposition: what is due when retention ends.", no_args_is_help=True)

PAGE = 500
UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="server URL (default: EAKTE_URL / EAKTE_SERVER_URL; unset = local)"),
]
KeyOption = Annotated[
    str | None, typer.Option("--api-key", help="API key for --url (default: EAKTE_API_KEY)")
]


def _from_server(url: str, key: str) -> list[dict[str, Any]]:
    server = ServerClient(url, key, timeout=120.0)
    items: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        page = server.json(
            "GET", "/api/v1/disposition/due", params={"limit": PAGE, "offset": offset}
        )
        items.extend(page["items"])
        offset = page["next_offset"]
    return items


def _local() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    with (
        local_container(settings_or_fail()) as container,
        unit_of_work(container.session_factory, write=False) as session,
    ):
        today = container.clock.now().date()
        offset = 0
        while True:
            page = disposition_due(session, cli_scope(), today=today, limit=PAGE, offset=offset)
            items.extend(due_akte_out(row).model_dump(mode="json") for row in page.items)
            offset += PAGE
            if offset >= page.total:
                return items


@app.command("due")
def due(
    as_json: Annotated[bool, typer.Option("--json", help="the list as JSON")] = False,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Akten whose retention has ended and that nothing holds, with their archive value."""
    settings = settings_or_fail()
    url = url or settings.server_url
    with cli_errors():
        if url:
            key = api_key or (settings.api_key.get_secret_value() if settings.api_key else None)
            if not key:
                raise fail("--url needs an API key: --api-key or EAKTE_API_KEY")
            items = _from_server(url, key)
        else:
            items = _local()
    if as_json:
        typer.echo(json.dumps({"total": len(items), "items": items}, ensure_ascii=False))
        return
    typer.echo(f"{len(items)} Akten due for disposition")
    for item in items:
        typer.echo(
            f"{item['retention_until']}  {item['aktenzeichen']}  [{item['archive_value_text']}]"
            f"  {item['code']}  {item['org_unit']}  {item['title']}"
        )
