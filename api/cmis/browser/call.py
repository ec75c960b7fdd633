"""One Browser binding call: which URL it came to, its parameters, its content."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.cmis.browser.params import Params, operation_context
from services.cmis.ids import ROOT_ID
from services.cmis.model import CmisContext, IncomingContent, OperationContext
from services.cmis.navigation import get_object_by_path

_ID_ONLY = OperationContext(filter=frozenset({"cmis:objectId"}))


@dataclass
class BrowserCall:
    request: Request
    params: Params
    repository_id: str
    path: str | None
    """The object path below ``…/root`` (``/`` for the root); None on the repository URL."""
    content: IncomingContent | None
    base_url: str
    """``http://host/cmis/browser``."""

    @property
    def repository_url(self) -> str:
        return f"{self.base_url}/{quote(self.repository_id, safe='')}"

    @property
    def root_folder_url(self) -> str:
        return f"{self.repository_url}/root"

    def object_url(self, object_id: str) -> str:
        return f"{self.root_folder_url}?objectId={quote(object_id, safe='')}"

    @property
    def succinct(self) -> bool:
        return self.params.flag("succinct")

    def oc(self, ctx: CmisContext) -> OperationContext:
        return operation_context(self.params, ctx.settings.cmis)

    def target_id(self, ctx: CmisContext, *, required: bool = True) -> str | None:
        """The object the call is about: ``objectId``, else the object at the URL's path."""
        object_id = self.params.text("objectId")
        if object_id is not None:
            return object_id
        if self.path is None:
            if required:
                return self.params.require("objectId")
            return None
        if self.path.strip("/") == "":
            return ROOT_ID
        return get_object_by_path(ctx, self.path, _ID_ONLY).object_id

    def object_id(self, ctx: CmisContext) -> str:
        found = self.target_id(ctx)
        assert found is not None  # required=True raises instead
        return found


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


def empty_response() -> Response:
    return Response(status_code=200)
