"""Roles: what each may do (permissions) and how far it sees (its reach).

The built-in roles cover a town hall; a deployment can add roles or redefine them with
``EAKTE_ACCESS__ROLES`` (JSON: ``{"bauaufsicht_lesen": {"permissions": ["read_documents",
"search", "read_records"], "reach": "unit"}}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from services.access.principal import Principal
from services.errors import ConfigurationError, InvalidInputError, PermissionDeniedError
from services.settings import AccessSettings


class Permission(StrEnum):
    INTAKE = "intake"
    READ_ITEMS = "read_items"
    READ_DOCUMENTS = "read_documents"
    SEARCH = "search"
    MANAGE_KEYS = "manage_keys"
    """API keys and the local assignment of persons (admins)."""
    READ_RECORDS = "read_records"
    MANAGE_RECORDS = "manage_records"
    """Open, close and reopen Akten and Vorgänge; file and move documents; share Akten."""
    REVIEW = "review"
    MANAGE_FILE_PLAN = "manage_file_plan"
    MANAGE_CLASSIFIER = "manage_classifier"
    READ_AUDIT = "read_audit"
    """Read the whole audit trail and evidence records."""
    MANAGE_RETENTION = "manage_retention"
    """Extend retention, set and release legal holds, destroy documents after retention."""
    PRIVACY_REPORTS = "privacy_reports"
    """Access reports and Art. 15 disclosure lists (data-protection officers)."""
    MANAGE_TYPES = "manage_types"
    """Define document and folder types and their properties (CMIS type mutability): what
    a specialist procedure needs once to keep its own metadata, without the file plan."""
    READ_METRICS = "read_metrics"
    """Scrape ``/metrics``: counts and states of the service, no content (Prometheus)."""


class Reach(StrEnum):
    UNIT = "unit"
    """The caller's units and their sub-units, plus what is shared with them."""
    ALL = "all"
    """Every unit (records managers, auditors, data protection, admins)."""


class Role(StrEnum):
    """The built-in roles; deployments may add their own names."""

    STATION = "station"
    MAILROOM = "mailroom"
    CASEWORKER = "caseworker"
    RECORDS_MANAGER = "records_manager"
    AUDITOR = "auditor"
    DATA_PROTECTION = "data_protection"
    MONITORING = "monitoring"
    ADMIN = "admin"


@dataclass(frozen=True)
class RoleDefinition:
    permissions: frozenset[Permission]
    reach: Reach = Reach.UNIT
    unfiled_mail: bool = False
    """Sees (and may file) mail not yet filed, of every unit: the mail room."""
    reads_content: bool = True
    """False for data-protection officers: reports about content, never the content."""


_READ = frozenset(
    {Permission.READ_ITEMS, Permission.READ_DOCUMENTS, Permission.SEARCH, Permission.READ_RECORDS}
)
_CASEWORK = _READ | {Permission.MANAGE_RECORDS, Permission.REVIEW}

BUILTIN_ROLES: Mapping[str, RoleDefinition] = {
    Role.STATION: RoleDefinition(
        frozenset({Permission.INTAKE, Permission.READ_ITEMS}), unfiled_mail=True
    ),
    Role.MAILROOM: RoleDefinition(
        _READ | {Permission.INTAKE, Permission.REVIEW}, unfiled_mail=True
    ),
    Role.CASEWORKER: RoleDefinition(_CASEWORK),
    Role.RECORDS_MANAGER: RoleDefinition(
        _CASEWORK
        | {
            Permission.INTAKE,
            Permission.MANAGE_FILE_PLAN,
            Permission.MANAGE_TYPES,
            Permission.MANAGE_CLASSIFIER,
            Permission.READ_AUDIT,
            Permission.MANAGE_RETENTION,
        },
        reach=Reach.ALL,
        unfiled_mail=True,
    ),
    Role.AUDITOR: RoleDefinition(_READ | {Permission.READ_AUDIT}, reach=Reach.ALL),
    Role.DATA_PROTECTION: RoleDefinition(
        frozenset({Permission.READ_AUDIT, Permission.PRIVACY_REPORTS}),
        reach=Reach.ALL,
        reads_content=False,
    ),
    Role.MONITORING: RoleDefinition(
        frozenset({Permission.READ_METRICS}), reach=Reach.ALL, reads_content=False
    ),
    Role.ADMIN: RoleDefinition(frozenset(Permission), reach=Reach.ALL, unfiled_mail=True),
}


class RoleCatalog:
    """The roles of this deployment: the built-in ones, overridden or extended by settings."""

    def __init__(self, extra: Mapping[str, RoleDefinition] | None = None) -> None:
        self._roles = {**BUILTIN_ROLES, **(extra or {})}

    @property
    def names(self) -> list[str]:
        return sorted(self._roles)

    def check(self, role: str) -> str:
        if role not in self._roles:
            raise InvalidInputError(f"unknown role {role!r}; use one of: {', '.join(self.names)}")
        return role

    def definitions(self, roles: Iterable[str]) -> list[RoleDefinition]:
        """The definitions of the caller's roles; unknown names (a role removed) give none."""
        return [self._roles[r] for r in roles if r in self._roles]

    def permissions(self, principal: Principal) -> frozenset[Permission]:
        granted: set[Permission] = set()
        for definition in self.definitions(principal.roles):
            granted |= definition.permissions
        return frozenset(granted)

    def require(self, principal: Principal, permission: Permission) -> None:
        if permission not in self.permissions(principal):
            roles = ", ".join(sorted(principal.roles)) or "none"
            raise PermissionDeniedError(
                f"your roles ({roles}) may not {permission.value.replace('_', ' ')}"
            )

    def has(self, principal: Principal, permission: Permission) -> bool:
        return permission in self.permissions(principal)


def role_catalog(settings: AccessSettings) -> RoleCatalog:
    """The deployment's catalog: built-in roles plus ``EAKTE_ACCESS__ROLES``."""
    extra: dict[str, RoleDefinition] = {}
    for name, role in settings.roles.items():
        try:
            permissions = frozenset(Permission(p) for p in role.permissions)
        except ValueError as exc:
            allowed = ", ".join(p.value for p in Permission)
            raise ConfigurationError(
                f"EAKTE_ACCESS__ROLES: role {name!r}: {exc}; permissions are: {allowed}"
            ) from None
        extra[name] = RoleDefinition(
            permissions=permissions,
            reach=Reach(role.reach),
            unfiled_mail=role.unfiled_mail,
            reads_content=role.reads_content,
        )
    return RoleCatalog(extra)
