"""From token claims to a person's profile: name, e-mail, roles, units, clearance.

Directories send group memberships, not eakte's roles: ``role_map`` and ``unit_map``
translate them (``{"GG-Amt63": "63"}``).  A group that is itself a role name counts as
that role.  Keycloak writes groups as paths (``/GG-Amt63``); the path and its last part
are both looked up.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.access.confidentiality import Confidentiality
from services.access.roles import RoleCatalog
from services.errors import ConfigurationError, InvalidInputError
from services.settings import OidcSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    """What the claims say about a person."""

    name: str
    email: str | None
    roles: list[str]
    org_units: list[str]
    clearance: Confidentiality


class ClaimMapping:
    """The deployment's translation of claims, checked once against the role catalog."""

    def __init__(
        self, settings: OidcSettings, roles: RoleCatalog, default_clearance: Confidentiality
    ) -> None:
        unknown = sorted({r for r in settings.role_map.values() if r not in roles.names})
        if unknown:
            raise ConfigurationError(
                f"EAKTE_OIDC__ROLE_MAP maps to unknown roles {', '.join(unknown)}; "
                f"roles are: {', '.join(roles.names)}"
            )
        self._settings = settings
        self._role_names = frozenset(roles.names)
        self._default_clearance = default_clearance

    def profile(self, claims: Mapping[str, Any], known_units: Collection[str]) -> Profile:
        settings = self._settings
        return Profile(
            name=_name(claims, settings.name_claim),
            email=_text(claims.get("email")),
            roles=self.roles(claims),
            org_units=self.units(claims, known_units),
            clearance=self.clearance(claims),
        )

    def roles(self, claims: Mapping[str, Any]) -> list[str]:
        found: set[str] = set()
        for group in _values(claims.get(self._settings.roles_claim)):
            for name in _spellings(group):
                if name in self._settings.role_map:
                    found.add(self._settings.role_map[name])
                elif name in self._role_names:
                    found.add(name)
        return sorted(found)

    def units(self, claims: Mapping[str, Any], known_units: Collection[str]) -> list[str]:
        found: set[str] = set()
        for group in _values(claims.get(self._settings.units_claim)):
            for name in _spellings(group):
                unit = self._settings.unit_map.get(name)
                if unit is None:
                    continue
                if unit in known_units:
                    found.add(unit)
                else:
                    log.warning(
                        "group %r maps to unit %r, which the file plan does not list; ignored",
                        name,
                        unit,
                    )
        return sorted(found)

    def clearance(self, claims: Mapping[str, Any]) -> Confidentiality:
        name = self._settings.clearance_claim
        value = claims.get(name) if name else None
        if value is None:
            return self._default_clearance
        try:
            return Confidentiality.parse(str(value))
        except InvalidInputError:
            log.warning(
                "claim %r holds no clearance eakte knows (%r); using the default %s",
                name,
                str(value)[:40],
                self._default_clearance.value,
            )
            return self._default_clearance


def _values(claim: object) -> list[str]:
    """A claim as a list of strings: a JSON list, or one string (space- or comma-separated)."""
    if isinstance(claim, str):
        return [part for part in claim.replace(",", " ").split() if part]
    if isinstance(claim, list | tuple):
        return [item for item in claim if isinstance(item, str) and item]
    return []


def _spellings(group: str) -> Iterable[str]:
    yield group
    if "/" in group:
        tail = group.rstrip("/").rsplit("/", 1)[-1]
        if tail and tail != group:
            yield tail


def _text(value: object) -> str | None:
    return value.strip()[:300] or None if isinstance(value, str) else None


def _name(claims: Mapping[str, Any], claim: str) -> str:
    for candidate in (claim, "name", "preferred_username", "email"):
        text = _text(claims.get(candidate))
        if text:
            return text
    return str(claims.get("sub", "unknown"))[:300]
