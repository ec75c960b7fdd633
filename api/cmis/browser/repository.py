"""The repository info as the Browser binding's JSON (CMIS 1.1, 5.3.1)."""

from __future__ import annotations

from typing import Any

from api.cmis.browser.call import BrowserCall
from services.cmis.repository_info import RepositoryInfo


def repository_info_json(info: RepositoryInfo, call: BrowserCall) -> dict[str, Any]:
    acl = info.acl_capabilities
    return {
        "repositoryId": info.id,
        "repositoryName": info.name,
        "repositoryDescription": info.description,
        "vendorName": info.vendor_name,
        "productName": info.product_name,
        "productVersion": info.product_version,
        "rootFolderId": info.root_folder_id,
        "repositoryUrl": call.repository_url,
        "rootFolderUrl": call.root_folder_url,
        "capabilities": {
            "capability" + name[0].upper() + name[1:]: value
            for name, value in info.capabilities.items()
        },
        "aclCapabilities": {
            "supportedPermissions": acl.supported_permissions,
            "propagation": acl.propagation,
            "permissions": [
                {"permission": p.permission, "description": p.description} for p in acl.permissions
            ],
            "permissionMapping": [
                {"key": key, "permission": list(permissions)}
                for key, permissions in acl.mapping.items()
            ],
        },
        "latestChangeLogToken": info.latest_change_log_token,
        "cmisVersionSupported": info.cmis_version_supported,
        "thinClientURI": info.thin_client_uri,
        "changesIncomplete": info.changes_incomplete,
        "changesOnType": list(info.changes_on_type),
        "principalIdAnonymous": info.principal_id_anonymous,
        "principalIdAnyone": info.principal_id_anyone,
        "extendedFeatures": list(info.extended_features),
    }
