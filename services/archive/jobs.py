"""The scheduled job that reads the transfer directory (``eakte archive poll`` on a timer)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from services.archive.context import ArchiveContext
from services.archive.workflow import poll
from services.audit.trail import SYSTEM_ACTOR

POLL_ARCHIVE = "archive.poll"
log = logging.getLogger(__name__)


class PollArchiveHandler:
    kind = POLL_ARCHIVE

    def __init__(self, context: ArchiveContext) -> None:
        self._context = context

    def run(self, payload: Mapping[str, Any]) -> None:
        report = poll(self._context, actor=SYSTEM_ACTOR)
        for handled in report.messages:
            log.info(
                "archive reply %s: %s", handled.file_name, "read" if handled.accepted else "refused"
            )

    def on_give_up(self, payload: Mapping[str, Any], reason: str) -> None:
        """Nothing to mark: the next scheduled run reads the directory again."""
