"""What each role may do. Finer, org-unit based access control comes with single sign-on."""

from __future__ import annotations

from enum import StrEnum

from services.auth.keys import Principal
from services.db.models import Role
from services.errors import PermissionDeniedError


class Permission(StrEnum):
    INTAKE = "intake"
    READ_ITEMS = "read_items"
    READ_DOCUMENTS = "read_documents"
    SEARCH = "search"
    MANAGE_KEYS = "manage_keys"
    READ_RECORDS = "read_records"
    MANAGE_RECORDS = "manage_records"
    """Open, close and reopen Akten and Vorgänge; file and move documents."""
    REVIEW = "review"
    MANAGE_FILE_PLAN = "manage_file_plan"
    MANAGE_CLASSIFIER = "manage_classifier"
    READ_AUDIT = "read_audit"
    """Read the audit trail and evidence records (records managers, auditors via admin)."""
    MANAGE_RETENTION = "manage_retention"
    """Extend retention, set and release legal holds, destroy documents after retention."""


_CASEWORK = frozenset(
    {
        Permission.READ_ITEMS,
        Permission.READ_DOCUMENTS,
        Permission.SEARCH,
        Permission.READ_RECORDS,
        Permission.MANAGE_RECORDS,
        Permission.REVIEW,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.STATION: frozenset({Permission.INTAKE, Permission.READ_ITEMS}),
    Role.CASEWORKER: _CASEWORK,
    Role.RECORDS_MANAGER: _CASEWORK
    | {
        Permission.INTAKE,
        Permission.MANAGE_FILE_PLAN,
        Permission.MANAGE_CLASSIFIER,
        Permission.READ_AUDIT,
        Permission.MANAGE_RETENTION,
    },
    Role.ADMIN: frozenset(Permission),
}

UNIT_BOUND_ROLES = frozenset({Role.CASEWORKER})
"""Roles that may only change the records of their own organisational unit."""


def require_unit(principal: Principal, org_unit: str) -> None:
    """Refuse a case worker acting on another unit's records."""
    if principal.role in UNIT_BOUND_ROLES and principal.org_unit != org_unit:
        raise PermissionDeniedError(
            f"your key belongs to unit {principal.org_unit!r}; this belongs to unit {org_unit!r}"
        )


def require(principal: Principal, permission: Permission) -> None:
    if permission not in ROLE_PERMISSIONS[principal.role]:
        raise PermissionDeniedError(
            f"role {principal.role.value!r} may not {permission.value.replace('_', ' ')}"
        )
