"""Version history, query, content changes and ACLs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.atom.body import read_small
from api.cmis.atom.entries import (
    add_acl,
    add_allowable_actions,
    atom_id,
    feed,
    link,
    object_entry,
    paging_links,
)
from api.cmis.atom.ns import (
    ACL_TYPE,
    ATOM,
    CMIS,
    CMISRA,
    ENTRY_TYPE,
    FEED_TYPE,
    sub,
)
from api.cmis.atom.properties_xml import add_property, iso_datetime
from api.cmis.atom.reading import QueryRequest, child_text, parse_query_root
from api.cmis.atom.support import (
    AtomRoute,
    flag,
    non_negative,
    operation_context,
    page_size,
    param,
    required,
    run,
    xml_response,
)
from api.cmis.atom.urls import AtomUrls
from services.cmis.acl import apply_acl, get_acl
from services.cmis.changes import content_changes
from services.cmis.errors import InvalidArgument
from services.cmis.model import AccessControlEntry, Acl, ChangeEvent, CmisContext, QueryResult
from services.cmis.query import query
from services.cmis.versioning import get_all_versions

router = APIRouter(route_class=AtomRoute, include_in_schema=False)


@router.get("/{repository_id}/versions")
async def get_versions(request: Request, repository_id: str) -> Response:
    """All versions of the series, newest first (the PWC first when checked out)."""
    object_id = required(request, "id")
    oc = operation_context(request)
    versions = await run(
        request, repository_id, lambda ctx: get_all_versions(ctx, object_id, oc), write=False
    )
    urls = AtomUrls(request, repository_id)
    root = feed(urls, title="Versions", self_url=urls.versions(object_id), num_items=len(versions))
    link(root, "via", urls.entry(object_id), ENTRY_TYPE)
    for version in versions:
        object_entry(version, urls, parent=root)
    return xml_response(root, FEED_TYPE)


def _query_feed(
    request: Request, repository_id: str, asked: QueryRequest, result: QueryResult, size: int
) -> Any:
    urls = AtomUrls(request, repository_id)
    self_url = urls.query(
        q=asked.statement,
        searchAllVersions=asked.search_all_versions,
        includeAllowableActions=asked.include_allowable_actions,
    )
    root = feed(urls, title="Query", self_url=self_url, num_items=result.num_items)
    paging_links(
        root, self_url, skip_count=asked.skip_count, max_items=size, has_more=result.has_more_items
    )
    for number, row in enumerate(result.rows, start=asked.skip_count):
        entry = sub(root, ATOM, "entry")
        author = sub(entry, ATOM, "author")
        sub(author, ATOM, "name", "eakte")
        sub(entry, ATOM, "id", atom_id(row.object_id or f"query-row-{number}"))
        name = next((values for d, _, values in row.properties if d.id == "cmis:name"), ())
        sub(entry, ATOM, "title", str(name[0]) if name else (row.object_id or f"row {number}"))
        sub(entry, ATOM, "updated", _updated(row.properties))
        if row.object_id:
            link(entry, "self", urls.entry(row.object_id), ENTRY_TYPE)
        element = sub(entry, CMISRA, "object")
        properties = sub(element, CMIS, "properties")
        for definition, query_name, values in row.properties:
            add_property(properties, definition, values, query_name)
        if row.allowable_actions is not None:
            add_allowable_actions(element, row.allowable_actions)
    return root


def _updated(properties: list[tuple[Any, str, tuple[Any, ...]]]) -> str:
    for definition, _, values in properties:
        if definition.id == "cmis:lastModificationDate" and values:
            return iso_datetime(values[0])
    return iso_datetime(datetime.now(UTC))


async def _answer(
    request: Request, repository_id: str, asked: QueryRequest, status_code: int
) -> Response:
    def work(ctx: CmisContext) -> tuple[QueryResult, int]:
        result = query(
            ctx,
            asked.statement,
            search_all_versions=asked.search_all_versions,
            include_allowable_actions=asked.include_allowable_actions,
            skip_count=asked.skip_count,
            max_items=asked.max_items,
        )
        return result, page_size(ctx, asked.max_items)

    result, size = await run(request, repository_id, work, write=False)
    return xml_response(
        _query_feed(request, repository_id, asked, result, size), FEED_TYPE, status_code
    )


@router.get("/{repository_id}/query")
async def get_query(request: Request, repository_id: str) -> Response:
    asked = QueryRequest(
        statement=required(request, "q"),
        search_all_versions=flag(request, "searchAllVersions"),
        include_allowable_actions=flag(request, "includeAllowableActions"),
        max_items=non_negative(request, "maxItems"),
        skip_count=non_negative(request, "skipCount") or 0,
    )
    return await _answer(request, repository_id, asked, 200)


@router.post("/{repository_id}/query")
async def post_query(request: Request, repository_id: str) -> Response:
    asked = parse_query_root(await read_small(request))
    return await _answer(request, repository_id, asked, 201)


def _change_entry(parent: Any, event: ChangeEvent, urls: AtomUrls) -> None:
    entry = sub(parent, ATOM, "entry")
    author = sub(entry, ATOM, "author")
    sub(author, ATOM, "name", "eakte")
    sub(entry, ATOM, "id", atom_id(f"change:{event.token}"))
    sub(entry, ATOM, "title", event.object_id)
    sub(entry, ATOM, "updated", iso_datetime(event.change_time))
    if event.change_type != "deleted":
        link(entry, "self", urls.entry(event.object_id), ENTRY_TYPE)
    element = sub(entry, CMISRA, "object")
    properties = sub(element, CMIS, "properties")
    object_id = sub(properties, CMIS, "propertyId", propertyDefinitionId="cmis:objectId")
    sub(object_id, CMIS, "value", event.object_id)
    info = sub(element, CMIS, "changeEventInfo")
    sub(info, CMIS, "changeType", event.change_type)
    sub(info, CMIS, "changeTime", iso_datetime(event.change_time))


@router.get("/{repository_id}/changes")
async def get_changes(request: Request, repository_id: str) -> Response:
    """A page of content changes from the token on; ``next`` starts at the first not shown.

    The token names the first event of a page (CMIS: that event comes first), so the
    page is read one event longer and that event's token is the next page's.
    """
    token = param(request, "changeLogToken")
    max_items = non_negative(request, "maxItems")

    def work(ctx: CmisContext) -> tuple[list[ChangeEvent], str | None]:
        events, _, more = content_changes(ctx, token, max_items=page_size(ctx, max_items) + 1)
        if len(events) > page_size(ctx, max_items) or more:
            return events[:-1], events[-1].token
        return events, None

    events, next_token = await run(request, repository_id, work, write=False)
    urls = AtomUrls(request, repository_id)
    self_url = urls.changes(changeLogToken=token, maxItems=max_items)
    root = feed(urls, title="Changes", self_url=self_url)
    if next_token is not None:
        link(root, "next", urls.changes(changeLogToken=next_token, maxItems=max_items), FEED_TYPE)
    for event in events:
        _change_entry(root, event, urls)
    return xml_response(root, FEED_TYPE)


def _acl_document(acl: Acl) -> Any:
    return add_acl(None, acl)


@router.get("/{repository_id}/acl")
async def get_acl_document(request: Request, repository_id: str) -> Response:
    object_id = required(request, "id")
    acl = await run(request, repository_id, lambda ctx: get_acl(ctx, object_id), write=False)
    return xml_response(_acl_document(acl), ACL_TYPE)


def parse_acl(root: Any) -> Acl:
    if root.tag != f"{{{CMIS}}}acl":
        raise InvalidArgument("expected a cmis:acl document")
    aces = []
    for element in root.findall(f"{{{CMIS}}}permission"):
        principal = element.find(f"{{{CMIS}}}principal")
        principal_id = child_text(principal, CMIS, "principalId") if principal is not None else None
        if not principal_id:
            if len(element):
                raise InvalidArgument("every permission needs a principalId")
            continue  # an empty <cmis:permission/>: cmislib's way to send an empty ACL
        names = tuple(
            (p.text or "").strip() for p in element.findall(f"{{{CMIS}}}permission") if p.text
        )
        direct = (child_text(element, CMIS, "direct") or "true").lower() == "true"
        aces.append(AccessControlEntry(principal_id, names, direct))
    return Acl(tuple(aces))


def _direct(acl: Acl) -> dict[str, frozenset[str]]:
    granted: dict[str, set[str]] = {}
    for ace in acl.aces:
        if ace.direct:
            granted.setdefault(ace.principal_id, set()).update(ace.permissions)
    return {principal: frozenset(names) for principal, names in granted.items()}


def _replace_acl(ctx: CmisContext, object_id: str, wanted: Acl) -> Acl:
    """ApplyACL with the ACL the client wants (AtomPub puts the whole ACL).

    The direct entries that differ are added, the direct ones missing are removed;
    entries that follow from the unit or the roles are not the client's to change.
    """
    current = _direct(get_acl(ctx, object_id))
    desired = _direct(wanted)
    add = tuple(
        AccessControlEntry(p, tuple(sorted(names)))
        for p, names in desired.items()
        if current.get(p) != names
    )
    remove = tuple(
        AccessControlEntry(p, tuple(sorted(names)))
        for p, names in current.items()
        if p not in desired
    )
    return apply_acl(ctx, object_id, Acl(add) if add else None, Acl(remove) if remove else None)


@router.put("/{repository_id}/acl")
async def put_acl(request: Request, repository_id: str) -> Response:
    object_id = required(request, "id")
    propagation = (param(request, "ACLPropagation") or "propagate").lower()
    if propagation not in ("propagate", "repositorydetermined"):
        raise InvalidArgument("ACLPropagation must be propagate or repositorydetermined")
    wanted = parse_acl(await read_small(request))
    acl = await run(
        request, repository_id, lambda ctx: _replace_acl(ctx, object_id, wanted), write=True
    )
    return xml_response(_acl_document(acl), ACL_TYPE)
