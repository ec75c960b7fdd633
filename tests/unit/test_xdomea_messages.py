"""xdomea messages against the official schemas (../shared/testdata/xdomea, see SOURCES.md).

Everything eakte writes (0501, 0503, 0505) must be valid xdomea 3.1.0; the replies are
read from the public 3.0.0 examples and from 3.1.0 replies shaped like x-man's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from services.archive.xdomea.model import (
    AppraisalList,
    ImportConfirmation,
    MessageType,
    ObjectAppraisal,
    PrimaryFile,
    Receipt,
    XdomeaMessageError,
)
from services.archive.xdomea.read_replies import peek_header, read_message
from services.archive.xdomea.schema import load_schema, validate_file
from services.archive.xdomea.write_offer import write_offer
from services.archive.xdomea.write_receipts import write_appraisal_receipt
from services.archive.xdomea.write_transfer import write_transfer
from services.errors import ConfigurationError
from tests.xdomea_records import header, new_id, sample_akte
from tests.xdomea_replies import reply, write_reply

XDOMEA = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "xdomea"
SCHEMAS = XDOMEA / "xsd"
TOOLKIT = XDOMEA / "examples-xdomea_toolkit"
XMAN = XDOMEA / "examples-x-man" / "extracted"
NS = {"x": "urn:xoev-de:xdomea:schema:3.1.0"}


def _tree(path: Path) -> etree._ElementTree:
    return etree.parse(str(path))


def test_offer_is_valid_and_carries_metadata_only(tmp_path: Path) -> None:
    akte = sample_akte()
    path = tmp_path / "offer.xml"
    counts = write_offer(path, header(MessageType.OFFER), [akte])
    assert validate_file(path, SCHEMAS) == "3.1.0"
    assert (counts.akten, counts.vorgaenge, counts.documents, counts.files) == (1, 1, 2, 0)
    tree = _tree(path)
    assert (
        tree.getroot().tag
        == "{urn:xoev-de:xdomea:schema:3.1.0}Aussonderung.Anbieteverzeichnis.0501"
    )
    assert tree.xpath("//x:Version", namespaces=NS) == []
    assert tree.xpath("string(x:Kopf/x:Empfangsbestaetigung)", namespaces=NS) == "1"
    found = tree.xpath("x:Schriftgutobjekt/x:Akte", namespaces=NS)[0]
    assert found.xpath("string(x:Identifikation/x:ID)", namespaces=NS) == akte.xdomea_id
    metadata = found.find("x:AllgemeineMetadaten", NS)
    assert metadata.findtext("x:Kennzeichen", namespaces=NS) == akte.aktenzeichen
    assert metadata.findtext("x:Aktenplaneinheit/x:Kennzeichen", namespaces=NS) == "63.01.02"
    assert metadata.findtext("x:Vertraulichkeitsstufe/code", namespaces=NS) == "002"
    archive = found.find("x:ArchivspezifischeMetadaten", NS)
    assert archive.findtext("x:Aussonderungsart/x:Aussonderungsart/code", namespaces=NS) == "A"
    assert archive.findtext("x:Bewertungsvorschlag/code", namespaces=NS) == "A"
    assert archive.findtext("x:Aufbewahrungsende", namespaces=NS) == "2049-12-31"
    assert found.findtext("x:Laufzeit/x:Beginn", namespaces=NS) == "2019-01-14"
    vorgang_ids = found.xpath("x:Akteninhalt/x:Vorgang/x:Identifikation/x:ID/text()", namespaces=NS)
    assert vorgang_ids == [akte.vorgaenge[0].xdomea_id]


def test_offer_marks_b_for_appraisal_without_a_proposal(tmp_path: Path) -> None:
    from tests.xdomea_records import akte as make_akte

    path = tmp_path / "offer.xml"
    write_offer(path, header(MessageType.OFFER), [make_akte(archive_value="B")])
    validate_file(path, SCHEMAS)
    tree = _tree(path)
    assert tree.xpath("string(//x:Aussonderungsart/x:Aussonderungsart/code)", namespaces=NS) == "B"
    assert tree.xpath("//x:Bewertungsvorschlag", namespaces=NS) == []


def test_transfer_is_valid_and_lists_every_version_file(tmp_path: Path) -> None:
    akte = sample_akte()
    listed: list[PrimaryFile] = []
    path = tmp_path / "transfer.xml"
    counts = write_transfer(path, header(MessageType.TRANSFER), [akte], on_file=listed.append)
    assert validate_file(path, SCHEMAS, "3.1.0") == "3.1.0"
    expected = [
        f
        for d in (akte.documents[0], akte.vorgaenge[0].documents[0])
        for v in d.versions
        for f in v.files
    ]
    assert listed == expected and counts.files == 4
    tree = _tree(path)
    formats = tree.xpath("//x:Format", namespaces=NS)
    assert [f.findtext("x:Primaerdokument/x:Dateiname", namespaces=NS) for f in formats] == [
        f.file_name for f in expected
    ]
    assert [
        f.findtext("x:Primaerdokument/x:DateinameOriginal", namespaces=NS) for f in formats
    ] == [
        "bauantrag.tif",
        "bauantrag.pdf",
        "foto.jpg",
        "lageplan.png",
    ]
    # Dateiformat code list 1.0: tiff, pdf (Archival) = PDF/A, jpg, png
    assert [f.findtext("x:Name/code", namespaces=NS) for f in formats] == [
        "024",
        "044",
        "011",
        "019",
    ]
    kopf = tree.find("x:Kopf", NS)
    assert [
        kopf.findtext(f"x:{n}", namespaces=NS)
        for n in ("Importbestaetigung", "Empfangsbestaetigung")
    ] == ["1", "1"]


def test_unknown_media_type_is_sonstiges_and_still_valid(tmp_path: Path) -> None:
    from tests.xdomea_records import akte, document, primary_file

    odd = primary_file("notiz.txt", b"text", media_type="text/plain")
    path = tmp_path / "transfer.xml"
    write_transfer(
        path, header(MessageType.TRANSFER), [akte(documents=(document("Notiz", (odd,)),))]
    )
    validate_file(path, SCHEMAS)
    tree = _tree(path)
    assert tree.xpath("string(//x:Format/x:Name/code)", namespaces=NS) == "100"
    assert tree.xpath("string(//x:Format/x:SonstigerName)", namespaces=NS) == "text/plain"


def test_appraisal_receipt_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "receipt.xml"
    process_id = new_id()
    write_appraisal_receipt(path, header(MessageType.APPRAISAL_RECEIVED, process_id))
    assert validate_file(path, SCHEMAS) == "3.1.0"
    peeked = peek_header(path)
    assert peeked.header.process_id == process_id
    assert peeked.header.message_type is MessageType.APPRAISAL_RECEIVED
    assert peeked.header.sender.authority_key == "05958016"


def test_writer_refuses_a_header_of_another_type(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="0503"):
        write_offer(tmp_path / "x.xml", header(MessageType.TRANSFER), [])


def test_empty_offer_is_refused_by_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "offer.xml"
    write_offer(path, header(MessageType.OFFER), [])
    with pytest.raises(XdomeaMessageError, match="not valid xdomea 3.1.0"):
        validate_file(path, SCHEMAS)


def test_toolkit_examples_3_0_0_are_read() -> None:
    appraisal = read_message(TOOLKIT / "xx_Aussonderung.Bewertungsverzeichnis.0502.xml", SCHEMAS)
    assert isinstance(appraisal, AppraisalList)
    assert appraisal.version == "3.0.0"
    assert appraisal.header.process_id == "242f44e8-bebf-4503-a086-db252c6a4277"
    assert appraisal.appraisals == (ObjectAppraisal("cbdbfccc-72e5-44b2-9e71-937e6f4f8ce9", "A"),)
    assert appraisal.receipt_requested
    receipt = read_message(
        TOOLKIT / "xx_Aussonderung.AnbietungEmpfangBestaetigen.0504.xml", SCHEMAS
    )
    assert isinstance(receipt, Receipt)
    assert receipt.header.message_type is MessageType.OFFER_RECEIVED
    assert receipt.header.sender.authority_key == "LATh"


@pytest.mark.parametrize(
    "path",
    [
        XMAN / "9a75050f-323a-4e84-94c9-a889aa2b4fe8_Aussonderung.Anbieteverzeichnis.0501.xml",
        XMAN / "9a75050f-323a-4e84-94c9-a889aa2b4fe8_Aussonderung.Aussonderung.0503.xml",
        XMAN
        / "9a75050f-323a-4e84-94c9-a889aa2b4fe8_Aussonderung.BewertungEmpfangBestaetigen.0505.xml",
    ],
)
def test_messages_eakte_sends_are_not_read_as_replies(path: Path) -> None:
    assert validate_file(path, SCHEMAS) == "3.0.0"
    with pytest.raises(XdomeaMessageError, match="a message eakte sends"):
        read_message(path, SCHEMAS)


@pytest.mark.parametrize("version", ["3.1.0", "3.0.0"])
def test_appraisal_list_is_read(tmp_path: Path, version: str) -> None:
    process_id, akte_id, vorgang_id = new_id(), new_id(), new_id()
    path = write_reply(
        tmp_path,
        MessageType.APPRAISAL,
        process_id,
        version=version,
        appraisals=[(akte_id.upper(), "A"), (vorgang_id, "V")],
    )
    read = read_message(path, SCHEMAS, expected=MessageType.APPRAISAL)
    assert isinstance(read, AppraisalList)
    assert read.version == version
    assert read.header.process_id == process_id
    assert read.header.sender.name == "Landesarchiv Test"
    assert read.header.sender.authority_key == ""  # x-man names the institution only
    assert read.appraisals == (ObjectAppraisal(akte_id, "A"), ObjectAppraisal(vorgang_id, "V"))
    assert read.receipt_requested


def test_appraisal_list_without_receipt_request(tmp_path: Path) -> None:
    path = write_reply(
        tmp_path,
        MessageType.APPRAISAL,
        new_id(),
        appraisals=[(new_id(), "V")],
        receipt_requested=False,
    )
    read = read_message(path, SCHEMAS)
    assert isinstance(read, AppraisalList) and not read.receipt_requested


@pytest.mark.parametrize(
    "message_type", [MessageType.OFFER_RECEIVED, MessageType.TRANSFER_RECEIVED]
)
def test_receipts_are_read(tmp_path: Path, message_type: MessageType) -> None:
    process_id = new_id()
    read = read_message(write_reply(tmp_path, message_type, process_id), SCHEMAS)
    assert isinstance(read, Receipt)
    assert (read.header.message_type, read.header.process_id, read.version) == (
        message_type,
        process_id,
        "3.1.0",
    )


def test_import_confirmation_is_read_per_object(tmp_path: Path) -> None:
    archived, failed = new_id(), new_id()
    path = write_reply(
        tmp_path,
        MessageType.IMPORT_CONFIRMED,
        new_id(),
        results=[(archived, True, "DIMAG-4711"), (failed, False, None)],
        errors={failed: "Primärdatei fehlt"},
    )
    read = read_message(path, SCHEMAS, expected=MessageType.IMPORT_CONFIRMED)
    assert isinstance(read, ImportConfirmation)
    by_id = {result.object_id: result for result in read.results}
    assert by_id[archived].success and by_id[archived].archive_signature == "DIMAG-4711"
    assert not by_id[failed].success and by_id[failed].message == "Primärdatei fehlt"


def test_schema_invalid_reply_is_refused_with_line_numbers(tmp_path: Path) -> None:
    path = write_reply(
        tmp_path, MessageType.IMPORT_CONFIRMED, new_id(), results=[(new_id(), True, None)]
    )
    path.write_bytes(path.read_bytes().replace(b">true<", b">perhaps<"))
    with pytest.raises(
        XdomeaMessageError, match=r"not valid xdomea 3\.1\.0: line \d+: .*Erfolgreich"
    ):
        read_message(path, SCHEMAS)


def test_appraisal_other_than_a_or_v_is_refused(tmp_path: Path) -> None:
    path = write_reply(tmp_path, MessageType.APPRAISAL, new_id(), appraisals=[(new_id(), "B")])
    with pytest.raises(XdomeaMessageError, match="A or V"):
        read_message(path, SCHEMAS)


def test_object_appraised_twice_differently_is_refused(tmp_path: Path) -> None:
    twice = new_id()
    path = write_reply(
        tmp_path, MessageType.APPRAISAL, new_id(), appraisals=[(twice, "A"), (twice, "V")]
    )
    with pytest.raises(XdomeaMessageError, match="twice"):
        read_message(path, SCHEMAS)


def test_wrong_namespace_is_refused(tmp_path: Path) -> None:
    lav4 = XDOMEA / "examples-lavnrw" / "v4.0.0" / "518c7c31-d1a0-11ef-accb-005056871b7c_0503_1.xml"
    with pytest.raises(XdomeaMessageError, match="xdomea 4.0.0"):
        read_message(lav4, SCHEMAS)
    other = tmp_path / "other.xml"
    other.write_bytes(
        reply(MessageType.APPRAISAL, new_id()).replace(
            b"urn:xoev-de:xdomea:schema:3.1.0", b"urn:example:x"
        )
    )
    with pytest.raises(XdomeaMessageError, match="not in an xdomea namespace"):
        read_message(other, SCHEMAS)


def test_offer_where_an_appraisal_is_expected_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "offer.xml"
    write_offer(path, header(MessageType.OFFER), [sample_akte(with_files=False)])
    with pytest.raises(XdomeaMessageError, match="0501"):
        read_message(path, SCHEMAS, expected=MessageType.APPRAISAL)
    receipt = write_reply(tmp_path, MessageType.OFFER_RECEIVED, new_id())
    with pytest.raises(XdomeaMessageError, match="expected a 0502"):
        read_message(receipt, SCHEMAS, expected=MessageType.APPRAISAL)


def test_truncated_reply_is_refused(tmp_path: Path) -> None:
    path = write_reply(tmp_path, MessageType.APPRAISAL, new_id(), appraisals=[(new_id(), "A")] * 1)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) - 40])
    with pytest.raises(XdomeaMessageError, match="not well-formed"):
        read_message(path, SCHEMAS)


def test_reply_without_process_id_is_refused(tmp_path: Path) -> None:
    path = write_reply(tmp_path, MessageType.OFFER_RECEIVED, new_id())
    tree = _tree(path)
    kopf = tree.getroot()[0]
    kopf.remove(kopf[0])
    tree.write(str(path))
    with pytest.raises(XdomeaMessageError, match="ProzessID"):
        read_message(path, SCHEMAS)
    with pytest.raises(XdomeaMessageError, match="ProzessID"):
        peek_header(path)


def test_schema_dir_not_set_or_incomplete_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="xrepository.de"):
        load_schema(None, "3.1.0")
    (tmp_path / "3.1.0").mkdir()
    (tmp_path / "3.1.0" / "xdomea-Baukasten.xsd").write_text("<x/>")
    with pytest.raises(
        ConfigurationError,
        match="xdomea-Nachrichten-AussonderungDurchfuehren.xsd.*EAKTE_ARCHIVE__SCHEMA_DIR",
    ):
        load_schema(tmp_path, "3.1.0")
