"""An archive-side simulator for the archive transfer tests that answers as x-man does.

x-man is the Landesarchiv Thüringen's software for taking over xdomea Aussonderungen
(https://github.com/Landesarchiv-Thueringen/x-man). This is an independent second reading
of the xdomea messages, written from x-man's behaviour and not from eakte's writers, so
that it catches their mistakes.

Use::

    sim = ArchiveSimulator(transfer_dir, schema_dir, appraise=lambda obj: "A")
    ...eakte writes its 0501...
    sim.step()            # -> [0504, 0502] written into transfer_dir, XSD-valid 3.1.0
    ...eakte polls, sends 0505 and the 0503...
    sim.step()            # -> [0507, 0506]
    sim.errors            # what x-man would report (empty when eakte did it right)
    sim.archived_files    # file name -> ArchivedFile(sha256, size, object_id, imported)

``appraise`` is asked about every top-level Akte (and, with ``appraise_nested``, about
Vorgänge inside) and answers ``"A"``, ``"V"`` or ``None`` (left out of the 0502). Negative
cases are options, all plain attributes that may change between steps:
``schema_invalid_replies={"0502"}``, ``unknown_process_replies={"0506"}``,
``extra_appraisals={id: "V"}``, ``duplicate_0502``, ``hold_appraisal``,
``hold_import_confirmation`` (then ``release()``), ``fail_objects={id}``,
``reply_version="3.0.0"``, ``reply_dirs={"0506": "0506"}``.
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
