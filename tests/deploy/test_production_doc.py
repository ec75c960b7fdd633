"""docs/production.md: the commands, settings, files and documents it names exist."""

from __future__ import annotations

import re
import shlex

from tests.deploy.files import DEPLOY, ROOT, cli_command, cli_options, is_setting

DOC = ROOT / "docs" / "production.md"
TEXT = DOC.read_text()


def _eakte_invocations() -> list[list[str]]:
    """``eakte ...`` in shell blocks (also after ``exec api`` / ``exec deploy/x --``) and in
    inline code."""
    found: list[list[str]] = []
    for block in re.findall(r"```sh\n(.*?)```", TEXT, re.DOTALL):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            for index, word in enumerate(words):
                # the program itself, or after `compose exec api` / `kubectl exec x --`
                if word == "eakte" and (index == 0 or words[index - 1] in {"api", "--"}):
                    found.append(words[index + 1 :])
    for code in re.findall(r"`(eakte [^`]+)`", TEXT):
        found.append(shlex.split(code)[1:])
    return found


def test_every_eakte_command_exists_with_its_options() -> None:
    invocations = _eakte_invocations()
    assert len(invocations) >= 10
    for args in invocations:
        assert cli_command(args) is not None, f"no such command: eakte {' '.join(args)}"
        options = {a.split("=", 1)[0] for a in args if a.startswith("-")}
        unknown = options - cli_options(args)
        assert not unknown, f"eakte {' '.join(args)}: unknown options {sorted(unknown)}"


def test_every_setting_named_exists() -> None:
    names = set(re.findall(r"\bEAKTE_[A-Z0-9_]*[A-Z0-9]", TEXT))
    assert len(names) >= 20
    assert sorted(n for n in names if not is_setting(n)) == []


def test_every_file_and_document_named_exists() -> None:
    paths = set(re.findall(r"(?<!exec )\b((?:deploy|docs)/[\w./-]*\w)", TEXT))
    missing = []
    for path in paths:
        target = ROOT / path
        operator_made = target.with_name(target.name + ".example")
        if not target.exists() and not operator_made.exists():
            missing.append(path)
    assert sorted(missing) == []
    assert (DEPLOY / "compose.yaml").as_posix().endswith("deploy/compose.yaml")
