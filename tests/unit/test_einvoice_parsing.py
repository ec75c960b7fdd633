"""Safe parsing of untrusted invoice XML and recognition of syntax and specification.

Expectations come from the SOURCES.md tables beside the test data (file, syntax,
expected verdict, BT-24), not from lists written here.
"""

from __future__ import annotations

import http.server
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from services.einvoice import model
from services.einvoice.model import InvoiceXmlError, Syntax
from services.einvoice.recognize import normalize_profile, recognize, specification_of
from services.einvoice.safe_xml import hardened_parser, parse_invoice_xml

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
XRECHNUNG = TESTDATA / "xrechnung-testsuite"
EN16931 = TESTDATA / "en16931-examples"

SYNTAX_NAMES = {
    "UBL Invoice": Syntax.UBL_INVOICE,
    "UBL CreditNote": Syntax.UBL_CREDIT_NOTE,
    "**UBL CreditNote** (326)": Syntax.UBL_CREDIT_NOTE,
    "CII": Syntax.CII,
    "CII (382)": Syntax.CII,
}


def markdown_tables(path: Path) -> list[list[dict[str, str]]]:
    """Every table of a SOURCES.md as a list of rows keyed by the header cells."""
    tables: list[list[dict[str, str]]] = []
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            tables.append([])
        elif set("".join(cells)) <= set("-: "):
            continue
        else:
            tables[-1].append(dict(zip(header, cells, strict=False)))
    return tables


def table_with(path: Path, column: str) -> list[dict[str, str]]:
    return next(table for table in markdown_tables(path) if table and column in table[0])


def xrechnung_suite_rows() -> list[dict[str, str]]:
    rows = table_with(XRECHNUNG / "SOURCES.md", "type code")
    assert len(rows) == 86, "the XRechnung test-suite table lists 86 instances"
    return rows


def kosit_rows() -> list[dict[str, str]]:
    return table_with(XRECHNUNG / "SOURCES.md", "defect, per comment in the file")


def en16931_rows() -> list[dict[str, str]]:
    return table_with(EN16931 / "SOURCES.md", "currency")


# --- safe parsing: real data ------------------------------------------------------------


def _kosit_unparseable() -> set[str]:
    return {
        row["file"]
        for row in kosit_rows()
        if "not well-formed" in row["expected (from assertions.xml)"] or "not XML" in row["syntax"]
    }


def test_every_test_suite_instance_parses_except_the_broken_ones() -> None:
    broken = _kosit_unparseable()
    assert broken == {"ubl007.xml", "bin001.xml"}  # what the table says, read from it
    files = sorted(XRECHNUNG.rglob("*.xml")) + sorted(EN16931.rglob("*.xml"))
    assert len(files) > 250
    for path in files:
        if path.name in broken:
            with pytest.raises(InvoiceXmlError, match="not well-formed"):
                parse_invoice_xml(path.read_bytes())
        else:
            assert parse_invoice_xml(path.read_bytes()).getroot() is not None, path


def test_processing_instructions_and_comments_survive() -> None:
    # XML-Mutate templates carry <?xmute?> PIs that the XRechnung rule tests rely on.
    template = next((XRECHNUNG / "xrechnung-schematron-unit" / "templates").glob("*.xml"))
    tree = parse_invoice_xml(template.read_bytes())
    assert tree.xpath("//processing-instruction('xmute')")


# --- safe parsing: hostile input ----------------------------------------------------------


class Canaries:
    """A loopback HTTP server that counts requests and a local file with a secret."""

    def __init__(self, directory: Path) -> None:
        self.secret = f"CANARY-{uuid.uuid4()}"
        self.file = directory / "secret.txt"
        self.file.write_text(self.secret, encoding="utf-8")
        (directory / "external.dtd").write_text(f'<!ENTITY leak "{self.secret}">', encoding="utf-8")
        self.dtd_file = directory / "external.dtd"
        self.hits: list[str] = []
        hits, secret = self.hits, self.secret

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                hits.append(self.path)
                body = f'<!ENTITY leak "{secret}">'.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def canaries(tmp_path: Path) -> Iterator[Canaries]:
    canary = Canaries(tmp_path)
    try:
        yield canary
    finally:
        canary.close()


def test_the_canaries_work(canaries: Canaries) -> None:
    # Control: the HTTP canary counts a request and an unhardened parser reads the file,
    # so the zero counts and missing secrets below mean something.
    with urllib.request.urlopen(canaries.url + "/control", timeout=5) as response:
        assert canaries.secret in response.read().decode()
    assert canaries.hits == ["/control"]
    unsafe = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)
    xxe = f'<!DOCTYPE x [<!ENTITY e SYSTEM "{canaries.file.as_uri()}">]><x>&e;</x>'
    assert canaries.secret in etree.tostring(etree.fromstring(xxe.encode(), unsafe)).decode()


def hostile_documents(canaries: Canaries) -> dict[str, bytes]:
    url, file_uri, dtd_uri = canaries.url, canaries.file.as_uri(), canaries.dtd_file.as_uri()
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return {
        "billion laughs": (
            f'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l0 "lol">{laughs}]><l>&l9;</l>'
        ).encode(),
        "quadratic blow-up": (
            f'<!DOCTYPE q [<!ENTITY a "{"x" * 50_000}">]><q>{"&a;" * 1000}</q>'
        ).encode(),
        "XXE file": f'<!DOCTYPE x [<!ENTITY e SYSTEM "{file_uri}">]><x>&e;</x>'.encode(),
        "XXE http": f'<!DOCTYPE x [<!ENTITY e SYSTEM "{url}/xxe">]><x>&e;</x>'.encode(),
        "external DTD http": f'<!DOCTYPE x SYSTEM "{url}/dtd"><x>&leak;</x>'.encode(),
        "external DTD file": f'<!DOCTYPE x SYSTEM "{dtd_uri}"><x>&leak;</x>'.encode(),
        "public DTD": (f'<!DOCTYPE x PUBLIC "-//EVIL//DTD X//EN" "{url}/public"><x/>').encode(),
        "parameter entity http": (
            f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{url}/pe"> %p;]><x>&leak;</x>'
        ).encode(),
        "parameter entity file": (
            f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{dtd_uri}"> %p;]><x>&leak;</x>'
        ).encode(),
        "DOCTYPE after a long comment": (
            "<!--" + "x" * 200_000 + f'--><!DOCTYPE x SYSTEM "{url}/late"><x/>'
        ).encode(),
        "DOCTYPE in UTF-16": (
            f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x SYSTEM "{url}/u16"><x/>'
        ).encode("utf-16"),
        "DOCTYPE in UTF-16 without BOM": (
            f'<?xml version="1.0" encoding="UTF-16LE"?><!DOCTYPE x SYSTEM "{url}/u16le"><x/>'
        ).encode("utf-16-le"),
        "DOCTYPE after a UTF-8 BOM": (
            b"\xef\xbb\xbf" + f'<!DOCTYPE x SYSTEM "{url}/bom"><x/>'.encode()
        ),
        "XInclude file": (
            '<x xmlns:xi="http://www.w3.org/2001/XInclude">'
            f'<xi:include href="{file_uri}" parse="text"/></x>'
        ).encode(),
        "XInclude http": (
            '<x xmlns:xi="http://www.w3.org/2001/XInclude">'
            f'<xi:include href="{url}/xi" parse="text"/></x>'
        ).encode(),
        "EBCDIC": '<?xml version="1.0" encoding="IBM037"?><x/>'.encode("cp037"),
    }


EXPECTED_REASON = {
    "XInclude file": "XInclude",
    "XInclude http": "XInclude",
    "EBCDIC": "EBCDIC",
}


def test_hostile_xml_is_refused_with_a_reason_and_reads_nothing(canaries: Canaries) -> None:
    for name, document in hostile_documents(canaries).items():
        with pytest.raises(InvoiceXmlError) as refused:
            parse_invoice_xml(document)
        reason = str(refused.value)
        assert EXPECTED_REASON.get(name, "DOCTYPE") in reason, (name, reason)
        assert reason.startswith("XML refused"), (name, reason)
        assert canaries.secret not in reason
    assert canaries.hits == []


def test_the_parser_alone_loads_nothing_either(canaries: Canaries) -> None:
    # Second line of defence: even without the prolog check the parser resolves no
    # entity, loads no DTD and fetches nothing.
    for name, document in hostile_documents(canaries).items():
        if name in ("EBCDIC", "quadratic blow-up", "billion laughs"):
            continue
        try:
            tree = etree.fromstring(document, hardened_parser())
        except etree.XMLSyntaxError:
            continue
        assert canaries.secret not in etree.tostring(tree, encoding="unicode"), name
    assert canaries.hits == []


def test_undeclared_entities_are_refused() -> None:
    with pytest.raises(InvoiceXmlError, match="entity"):
        parse_invoice_xml(b"<x>&xxe;</x>")


def test_size_limit() -> None:
    document = b"<x>" + b"a" * 2000 + b"</x>"
    assert parse_invoice_xml(document, max_bytes=len(document)).getroot().tag == "x"
    with pytest.raises(InvoiceXmlError, match="exceed the limit of 2,000 bytes"):
        parse_invoice_xml(document, max_bytes=2000)


def test_default_size_limit_is_50_mib() -> None:
    with pytest.raises(InvoiceXmlError, match="52,428,800"):
        parse_invoice_xml(b" " * (50 * 1024 * 1024 + 1))


def test_depth_limit() -> None:
    def nested(depth: int) -> bytes:
        return b"<a>" * depth + b"</a>" * depth

    assert parse_invoice_xml(nested(200)).getroot().tag == "a"
    with pytest.raises(InvoiceXmlError, match="deeper than 200"):
        parse_invoice_xml(nested(201))
    with pytest.raises(InvoiceXmlError, match="deeper than 20 levels"):
        parse_invoice_xml(nested(21), max_depth=20)
    with pytest.raises(InvoiceXmlError, match="nested too deeply"):
        parse_invoice_xml(nested(5000))


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"<x>", "not well-formed"),
        (b"%PDF-1.7\n", "not well-formed"),
        (b'<?xml version="1.0" encoding="UTF-8-W/O-BOM"?><x/>', "unknown character encoding"),
        (b'<?xml version="1.0" encoding="no-such-charset"?><x/>', "unknown character encoding"),
        (b'<?xml version="1.0" encoding="UTF-16"?><x/>', "declares the encoding 'utf-16'"),
        (b'<?xml version="1.0" encoding="ucs-2"?><x/>', "declares the encoding 'ucs-2'"),
        ("<x/>".encode("utf-16-le") + b"\0", "do not match the encoding|not well-formed"),
    ],
)
def test_broken_xml_says_why(document: bytes, reason: str) -> None:
    with pytest.raises(InvoiceXmlError, match=reason):
        parse_invoice_xml(document)


def test_a_doctype_inside_a_comment_is_just_a_comment() -> None:
    document = b'<?xml version="1.0"?><!-- <!DOCTYPE x SYSTEM "http://example.invalid/"> --><x/>'
    assert parse_invoice_xml(document).getroot().tag == "x"


def test_other_encodings_are_read() -> None:
    text = '<?xml version="1.0" encoding="{}"?><x>Müller</x>'
    for encoding in ("utf-16", "iso-8859-1", "windows-1252"):
        tree = parse_invoice_xml(text.format(encoding).encode(encoding))
        assert tree.getroot().text == "Müller"


# --- recognition ----------------------------------------------------------------------------

SUITE_SPECIFICATIONS = {
    "valid (XRechnung 3.0 CIUS)": model.SPEC_XRECHNUNG_3,
    "valid (XRechnung 3.0 Extension)": model.SPEC_XRECHNUNG_EXTENSION_3,
    "valid (XRechnung CVD 0.9)": model.SPEC_XRECHNUNG_CVD,
}


def test_recognition_of_the_xrechnung_test_suite() -> None:
    for row in xrechnung_suite_rows():
        recognition = recognize(parse_invoice_xml((XRECHNUNG / row["file"]).read_bytes()))
        assert recognition.syntax is SYNTAX_NAMES[row["syntax"]], row
        assert recognition.specification == SUITE_SPECIFICATIONS[row["expected"]], row
        assert recognition.profile is None
        assert recognition.customization_id is not None
        assert recognition.customization_id.startswith(
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
        )


def test_recognition_of_the_en16931_examples() -> None:
    rows = en16931_rows()
    assert len(rows) == 40
    for row in rows:
        recognition = recognize(parse_invoice_xml((EN16931 / row["file"]).read_bytes()))
        bt24 = row["CustomizationID / guideline (BT-24)"]
        assert recognition.syntax is SYNTAX_NAMES[row["syntax"]], row
        assert recognition.customization_id == bt24, row
        if bt24.startswith("urn:cen.eu:en16931:2017"):  # EN 16931 itself or a CIUS of it
            assert recognition.specification == model.SPEC_EN16931, row
        else:  # ZUGFeRD 1.0 "comfort" guideline inside a CII D16B document
            assert recognition.specification == model.SPEC_UNKNOWN, row


def test_recognition_of_the_kosit_instances() -> None:
    for row in kosit_rows():
        if row["file"] in _kosit_unparseable():
            continue
        recognition = recognize(
            parse_invoice_xml(
                (XRECHNUNG / "kosit-validator-config-instances" / row["file"]).read_bytes()
            )
        )
        syntax = row["syntax"].split(" (")[0].replace("**", "")
        assert recognition.syntax is SYNTAX_NAMES[syntax], row
        if "without CustomizationID" in row["defect, per comment in the file"]:
            assert recognition.customization_id is None
            assert recognition.specification == model.SPEC_UNKNOWN
        elif "Extension" in row["syntax"]:
            assert recognition.specification == model.SPEC_XRECHNUNG_EXTENSION_3
        else:
            assert recognition.specification == model.SPEC_XRECHNUNG_3, row


def test_business_process_is_read() -> None:
    ubl = recognize(
        parse_invoice_xml((EN16931 / "testfiles" / "Invoice-Max_content.xml").read_bytes())
    )
    assert ubl.business_process == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    cii_file = XRECHNUNG / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml"
    cii_tree = parse_invoice_xml(cii_file.read_bytes())
    expected = cii_tree.xpath(
        "string(//*[local-name()='BusinessProcessSpecifiedDocumentContextParameter']"
        "/*[local-name()='ID'])"
    )
    assert recognize(cii_tree).business_process == (expected or None)


@pytest.mark.parametrize(
    ("bt24", "hybrid", "expected"),
    [
        ("urn:cen.eu:en16931:2017", False, (model.SPEC_EN16931, None)),
        ("urn:cen.eu:en16931:2017", True, (model.SPEC_FACTURX_EN16931, "EN 16931")),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            True,
            (model.SPEC_FACTURX_XRECHNUNG, "XRECHNUNG"),
        ),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.1",
            True,
            (model.SPEC_XRECHNUNG_2, "XRECHNUNG"),
        ),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_1.2",
            False,
            (model.SPEC_XRECHNUNG_2, None),
        ),
        ("urn:factur-x.eu:1p0:minimum", False, (model.SPEC_FACTURX_MINIMUM, "MINIMUM")),
        ("urn:zugferd.de:2p0:minimum", True, (model.SPEC_FACTURX_MINIMUM, "MINIMUM")),
        ("urn:factur-x.eu:1p0:basicwl", False, (model.SPEC_FACTURX_BASIC_WL, "BASIC WL")),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
            False,
            (model.SPEC_FACTURX_BASIC, "BASIC"),
        ),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic",
            True,
            (model.SPEC_FACTURX_BASIC, "BASIC"),
        ),
        (
            "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
            False,
            (model.SPEC_FACTURX_EXTENDED, "EXTENDED"),
        ),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
            False,
            (model.SPEC_EN16931, None),
        ),
        # Exact comparison, as the KoSIT scenarios: whitespace or a foreign extension
        # does not make an invoice XRechnung.
        (
            " urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            False,
            (model.SPEC_UNKNOWN, None),
        ),
        ("urn:cen.eu:en16931:2017#conformant#urn:example:ext", False, (model.SPEC_UNKNOWN, None)),
        ("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort", False, (model.SPEC_UNKNOWN, None)),
        ("123", False, (model.SPEC_UNKNOWN, None)),
        (None, False, (model.SPEC_UNKNOWN, None)),
    ],
)
def test_specification_of(bt24: str | None, hybrid: bool, expected: tuple[str, str | None]) -> None:
    assert specification_of(bt24, hybrid=hybrid) == expected


def test_every_specification_value_is_reachable_and_listed() -> None:
    listed = {value for key, value in vars(model).items() if key.startswith("SPEC_")}
    assert listed >= model.XRECHNUNG_SPECIFICATIONS
    assert len(listed) == 12


@pytest.mark.parametrize(
    ("xmp", "profile"),
    [
        ("EN 16931", "EN 16931"),
        ("en16931", "EN 16931"),
        ("BASIC WL", "BASIC WL"),
        ("BASIC-WL", "BASIC WL"),
        ("XRECHNUNG", "XRECHNUNG"),
        ("COMFORT", "COMFORT"),  # ZUGFeRD 1.0: not EN 16931, kept as written
        (None, None),
    ],
)
def test_normalize_profile(xmp: str | None, profile: str | None) -> None:
    assert normalize_profile(xmp) == profile


def test_hybrid_profile_reaches_the_recognition() -> None:
    path = XRECHNUNG / "business-cases" / "standard" / "01.01a-INVOICE_uncefact.xml"
    recognition = recognize(parse_invoice_xml(path.read_bytes()), hybrid_profile="XRECHNUNG")
    assert recognition.specification == model.SPEC_FACTURX_XRECHNUNG
    assert recognition.specification in model.XRECHNUNG_SPECIFICATIONS
    assert recognition.profile == "XRECHNUNG"


def test_a_document_that_is_not_an_invoice_is_refused() -> None:
    xdomea = next((TESTDATA / "xdomea").rglob("*.xml"))
    with pytest.raises(InvoiceXmlError, match="not an e-invoice"):
        recognize(parse_invoice_xml(xdomea.read_bytes()))
    with pytest.raises(InvoiceXmlError, match="without a namespace"):
        recognize(parse_invoice_xml(b"<Invoice/>"))


def test_zugferd_1_is_named_as_such() -> None:
    document = (
        b'<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>'
    )
    with pytest.raises(InvoiceXmlError, match="ZUGFeRD 1.0"):
        recognize(parse_invoice_xml(document))
