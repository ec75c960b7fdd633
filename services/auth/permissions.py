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


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.STATION: frozenset({Permission.INTAKE, Permission.READ_ITEMS}),
    Role.CASEWORKER: frozenset(
        {Permission.READ_ITEMS, Permission.READ_DOCUMENTS, Permission.SEARCH}
    ),
    Role.RECORDS_MANAGER: frozenset(
        {Permission.INTAKE, Permission.READ_ITEMS, Permission.READ_DOCUMENTS, Permission.SEARCH}
    ),
    Role.ADMIN: frozenset(Permission),
}


def require(principal: Principal, permission: Permission) -> None:
    if permission not in ROLE_PERMISSIONS[principal.role]:
        raise PermissionDeniedError(
            f"role {principal.role.value!r} may not {permission.value.replace('_', ' ')}"
        )
