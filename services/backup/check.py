"""Check a restored installation in one go: the audit trail, every object, the orphans.

The order matters.  The trail is verified first and read-only; fixity and the orphan scan
write audit events (a failure, an orphan found), and on a restore that is not yet
acknowledged each such event takes a position that an anchor of the lost history may
name.  So when the trail is cut off at its end, the check stops there and says to
acknowledge the restore first (:mod:`services.backup.restore`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.audit.verify import VerificationReport, verify_trail
from services.bootstrap import Container
from services.db.session import unit_of_work
from services.startup_sweep import scan_orphans
from services.storage.fixity import FixityReport, run_fixity
from services.storage.orphans import Orphan


@dataclass
class InstallationCheck:
    trail: VerificationReport
    fixity: FixityReport | None = None
    """None when the objects were not checked (the trail needs attention first)."""
    orphans: list[Orphan] = field(default_factory=list)

    @property
    def restore_unacknowledged(self) -> bool:
        """The trail's only breaks are anchors beyond its head: what a restore leaves."""
        return bool(self.trail.breaks) and all(
            b.problem == "anchor_beyond_head" for b in self.trail.breaks
        )

    @property
    def ok(self) -> bool:
        return self.trail.ok and self.fixity is not None and not self.fixity.failures


def check_installation(container: Container, *, actor: str) -> InstallationCheck:
    """Verify the trail; unless it shows an unacknowledged restore, check every object too."""
    with unit_of_work(container.session_factory, write=False) as session:
        result = InstallationCheck(trail=verify_trail(session, container.store))
    if result.restore_unacknowledged:
        return result
    result.fixity = run_fixity(
        container.session_factory, container.store, container.clock, share=None, actor=actor
    )
    result.orphans = scan_orphans(container, actor=actor)
    return result
