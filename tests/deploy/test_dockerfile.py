"""deploy/Dockerfile, checked statically (no container engine here).

The file is parsed with ``dockerfile`` (PyPI), which wraps BuildKit's own parser.  The
image must install exactly what ``make install`` installs: it runs ``make install`` and
installs nothing else but what the Makefile needs to run at all.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable

import dockerfile
import pytest

from tests.deploy.files import (
    DEPLOY,
    ROOT,
    cli_command,
    is_setting,
    makefile_variable,
    shell_words,
)

BOOTSTRAP_PACKAGES = {"make", "python3", "python3-venv", "ca-certificates"}
"""What a bare Debian lacks to run the Makefile (make, ``python3 -m venv``, TLS roots)."""
INSTALLERS = {"pip", "pip3", "npm", "curl", "wget", "apk", "dnf", "yum", "dpkg", "uv"}


@pytest.fixture(scope="module")
def instructions() -> tuple[dockerfile.Command, ...]:
    return dockerfile.parse_file(str(DEPLOY / "Dockerfile"))


def _all(instructions: tuple[dockerfile.Command, ...], name: str) -> list[dockerfile.Command]:
    return [command for command in instructions if command.cmd == name]


def _one(instructions: tuple[dockerfile.Command, ...], name: str) -> dockerfile.Command:
    found = _all(instructions, name)
    assert len(found) == 1, f"expected one {name}, found {len(found)}"
    return found[0]


def _run_commands(instructions: tuple[dockerfile.Command, ...]) -> list[list[str]]:
    commands: list[list[str]] = []
    for run in _all(instructions, "RUN"):
        assert not run.json, f"line {run.start_line}: RUN in shell form, please"
        commands.extend(shell_words(" ".join(run.value)))
    return commands


def _strip_env(words: list[str]) -> list[str]:
    """``env A=b apt-get ...`` / ``A=b apt-get ...`` -> ``apt-get ...``."""
    rest = words[1:] if words and words[0] == "env" else words
    while rest and "=" in rest[0] and not rest[0].startswith("-"):
        rest = rest[1:]
    return rest


def test_base_image_is_debian_bookworm_like_ci(
    instructions: tuple[dockerfile.Command, ...],
) -> None:
    """The Makefile's system-deps target is apt on Debian bookworm, the CI machine's system."""
    (base,) = _all(instructions, "FROM")  # one stage: what runs is what was installed
    image = base.value[0]
    assert image.startswith("debian:bookworm"), image


def test_runs_make_install_and_installs_nothing_else(
    instructions: tuple[dockerfile.Command, ...],
) -> None:
    commands = [_strip_env(words) for words in _run_commands(instructions)]
    assert ["make", "install"] in commands, "the image must be built by `make install`"
    makefile = (ROOT / "Makefile").read_text()
    install = re.search(r"^install:(.*)$", makefile, re.MULTILINE)
    assert install is not None and "system-deps" in install.group(1).split()
    system_packages = set(makefile_variable("SYSTEM_PACKAGES").split())
    for words in commands:
        program = words[0] if words else ""
        assert program not in INSTALLERS, f"installs outside the Makefile: {' '.join(words)}"
        if program in {"apt-get", "apt"} and "install" in words:
            packages = {w for w in words[words.index("install") + 1 :] if not w.startswith("-")}
            assert packages <= BOOTSTRAP_PACKAGES, (
                f"apt installs {sorted(packages - BOOTSTRAP_PACKAGES)} outside `make install`"
            )
            assert not packages & system_packages, "the Makefile's packages come from make"
        if program == "make":
            # system-deps alone first is allowed: a cached layer; `install` repeats its check
            assert words[1:] in (["install"], ["system-deps"]), f"not {' '.join(words)}"


def test_copies_what_make_install_needs_and_no_tests(
    instructions: tuple[dockerfile.Command, ...],
) -> None:
    sources: set[str] = set()
    for copy in _all(instructions, "COPY"):
        assert not copy.flags, f"line {copy.start_line}: COPY from a stage or with flags"
        sources.update(copy.value[:-1])
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: no such path in the repository"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    find = pyproject["tool"]["setuptools"]["packages"]["find"]
    packages = {pattern.rstrip("*") for pattern in find["include"]}
    needed = {"Makefile", "pyproject.toml", pyproject["project"]["readme"], *packages}
    assert needed <= sources, f"not copied: {sorted(needed - sources)}"
    assert "tests" not in sources and "." not in sources, "tests are never shipped"


def test_runs_as_an_unprivileged_user(instructions: tuple[dockerfile.Command, ...]) -> None:
    user = _one(instructions, "USER")
    uid = user.value[0].split(":")[0]
    assert uid.isdigit() and int(uid) >= 1000, "a numeric non-root uid (runAsNonRoot checks it)"
    last_run = max(c.start_line for c in _all(instructions, "RUN"))
    assert user.start_line > last_run, "USER comes after the last RUN"


def test_entrypoint_is_the_eakte_cli(instructions: tuple[dockerfile.Command, ...]) -> None:
    entrypoint = _one(instructions, "ENTRYPOINT")
    command = _one(instructions, "CMD")
    assert entrypoint.json and command.json, "exec form, so signals reach eakte"
    assert list(entrypoint.value) == ["eakte"]
    assert cli_command(list(command.value)) == "eakte serve"
    venv = makefile_variable("VENV")
    workdir = _one(instructions, "WORKDIR").value[0]
    env = dict(zip(*[iter(_one(instructions, "ENV").value)] * 2, strict=True))
    assert env["PATH"].split(":")[0] == f"{workdir}/{venv}/bin", "the venv `make install` made"


def test_port_and_healthcheck_match_the_app(
    instructions: tuple[dockerfile.Command, ...], app_status: Callable[[str], int]
) -> None:
    env = dict(zip(*[iter(_one(instructions, "ENV").value)] * 2, strict=True))
    assert _one(instructions, "EXPOSE").value == (env["EAKTE_PORT"],)
    assert env["EAKTE_HOST"] == "0.0.0.0", "reachable from outside the container"
    unknown = [name for name in env if name.startswith("EAKTE_") and not is_setting(name)]
    assert unknown == [], "ENV names that are no setting"
    check = _one(instructions, "HEALTHCHECK")
    script = " ".join(check.value)
    url = script.split("'http://", 1)[1].split("'", 1)[0]
    host_port, _, path = url.partition("/")
    assert host_port == f"127.0.0.1:{env['EAKTE_PORT']}"
    assert app_status("/" + path) == 200
