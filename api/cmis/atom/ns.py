"""Namespaces, media types and link relations of the AtomPub binding (CMIS 1.1 part 3)."""

from __future__ import annotations

from typing import Any

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
APP = "http://www.w3.org/2007/app"
CMIS = "http://docs.oasis-open.org/ns/cmis/core/200908/"
CMISRA = "http://docs.oasis-open.org/ns/cmis/restatom/200908/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"atom": ATOM, "app": APP, "cmis": CMIS, "cmisra": CMISRA}

ENTRY_TYPE = "application/atom+xml;type=entry"
FEED_TYPE = "application/atom+xml;type=feed"
CMISATOM_TYPE = "application/cmisatom+xml"
"""An Atom entry with CMIS extensions (bulk update)."""
TREE_TYPE = "application/cmistree+xml"
SERVICE_TYPE = "application/atomsvc+xml"
QUERY_TYPE = "application/cmisquery+xml"
ACL_TYPE = "application/cmisacl+xml"
ALLOWABLE_ACTIONS_TYPE = "application/cmisallowableactions+xml"

_LINK = "http://docs.oasis-open.org/ns/cmis/link/200908/"
REL_ALLOWABLE_ACTIONS = _LINK + "allowableactions"
REL_ACL = _LINK + "acl"
REL_FOLDER_TREE = _LINK + "foldertree"
REL_CHANGES = _LINK + "changes"
REL_TYPE_DESCENDANTS = _LINK + "typedescendants"
REL_ROOT_DESCENDANTS = _LINK + "rootdescendants"


def q(ns: str, name: str) -> str:
    """The Clark name ``{ns}name`` lxml uses."""
    return f"{{{ns}}}{name}"


def sub(parent: Any, ns: str, name: str, text: str | None = None, **attrib: str) -> Any:
    """A child element, with text when given."""
    element = etree.SubElement(parent, q(ns, name), attrib)
    if text is not None:
        element.text = text
    return element


def element(ns: str, name: str) -> Any:
    return etree.Element(q(ns, name), nsmap=NSMAP)


def serialize(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def boolean(value: bool) -> str:
    return "true" if value else "false"
