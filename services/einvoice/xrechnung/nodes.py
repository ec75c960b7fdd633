"""XPath 2.0 semantics the XRechnung Schematron relies on, re-expressed over lxml elements.

The official rules are XPath 2.0 assertions.  Rewriting them in Python only gives the
official verdict if the small print is kept: a node's *string value* (its text without
comments and processing instructions), ``normalize-space`` (XML white space only, not
Unicode spaces), casting to ``xs:decimal`` (white space allowed around the number, no
exponent), XPath ``round`` (halves towards positive infinity) and general comparisons
(true when *any* item matches).  These helpers keep that small print in one place so
the rule modules read like the assertions they implement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from functools import lru_cache
from typing import TypeAlias

from lxml import etree

NS = {
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
#: Prefixes used in finding locations, the same ones the SVRL reader shortens to.
_PREFIX_OF = {
    **{uri: prefix for prefix, uri in NS.items()},
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
}

Element: TypeAlias = etree._Element

_XML_SPACE = re.compile(r"[ \t\n\r]+")
# xs:decimal lexical space; XPath casting also strips surrounding XML white space.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


@lru_cache(maxsize=512)
def tag(qname: str) -> str:
    """``"cac:Party"`` -> ``"{urn:...}Party"`` (Clark notation, as lxml names elements)."""
    prefix, _, local = qname.partition(":")
    return f"{{{NS[prefix]}}}{local}"


def is_element(node: object) -> bool:
    """True for elements; lxml also lists comments and processing instructions as children."""
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def children(el: Element | None, qname: str) -> list[Element]:
    """The child elements called ``qname`` (an XPath child step)."""
    if el is None:
        return []
    return list(el.iterchildren(tag(qname)))


def path(el: Element | None, steps: str) -> list[Element]:
    """All elements reached by the child steps ``"cac:A/cbc:B"``, in document order."""
    nodes: list[Element] = [el] if el is not None else []
    for step in steps.split("/"):
        nodes = [child for node in nodes for child in node.iterchildren(tag(step))]
    return nodes


def first(el: Element | None, steps: str) -> Element | None:
    found = path(el, steps)
    return found[0] if found else None


def exists(el: Element | None, steps: str) -> bool:
    return bool(path(el, steps))


def descendants(el: Element, qname: str) -> Iterator[Element]:
    """``.//qname``: every descendant element called ``qname``."""
    yield from el.iter(tag(qname))


def collect(root: Element, *qnames: str) -> dict[str, list[Element]]:
    """All elements called one of ``qnames`` anywhere below ``root``, in one pass.

    Many rule contexts are relative (``cac:PaymentMeans``) and match at any depth; one
    walk for all of them keeps a 2,000-line invoice fast.
    """
    wanted = {tag(q): q for q in qnames}
    found: dict[str, list[Element]] = {q: [] for q in qnames}
    for el in root.iter(*wanted):
        found[wanted[el.tag]].append(el)
    return found


def string(el: Element | None) -> str:
    """The XPath string value: all text below the element, comments and PIs excluded."""
    if el is None:
        return ""
    return "".join(el.itertext())


def normalize_space(value: str) -> str:
    """XPath ``normalize-space``: trims and collapses XML white space (not NBSP etc.)."""
    return _XML_SPACE.sub(" ", value).strip(" ")


def norm(el: Element | None) -> str:
    """``normalize-space(el)``; the empty string for a missing element."""
    return normalize_space(string(el))


def has_text(el: Element | None) -> bool:
    """``el[boolean(normalize-space(.))]``: present and not only white space."""
    return bool(norm(el))


def any_text(nodes: Iterable[Element]) -> bool:
    """``nodes[boolean(normalize-space(.))]`` is not empty."""
    return any(has_text(node) for node in nodes)


def values(nodes: Iterable[Element]) -> list[str]:
    """The string values of ``nodes`` (what a general comparison compares)."""
    return [string(node) for node in nodes]


def decimal(value: str | Element | None) -> Decimal | None:
    """Cast to ``xs:decimal`` as XPath does; None where the cast would fail or is empty."""
    text = string(value) if isinstance(value, etree._Element) or value is None else value
    text = text.strip(" \t\n\r")
    if not _DECIMAL.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def decimal_or(value: Element | None, default: Decimal) -> Decimal | None:
    """``if (el) then xs:decimal(el) else default``: None only if present but not a number."""
    return default if value is None else decimal(value)


def xpath_round(value: Decimal) -> Decimal:
    """XPath ``round()``: nearest integer, halves towards positive infinity."""
    return (value + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)


def round2(value: Decimal) -> Decimal:
    """``round(value * 10 * 10) div 100``, the rounding the rules use for amounts."""
    return xpath_round(value * 100) / 100


def slack(expected: Decimal, value: Decimal, tolerance: Decimal) -> bool:
    """Peppol's ``u:slack``: ``value`` lies within ``expected`` +/- ``tolerance``."""
    return expected - tolerance <= value <= expected + tolerance


def qualified_name(el: Element) -> str:
    """XPath ``name()``: the element name with the prefix the document uses."""
    local = etree.QName(el).localname
    return f"{el.prefix}:{local}" if el.prefix else local


def location(el: Element) -> str:
    """An XPath to ``el`` like ``/ubl:Invoice[1]/cac:PaymentMeans[2]``.

    Positions count preceding siblings of the same name, as Schematron locations do;
    well-known namespaces get their usual prefixes so the path can be read.
    """
    steps: list[str] = []
    node: Element | None = el
    while node is not None:
        qname = etree.QName(node)
        prefix = _PREFIX_OF.get(qname.namespace or "")
        name = f"{prefix}:{qname.localname}" if prefix else f"*:{qname.localname}"
        position = 1 + sum(1 for _ in node.itersiblings(node.tag, preceding=True))
        steps.append(f"{name}[{position}]")
        node = node.getparent()
    return "/" + "/".join(reversed(steps))
