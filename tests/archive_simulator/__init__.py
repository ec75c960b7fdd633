"""An archive-side simulator for the archive transfer tests that answers as x-man does.

x-man is the Landesarchiv Thüringen's software for taking over xdomea Aussonderungen
(https://github.com/Landesarchiv-Thueringen/x-man). This is an independent second reading
of the xdomea messages, written from x-man's behaviour and not from eakte's writers, so
that it catches their mistakes. See :class:`ArchiveSimulator`.
"""

from tests.archive_simulator.appraisal import appraise_all
from tests.archive_simulator.model import (
    ArchivedFile,
    ArchiveIdentity,
    OfferedObject,
    ProcessingError,
    ReceivedMessage,
    SentMessage,
    SimProcess,
)
from tests.archive_simulator.replies import ImportOutcome
from tests.archive_simulator.simulator import ArchiveSimulator

__all__ = [
    "ArchiveIdentity",
    "ArchiveSimulator",
    "ArchivedFile",
    "ImportOutcome",
    "OfferedObject",
    "ProcessingError",
    "ReceivedMessage",
    "SentMessage",
    "SimProcess",
    "appraise_all",
]
