"""How someone at the console appears in the audit trail."""

from __future__ import annotations

import getpass
import os

from services.access.scope import Scope, system_scope


def cli_actor() -> str:
    """``cli:<login name>``: commands on the local data dir run as that operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry, e.g. an arbitrary uid in a container
        return f"cli:uid {os.getuid()}"


def cli_scope() -> Scope:
    """The console on the local data directory: sees everything, audited as :func:`cli_actor`."""
    return system_scope(cli_actor())
