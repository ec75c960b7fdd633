"""What every CLI command needs: settings, a local container, one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from api.cli.server import CliError
from file_plan.errors import FilePlanError
from services.bootstrap import Container, build_container, prepare
from services.errors import EAkteError
from services.settings import Settings, load_settings


def fail(message: str) -> typer.Exit:
    typer.echo(f"eakte: {message}", err=True)
    return typer.Exit(1)


def settings_or_fail() -> Settings:
    try:
        return load_settings()
    except EAkteError as exc:
        raise fail(exc.detail) from exc


@contextmanager
def local_container(settings: Settings) -> Iterator[Container]:
    container = build_container(settings)
    try:
        prepare(container, migrate=True)
        yield container
    finally:
        container.close()


@contextmanager
def cli_errors() -> Iterator[None]:
    try:
        yield
    except CliError as exc:
        raise fail(str(exc)) from exc
    except (EAkteError, FilePlanError) as exc:
        raise fail(exc.detail) from exc
