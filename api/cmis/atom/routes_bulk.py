"""bulkUpdateProperties: an entry with ``cmisra:bulkUpdate`` posted to the update collection.

The answer is a feed with an entry per object updated, carrying its (new) id and change
token; objects that could not be updated are left out, as the spec has it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from api.cmis.atom.body import read_entry
from api.cmis.atom.entries import atom_id, feed
from api.cmis.atom.ns import ATOM, CMIS, CMISRA, FEED_TYPE, q, sub
from api.cmis.atom.properties_xml import TYPE_OF_ELEMENT
from api.cmis.atom.reading import child_text
from api.cmis.atom.support import AtomRoute, run, xml_response
from api.cmis.atom.urls import AtomUrls
from services.cmis.errors import InvalidArgument
from services.cmis.update import bulk_update_properties

router = APIRouter(route_class=AtomRoute, include_in_schema=False)


def _properties(bulk: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    properties = bulk.find(q(CMIS, "properties"))
    for element in properties if properties is not None else ():
        local = str(element.tag).removeprefix(f"{{{CMIS}}}")
        property_id = element.get("propertyDefinitionId")
        if local in TYPE_OF_ELEMENT and property_id:
            found[property_id] = [v.text or "" for v in element.findall(q(CMIS, "value"))]
    return found


def _texts(bulk: Any, name: str) -> list[str]:
    return [(e.text or "").strip() for e in bulk.findall(q(CMIS, name)) if (e.text or "").strip()]


@router.post("/{repository_id}/update")
async def post_bulk_update(request: Request, repository_id: str) -> Response:
    entry = await read_entry(request)
    entry.close()
    bulk = entry.captured.get("bulkUpdate")
    if bulk is None:
        raise InvalidArgument("the entry has no cmisra:bulkUpdate")
    objects = [
        (object_id, child_text(pair, CMIS, "changeToken") or None)
        for pair in bulk.findall(q(CMIS, "objectIdAndChangeToken"))
        if (object_id := child_text(pair, CMIS, "id"))
    ]
    properties = _properties(bulk)
    add, remove = _texts(bulk, "addSecondaryTypeIds"), _texts(bulk, "removeSecondaryTypeIds")
    done = await run(
        request,
        repository_id,
        lambda ctx: bulk_update_properties(ctx, objects, properties, add, remove),
        write=True,
    )
    urls = AtomUrls(request, repository_id)
    root = feed(urls, title="Bulk update", self_url=urls.bulk_update(), num_items=len(done))
    for _old_id, new_id, token in done:
        updated = sub(root, ATOM, "entry")
        sub(sub(updated, ATOM, "author"), ATOM, "name", "eakte")
        sub(updated, ATOM, "id", atom_id(new_id))
        sub(updated, ATOM, "title", new_id)
        element = sub(sub(updated, CMISRA, "object"), CMIS, "properties")
        object_id = sub(element, CMIS, "propertyId", propertyDefinitionId="cmis:objectId")
        sub(object_id, CMIS, "value", new_id)
        change_token = sub(element, CMIS, "propertyString", propertyDefinitionId="cmis:changeToken")
        if token is not None:
            sub(change_token, CMIS, "value", token)
    return xml_response(root, FEED_TYPE)
