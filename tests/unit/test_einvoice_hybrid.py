"""Finding the invoice XML in ZUGFeRD / Factur-X hybrid PDFs.

The real PDFs and what they contain (file name, profile, BT-24, other attachments) are
listed in ../shared/testdata/zugferd/SOURCES.md; the synthetic PDFs below cover what the
test data lacks (/AF only, order-x.xml, odd names, decompression bombs, encryption).
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pikepdf
import pytest

from services.einvoice import model
from services.einvoice.hybrid import find_embedded_invoice, looks_like_pdf, read_stream_capped
from services.einvoice.model import InvoiceXmlError
from services.einvoice.recognize import recognize
from services.einvoice.safe_xml import parse_invoice_xml
from services.errors import InvalidInputError, LimitExceededError

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
ZUGFERD = TESTDATA / "zugferd"
SCANS = TESTDATA / "scans"
CII_SAMPLE = TESTDATA / "xrechnung-testsuite/business-cases/standard/01.01a-INVOICE_uncefact.xml"


def zugferd_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in (ZUGFERD / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not set("".join(cells)) <= set("-: ") and "embedded files" in header:
            rows.append(dict(zip(header, cells, strict=False)))
    assert len(rows) == 24, "SOURCES.md lists 19 valid and 5 invalid PDFs"
    return rows


def profile_from_table(cell: str) -> str:
    """ "EN 16931 (COMFORT)" -> "EN 16931"; "COMFORT (ZUGFeRD 1.0)" -> "COMFORT"."""
    return cell.split(" (")[0]


def test_every_test_pdf_gives_its_invoice_profile_and_attachments() -> None:
    for row in zugferd_rows():
        found = find_embedded_invoice((ZUGFERD / row["file"]).read_bytes())
        assert found is not None, row["file"]
        embedded = [name.strip() for name in row["embedded files"].split(";")]
        xml_names = [name for name in embedded if name.lower().endswith(".xml")]
        assert [found.filename] == xml_names, row["file"]
        assert sorted(a.filename for a in found.attachments) == sorted(
            name for name in embedded if name not in xml_names
        )
        assert found.profile == profile_from_table(row["profile"]), row["file"]
        assert found.xmp_document_type == "INVOICE"
        guideline = row["guideline id (BT-24) in embedded XML"]
        assert guideline.encode() in found.xml, row["file"]


def test_the_embedded_xml_is_recognised_with_the_pdf_profile() -> None:
    expected = {
        "MINIMUM": model.SPEC_FACTURX_MINIMUM,
        "BASIC WL": model.SPEC_FACTURX_BASIC_WL,
        "BASIC": model.SPEC_FACTURX_BASIC,
        "EN 16931": model.SPEC_FACTURX_EN16931,
        "EXTENDED": model.SPEC_FACTURX_EXTENDED,
        "XRECHNUNG": model.SPEC_XRECHNUNG_2,  # the test PDFs carry XRechnung 1.2 / 2.1
    }
    recognised = 0
    for row in zugferd_rows():
        found = find_embedded_invoice((ZUGFERD / row["file"]).read_bytes())
        assert found is not None
        if b'"urn:ferd:CrossIndustryDocument:invoice:1p0"' in found.xml:
            continue  # ZUGFeRD 1.0 is refused by recognition (tested there)
        try:
            tree = parse_invoice_xml(found.xml)
        except InvoiceXmlError:
            assert row["file"].startswith("invalid/"), row["file"]  # the bad encoding attribute
            continue
        recognition = recognize(tree, hybrid_profile=found.profile)
        assert recognition.syntax is model.Syntax.CII
        assert recognition.customization_id == row["guideline id (BT-24) in embedded XML"]
        assert recognition.specification == expected[profile_from_table(row["profile"])], row
        assert recognition.profile == profile_from_table(row["profile"])
        recognised += 1
    assert recognised == 20  # 24 PDFs less three ZUGFeRD 1.0 and one unreadable XML


def test_attachment_details() -> None:
    pdf = ZUGFERD / "valid" / "XML-Rechnung-FX-XRECHNUNG_Betriebskostenabrechnung.pdf"
    found = find_embedded_invoice(pdf.read_bytes())
    assert found is not None
    assert found.relationship is not None
    (attachment,) = found.attachments
    assert attachment.data.startswith(b"%PDF-")
    with pikepdf.open(pdf) as document:
        original = document.attachments[attachment.filename].get_file().read_bytes()
    assert attachment.data == original


def test_plain_pdfs_have_no_embedded_invoice() -> None:
    pdfs = sorted(SCANS.rglob("*.pdf"))
    assert pdfs
    for pdf in pdfs[:10]:
        assert find_embedded_invoice(pdf.read_bytes()) is None, pdf


def test_not_a_pdf() -> None:
    assert not looks_like_pdf(CII_SAMPLE.read_bytes())
    with pytest.raises(InvalidInputError, match="not a readable PDF"):
        find_embedded_invoice(CII_SAMPLE.read_bytes())


# --- synthetic PDFs ------------------------------------------------------------------------


def make_pdf(
    files: dict[str, bytes],
    *,
    in_names_tree: bool = True,
    in_af: bool = True,
    xmp: str | None = None,
    password: str | None = None,
) -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    specs = []
    for name, data in files.items():
        spec = pikepdf.AttachedFileSpec(
            document,
            data,
            description=name,
            filename=name,
            mime_type="text/xml",
            creation_date="",
            mod_date="",
        )
        if in_names_tree:
            document.attachments[name] = spec
        specs.append(spec.obj)
    if in_af:
        document.Root.AF = pikepdf.Array(specs)
    if xmp is not None:
        document.Root.Metadata = document.make_stream(xmp.encode())
    out = io.BytesIO()
    encryption = pikepdf.Encryption(user=password, owner=password) if password else False
    # pikepdf rewrites XMP on save unless told not to; the tests need it as written.
    document.save(out, encryption=encryption, fix_metadata_version=False)
    return out.getvalue()


def xmp(level: str, filename: str, document_type: str = "INVOICE") -> str:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" '
        'xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" '
        f'fx:ConformanceLevel="{level}" fx:DocumentFileName="{filename}" '
        f'fx:DocumentType="{document_type}" fx:Version="1.0"/>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )


def test_invoice_listed_only_in_af_is_found() -> None:
    xml = CII_SAMPLE.read_bytes()
    pdf = make_pdf({"factur-x.xml": xml}, in_names_tree=False, xmp=xmp("EN 16931", "factur-x.xml"))
    found = find_embedded_invoice(pdf)
    assert found is not None
    assert (found.filename, found.xml, found.profile) == ("factur-x.xml", xml, "EN 16931")


def test_invoice_listed_only_in_the_names_tree_is_found() -> None:
    pdf = make_pdf({"ZUGFeRD-invoice.xml": b"<x/>"}, in_af=False)
    found = find_embedded_invoice(pdf)
    assert found is not None
    assert found.filename == "ZUGFeRD-invoice.xml"
    assert found.profile is None  # no XMP


def test_preferred_name_wins_and_others_become_attachments() -> None:
    pdf = make_pdf({"xrechnung.xml": b"<x/>", "factur-x.xml": b"<y/>", "notes.txt": b"hi"})
    found = find_embedded_invoice(pdf)
    assert found is not None
    assert (found.filename, found.xml) == ("factur-x.xml", b"<y/>")
    assert sorted(a.filename for a in found.attachments) == ["notes.txt", "xrechnung.xml"]


def test_order_x_is_not_an_invoice() -> None:
    pdf = make_pdf({"order-x.xml": b"<order/>"}, xmp=xmp("BASIC", "order-x.xml", "ORDER"))
    assert find_embedded_invoice(pdf) is None


def test_other_name_declared_in_the_xmp_is_found() -> None:
    pdf = make_pdf({"rechnung-4711.xml": b"<x/>"}, xmp=xmp("XRECHNUNG", "rechnung-4711.xml"))
    found = find_embedded_invoice(pdf)
    assert found is not None
    assert (found.filename, found.profile) == ("rechnung-4711.xml", "XRECHNUNG")


def test_undeclared_other_xml_is_not_taken_for_an_invoice() -> None:
    assert find_embedded_invoice(make_pdf({"data.xml": b"<x/>"})) is None


def test_hostile_xmp_is_ignored_not_followed() -> None:
    hostile = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + xmp(
        "BASIC", "factur-x.xml"
    )
    found = find_embedded_invoice(make_pdf({"factur-x.xml": b"<x/>"}, xmp=hostile))
    assert found is not None
    assert found.profile is None


def test_decompression_bomb_stops_at_the_limit() -> None:
    document = pikepdf.new()
    bomb = zlib.compress(b"\0" * (64 * 1024 * 1024), 9)  # 64 MiB of zeros, ~64 KiB packed
    stream = document.make_stream(bomb)
    stream.Filter = pikepdf.Name.FlateDecode
    with pytest.raises(LimitExceededError):
        read_stream_capped(stream, 1024 * 1024)
    assert read_stream_capped(stream, 64 * 1024 * 1024) == b"\0" * (64 * 1024 * 1024)


def test_oversized_invoice_xml_is_refused() -> None:
    pdf = make_pdf({"factur-x.xml": b"<x>" + b"a" * 5000 + b"</x>"})
    with pytest.raises(InvoiceXmlError, match="factur-x.xml"):
        find_embedded_invoice(pdf, max_xml_bytes=1000)


def test_oversized_attachment_is_refused() -> None:
    pdf = make_pdf({"factur-x.xml": b"<x/>", "big.bin": b"\1" * 5000})
    with pytest.raises(LimitExceededError):
        find_embedded_invoice(pdf, max_attachment_bytes=1000)


def test_encrypted_pdf_needs_a_password() -> None:
    pdf = make_pdf({"factur-x.xml": b"<x/>"}, password="secret")
    with pytest.raises(InvalidInputError, match="password"):
        find_embedded_invoice(pdf)
