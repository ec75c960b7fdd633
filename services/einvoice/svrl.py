"""Read an SVRL report (the output of a compiled Schematron) into plain rule hits.

The official rule sets (CEN EN 16931, Factur-X) are shipped as Schematron compiled to
XSLT; running them yields SVRL.  Only ``failed-assert`` and ``successful-report``
matter for a verdict: each carries the rule id, its flag (fatal/warning/information),
the location of the offending node and the rule text.  The locations the ISO skeleton
writes (``/*:Invoice[namespace-uri()='urn:...'][1]/...``) are unreadable for people, so
they are shortened to the usual prefixes (``/ubl:Invoice[1]/cac:...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"

#: Prefixes readers of UBL and CII invoices know; unknown namespaces keep ``*:`` form.
_PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "ubl",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "cn",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}

_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\]")
_ID_PREFIX = re.compile(r"^\s*\[[^\]]+\]\s*-?\s*")
_SPACES = re.compile(r"\s+")
# SVRL is our own XSLT output; still never resolve anything while reading it.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True
)


@dataclass(frozen=True)
class SvrlHit:
    """One failed assertion or successful report of a Schematron run.

    ``rule`` is empty when the assertion has no id (the Factur-X files have some).
    """

    rule: str
    flag: str | None
    location: str | None
    text: str


def shorten_location(location: str | None) -> str | None:
    """Rewrite ``*:Name[namespace-uri()='...']`` steps to ``prefix:Name``."""
    if not location:
        return location

    def step(match: re.Match[str]) -> str:
        prefix = _PREFIXES.get(match.group(2))
        return f"{prefix}:{match.group(1)}" if prefix else match.group(0)

    return _STEP.sub(step, location)


def clean_text(text: str) -> str:
    """Drop the ``[BR-06]-`` prefix the rule texts repeat and collapse white space."""
    return _ID_PREFIX.sub("", _SPACES.sub(" ", text).strip())


def parse_svrl(svrl: bytes | str) -> list[SvrlHit]:
    """Return every failed assertion and successful report, in document order."""
    data = svrl.encode("utf-8") if isinstance(svrl, str) else svrl
    root = etree.fromstring(data, _PARSER)
    hits: list[SvrlHit] = []
    for node in root.iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"):
        text_node = node.find(f"{{{SVRL_NS}}}text")
        text = "".join(text_node.itertext()) if text_node is not None else ""
        hits.append(
            SvrlHit(
                rule=(node.get("id") or "").strip(),
                flag=node.get("flag"),
                location=shorten_location(node.get("location")),
                text=clean_text(text),
            )
        )
    return hits
