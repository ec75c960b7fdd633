"""The URLs of the AtomPub binding's resources, absolute as Atom wants them.

Layout (as Apache Chemistry OpenCMIS lays it out, which many clients know):
``/cmis/atom`` is the service document; below ``/cmis/atom/<repositoryId>/`` an object
is ``entry?id=…`` (self, edit), its content ``content?id=…`` (edit-media), its feeds
``children``, ``descendants``, ``foldertree``, ``parents``, ``versions``; the collections
are ``checkedout``, ``query``, ``types``; types are ``type?id=…``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.requests import Request

PREFIX = "/cmis/atom"


class AtomUrls:
    def __init__(self, request: Request, repository_id: str) -> None:
        self.service = str(request.base_url).rstrip("/") + PREFIX
        self.repository = f"{self.service}/{quote(repository_id, safe='')}"

    def _url(self, resource: str, **params: str | int | bool | None) -> str:
        given = {
            key: (str(value).lower() if isinstance(value, bool) else str(value))
            for key, value in params.items()
            if value is not None
        }
        query = urlencode(given, safe=":") if given else ""
        return f"{self.repository}/{resource}" + (f"?{query}" if query else "")

    def entry(self, object_id: str, **params: str | int | bool | None) -> str:
        return self._url("entry", id=object_id, **params)

    def children(self, folder_id: str, **params: str | int | bool | None) -> str:
        return self._url("children", id=folder_id, **params)

    def descendants(self, folder_id: str, **params: str | int | bool | None) -> str:
        return self._url("descendants", id=folder_id, **params)

    def folder_tree(self, folder_id: str, **params: str | int | bool | None) -> str:
        return self._url("foldertree", id=folder_id, **params)

    def parent(self, folder_id: str) -> str:
        """The parent folder's entry (folders have one parent)."""
        return self._url("parent", id=folder_id)

    def parents(self, object_id: str) -> str:
        """A feed of the parents (documents)."""
        return self._url("parents", id=object_id)

    def content(self, object_id: str, stream_id: str | None = None) -> str:
        return self._url("content", id=object_id, streamId=stream_id)

    def allowable_actions(self, object_id: str) -> str:
        return self._url("allowableactions", id=object_id)

    def acl(self, object_id: str) -> str:
        return self._url("acl", id=object_id)

    def versions(self, object_id: str) -> str:
        return self._url("versions", id=object_id)

    def checked_out(self, **params: str | int | bool | None) -> str:
        return self._url("checkedout", **params)

    def query(self, **params: str | int | bool | None) -> str:
        return self._url("query", **params)

    def bulk_update(self) -> str:
        return self._url("update")

    def types(self, type_id: str | None = None, **params: str | int | bool | None) -> str:
        return self._url("types", typeId=type_id, **params)

    def type_entry(self, type_id: str) -> str:
        return self._url("type", id=type_id)

    def type_descendants(
        self, type_id: str | None = None, **params: str | int | bool | None
    ) -> str:
        return self._url("typedesc", typeId=type_id, **params)

    def changes(self, **params: str | int | bool | None) -> str:
        return self._url("changes", **params)

    def template(self, resource: str, placeholders: tuple[str, ...]) -> str:
        """A URI template: ``name={name}`` for each placeholder, braces unescaped."""
        query = "&".join(f"{name}={{{name}}}" for name in placeholders)
        return f"{self.repository}/{resource}?{query}"
