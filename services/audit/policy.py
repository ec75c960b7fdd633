"""How often the chain head is anchored, and how the trail finds that out.

``record_event`` has no settings parameter (dozens of callers pass only a session), so the
policy travels with the session: :func:`configure_audit` puts it into the session
factory's ``info``, which SQLAlchemy copies into every session the factory makes.  A
session from an unconfigured factory uses the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from services.settings import JobSettings, Settings

_INFO_KEY = "eakte.audit_policy"


@dataclass(frozen=True)
class AuditPolicy:
    anchor_every_events: int = 1000
    """Anchor the head as soon as the chain has grown by this many events."""
    anchor_interval_minutes: int = 15
    """And at least this often while events keep coming."""
    anchor_retention_years: int = 30
    """How long the store keeps each anchor object (Object Lock retention)."""
    jobs: JobSettings = field(default_factory=JobSettings)
    """Attempts for the anchor jobs that ``record_event`` enqueues."""

    def __post_init__(self) -> None:
        if self.anchor_every_events < 1 or self.anchor_interval_minutes < 1:
            raise ValueError("anchoring needs at least one event and one minute between anchors")
        if self.anchor_retention_years < 1:
            raise ValueError("anchors must be retained for at least a year")

    @classmethod
    def from_settings(cls, settings: Settings) -> AuditPolicy:
        return cls(
            anchor_every_events=settings.audit.anchor_every_events,
            anchor_interval_minutes=settings.audit.anchor_interval_minutes,
            anchor_retention_years=settings.retention.anchor_years,
            jobs=settings.jobs,
        )

    def anchor_retain_until(self, now: datetime) -> datetime:
        """``now`` plus the retention in calendar years (29 February becomes 28 February)."""
        year = now.year + self.anchor_retention_years
        try:
            return now.replace(year=year)
        except ValueError:
            return now.replace(year=year, day=28)


def configure_audit(factory: sessionmaker[Session], policy: AuditPolicy) -> None:
    """Make every session of ``factory`` carry ``policy`` (call once when wiring)."""
    info = dict(factory.kw.get("info") or {})
    info[_INFO_KEY] = policy
    factory.configure(info=info)


def policy_of(session: Session) -> AuditPolicy:
    policy = session.info.get(_INFO_KEY)
    return policy if isinstance(policy, AuditPolicy) else AuditPolicy()


def factory_policy(factory: sessionmaker[Session]) -> AuditPolicy:
    policy = (factory.kw.get("info") or {}).get(_INFO_KEY)
    return policy if isinstance(policy, AuditPolicy) else AuditPolicy()
