"""The repository's description (getRepositoryInfo) with the capabilities eakte has.

The capabilities are honest: eakte files every object exactly once (no multi-filing,
no unfiling), keeps every version (setting content makes a new one), reports changes
as object ids from the audit trail, and answers queries with both property conditions
and full-text search, but no joins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from services.cmis.acl import ALL, ANONYMOUS, ANYONE, READ, WRITE
from services.cmis.changes import latest_change_token
from services.cmis.ids import ROOT_ID
from services.cmis.model import CmisContext, PropertyType
from services.cmis.resolve import require_read

CMIS_VERSION = "1.1"
PRODUCT_NAME = "eakte"
VENDOR_NAME = "eakte"


@dataclass(frozen=True)
class PermissionDefinition:
    permission: str
    description: str


@dataclass(frozen=True)
class AclCapabilities:
    supported_permissions: str = "basic"
    """``basic``, ``repository`` or ``both``."""
    propagation: str = "propagate"
    permissions: tuple[PermissionDefinition, ...] = ()
    mapping: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Allowable-action key (``canGetProperties.Object``) -> permissions that grant it."""


@dataclass(frozen=True)
class RepositoryInfo:
    id: str
    name: str
    description: str
    vendor_name: str
    product_name: str
    product_version: str
    root_folder_id: str
    cmis_version_supported: str
    capabilities: Mapping[str, Any]
    """By the CMIS names without the ``capability`` prefix as the Browser binding sends
    them (``getDescendants``, ``contentStreamUpdatability`` …); ``newTypeSettableAttributes``
    and ``creatablePropertyTypes`` are nested as in the Browser binding's JSON."""
    acl_capabilities: AclCapabilities
    latest_change_log_token: str | None
    changes_incomplete: bool = True
    """The change log starts with CMIS (older records have no create events)."""
    changes_on_type: tuple[str, ...] = ("cmis:document", "cmis:folder")
    principal_id_anonymous: str = ANONYMOUS
    principal_id_anyone: str = ANYONE
    thin_client_uri: str | None = None
    extended_features: tuple[str, ...] = ()


CAPABILITIES: Mapping[str, Any] = {
    "contentStreamUpdatability": "anytime",
    "changes": "objectidsonly",
    "renditions": "read",
    "getDescendants": True,
    "getFolderTree": True,
    "orderBy": "common",
    "multifiling": False,
    "unfiling": False,
    "versionSpecificFiling": False,
    "PWCUpdatable": True,
    "PWCSearchable": False,
    "allVersionsSearchable": False,
    "query": "bothcombined",
    "join": "none",
    "ACL": "manage",
    "creatablePropertyTypes": {
        "canCreate": [t.value for t in PropertyType],
    },
    "newTypeSettableAttributes": {
        "id": True,
        "localName": True,
        "localNamespace": True,
        "displayName": True,
        "queryName": True,
        "description": True,
        "creatable": True,
        "fileable": False,
        "queryable": True,
        "fulltextIndexed": False,
        "includedInSupertypeQuery": True,
        "controllablePolicy": False,
        "controllableACL": False,
    },
}

_PERMISSIONS = (
    PermissionDefinition(READ, "Read properties and content"),
    PermissionDefinition(WRITE, "Change properties and content, file documents"),
    PermissionDefinition(ALL, "Everything, including sharing the Akte"),
)

_READ_KEYS = (
    "canGetDescendents.Folder",
    "canGetChildren.Folder",
    "canGetParents.Folder",
    "canGetFolderParent.Object",
    "canGetProperties.Object",
    "canViewContent.Object",
    "canGetAllVersions.VersionSeries",
    "canGetACL.Object",
)
_WRITE_KEYS = (
    "canCreateDocument.Folder",
    "canCreateFolder.Folder",
    "canUpdateProperties.Object",
    "canMove.Object",
    "canMove.Target",
    "canMove.Source",
    "canDelete.Object",
    "canDeleteTree.Folder",
    "canSetContent.Document",
    "canDeleteContent.Document",
    "canCheckout.Document",
    "canCancelCheckout.Document",
    "canCheckin.Document",
)
_MAPPING: Mapping[str, tuple[str, ...]] = {
    **{key: (READ,) for key in _READ_KEYS},
    **{key: (WRITE,) for key in _WRITE_KEYS},
    "canApplyACL.Object": (ALL,),
}


def repository_info(ctx: CmisContext) -> RepositoryInfo:
    require_read(ctx)
    return RepositoryInfo(
        id=ctx.repository_id,
        name="eakte",
        description="Records (Akten, Vorgänge, documents) of eakte under its file plan",
        vendor_name=VENDOR_NAME,
        product_name=PRODUCT_NAME,
        product_version=_version(),
        root_folder_id=ROOT_ID,
        cmis_version_supported=CMIS_VERSION,
        capabilities=CAPABILITIES,
        acl_capabilities=AclCapabilities(
            supported_permissions="basic",
            propagation="propagate",
            permissions=_PERMISSIONS,
            mapping=_MAPPING,
        ),
        latest_change_log_token=latest_change_token(ctx),
    )


def _version() -> str:
    try:
        return version("eakte")
    except PackageNotFoundError:
        return "0"
