"""Who is calling: an API key (scanning station, specialist procedure) or a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.access.confidentiality import Confidentiality


class PrincipalKind(StrEnum):
    KEY = "key"
    PERSON = "person"
    OPERATOR = "operator"
    """eakte itself, or someone at the console of the host (``eakte`` on the data dir)."""


@dataclass(frozen=True)
class Principal:
    """The authenticated caller; roles and units are names from the deployment's config."""

    id: str
    """The API key's id or the person's id."""
    kind: PrincipalKind
    name: str
    roles: frozenset[str]
    org_units: frozenset[str]
    """The units the caller belongs to (their sub-units are added by the scope)."""
    clearance: Confidentiality = Confidentiality.OFFEN
    last_used_at: datetime | None = None

    @property
    def key_id(self) -> str | None:
        """The API key's id, for the columns that reference ``api_keys``."""
        return self.id if self.kind is PrincipalKind.KEY else None

    @property
    def audit_name(self) -> str:
        """How the caller appears in the audit trail."""
        if self.kind is PrincipalKind.OPERATOR:
            return self.name
        return f"{self.kind.value}:{self.id} ({self.name[:120]})"
