"""Reading the deployment files, and what they are checked against (settings, CLI, routes).

Everything here works offline and without a container engine: the files in ``deploy/``
are parsed and compared with the code they start.
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import shlex
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_origin

import typer.main
import yaml
from pydantic import AliasChoices, BaseModel

from services.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
PLACEHOLDER = "changeme"
"""The one placeholder the example files use for every secret."""


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines as compose and kustomize read them (no quoting, no expansion)."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            raise AssertionError(f"{path.name}:{number}: not a NAME=value line: {line!r}")
        if name in values:
            raise AssertionError(f"{path.name}:{number}: {name} is set twice")
        values[name] = value
    return values


def with_secrets_filled(values: Mapping[str, str]) -> dict[str, str]:
    """The example values with every placeholder replaced by a fresh random secret.

    The same placeholder gets the same secret everywhere, as an operator following the
    comments ("the same password as ...") would do.
    """
    secret = secrets.token_hex(16)
    return {name: value.replace(PLACEHOLDER, secret) for name, value in values.items()}


def load_yaml_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def is_setting(name: str) -> bool:
    """Whether ``EAKTE_...`` names a field of :class:`Settings` (nested with ``__``).

    Settings ignore unknown variables (``extra="ignore"``), so a misspelt name in a
    manifest would be silently without effect; this is the check that catches it.
    """
    if name in _alias_names():
        return True
    if not name.startswith("EAKTE_"):
        return False
    model: type[BaseModel] = Settings
    parts = name.removeprefix("EAKTE_").lower().split("__")
    for index, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None or (model is Settings and field.validation_alias is not None):
            return False
        if index == len(parts) - 1:
            return True
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
            continue
        return get_origin(annotation) is dict  # free keys below a mapping
    return False


@functools.cache
def _alias_names() -> frozenset[str]:
    names: set[str] = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice) for choice in alias.choices if str(choice).isupper())
        elif isinstance(alias, str):
            names.add(alias)
    return frozenset(names)


def settings_from(env: Mapping[str, str], monkeypatch: Any) -> Settings:
    """Settings built from exactly ``env`` (the test's own ``EAKTE_*`` variables removed)."""
    from services.settings import load_settings

    for name in list(os.environ):
        if name.startswith("EAKTE_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings()


def cli_command(args: list[str]) -> str | None:
    """The name of the ``eakte`` subcommand that ``args`` runs, None when there is none."""
    found = _resolve(args)
    return None if found is None else found[0]


def cli_options(args: list[str]) -> set[str]:
    """The options (``--all``, ``-n``) the subcommand that ``args`` runs accepts."""
    found = _resolve(args)
    assert found is not None, args
    return {opt for param in found[1].params for opt in (*param.opts, *param.secondary_opts)}


def _resolve(args: list[str]) -> tuple[str, Any] | None:
    from api.cli.main import app

    command: Any = typer.main.get_command(app)
    path = ["eakte"]
    for arg in args:
        if arg.startswith("-") or not hasattr(command, "commands"):
            break
        command = command.commands.get(arg)
        if command is None:
            return None
        path.append(arg)
    return None if hasattr(command, "commands") else (" ".join(path), command)


def url_path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[1].split("?", 1)[0]


def console_scripts() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(project["scripts"])


def makefile_variable(name: str) -> str:
    """The value of ``NAME := ...`` / ``NAME ?= ...`` in the Makefile, continuations joined."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    match = re.search(rf"^{name}\s*[:?]?=\s*(.*)$", text, re.MULTILINE)
    if match is None:
        raise AssertionError(f"Makefile has no {name}")
    return match.group(1).strip()


def shell_words(script: str) -> list[list[str]]:
    """A RUN line's simple commands (split at ``&&``, ``||``, ``;`` and pipes) as words."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in {"&&", "||", ";", "|", "&"}:
            commands.append([])
        else:
            commands[-1].append(token)
    return [words for words in commands if words]
