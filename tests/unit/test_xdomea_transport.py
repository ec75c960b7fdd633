"""The transfer directory: zip names, atomic writing, 0503 contents and hashes, reading replies."""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from services.archive.transport import (
    IncomingMessage,
    extract_message,
    list_incoming,
    message_name,
    partial_name,
    read_incoming,
    send_appraisal_receipt,
    send_offer,
    send_transfer,
)
from services.archive.xdomea.model import AppraisalList, MessageType, XdomeaMessageError
from services.archive.xdomea.schema import validate_file
from services.errors import ConflictError, IntegrityError
from tests.xdomea_records import akte, document, header, new_id, primary_file, sample_akte
from tests.xdomea_replies import reply

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "xdomea" / "xsd"
_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
XMAN_PATTERNS = {
    # x-man server/internal/core/util.go: unanchored, matched against the base name
    "0501": re.compile(_UUID + r"_(Aussonderung\.Anbieteverzeichnis\.)?0501\.(zip|xdomea)"),
    "0503": re.compile(_UUID + r"_(Aussonderung\.Aussonderung\.)?0503\.(zip|xdomea)"),
    "0505": re.compile(
        _UUID + r"_(Aussonderung\.BewertungEmpfangBestaetigen\.)?0505\.(zip|xdomea)"
    ),
}


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def test_offer_zip_is_named_as_x_man_expects_and_holds_the_valid_xml(tmp_path: Path) -> None:
    process_id = new_id()
    sent = send_offer(
        tmp_path, header(MessageType.OFFER, process_id), [sample_akte(False)], SCHEMAS
    )
    assert sent.path.name == f"{process_id}_Aussonderung.Anbieteverzeichnis.0501.zip"
    assert XMAN_PATTERNS["0501"].search(sent.path.name)
    xml_name = f"{process_id}_Aussonderung.Anbieteverzeichnis.0501.xml"
    assert _names(sent.path) == [xml_name] == [sent.message.name]
    with zipfile.ZipFile(sent.path) as archive:
        content = archive.read(xml_name)
    assert sent.message.sha256 == hashlib.sha256(content).hexdigest()
    assert sent.message.size == len(content)
    assert sent.counts is not None and sent.counts.akten == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [sent.path.name]  # no partial left
    (tmp_path / "check.xml").write_bytes(content)
    assert validate_file(tmp_path / "check.xml", SCHEMAS) == "3.1.0"


def test_partial_names_match_no_message_pattern() -> None:
    for code, pattern in XMAN_PATTERNS.items():
        name = partial_name(new_id(), MessageType(code))
        assert name.startswith(".")
        assert not pattern.search(name)
        assert message_name("x", MessageType(code)) not in name


def test_transfer_zip_holds_the_xml_and_every_primary_file_flat(tmp_path: Path) -> None:
    records = sample_akte()
    sent = send_transfer(tmp_path, header(MessageType.TRANSFER), [records], SCHEMAS)
    assert sent.path.name.endswith("_Aussonderung.Aussonderung.0503.zip")
    assert XMAN_PATTERNS["0503"].search(sent.path.name)
    expected = [
        f
        for d in (records.documents[0], records.vorgaenge[0].documents[0])
        for v in d.versions
        for f in v.files
    ]
    assert sorted(_names(sent.path)) == sorted(
        [f.file_name for f in expected] + [sent.message.name]
    )
    assert [(f.name, f.sha256, f.size) for f in sent.files] == [
        (f.file_name, f.sha256, f.size) for f in expected
    ]
    with zipfile.ZipFile(sent.path) as archive:
        for file in expected:
            content = archive.read(file.file_name)
            assert hashlib.sha256(content).hexdigest() == file.sha256
            assert content == file.open().read()
        xml = archive.read(sent.message.name)
    assert all(f.file_name.encode() in xml for f in expected)
    assert hashlib.sha256(xml).hexdigest() == sent.message.sha256


def test_changed_primary_file_stops_the_transfer_and_leaves_nothing(tmp_path: Path) -> None:
    good = primary_file("a.pdf", b"%PDF-1.4 original")
    changed = replace(good, open=lambda: io.BytesIO(b"%PDF-1.4 tampered"))
    records = akte(documents=(document("Brief", (changed,)),))
    with pytest.raises(IntegrityError, match="no longer matches"):
        send_transfer(tmp_path, header(MessageType.TRANSFER), [records], SCHEMAS)
    assert list(tmp_path.iterdir()) == []


def test_failure_while_reading_a_file_leaves_no_zip_and_no_partial(tmp_path: Path) -> None:
    def broken() -> io.BytesIO:
        raise OSError("storage unavailable")

    failing = replace(primary_file("b.pdf", b"%PDF-1.4 x"), open=broken)
    records = [sample_akte(), akte(documents=(document("Brief", (failing,)),))]
    with pytest.raises(OSError, match="storage unavailable"):
        send_transfer(tmp_path, header(MessageType.TRANSFER), records, SCHEMAS)
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_twice_or_with_a_path_is_refused(tmp_path: Path) -> None:
    file = primary_file("a.pdf", b"%PDF-1.4 x")
    twice = akte(documents=(document("A", (file,)), document("B", (file,))))
    with pytest.raises(XdomeaMessageError, match="twice"):
        send_transfer(tmp_path, header(MessageType.TRANSFER), [twice], SCHEMAS)
    sneaky = replace(file, file_name=f"{new_id()}/../../etc/passwd")
    with pytest.raises(XdomeaMessageError, match="not a safe relative file name"):
        send_transfer(
            tmp_path,
            header(MessageType.TRANSFER),
            [akte(documents=(document("C", (sneaky,)),))],
            SCHEMAS,
        )
    assert list(tmp_path.iterdir()) == []


def test_a_message_is_written_once(tmp_path: Path) -> None:
    message_header = header(MessageType.APPRAISAL_RECEIVED)
    sent = send_appraisal_receipt(tmp_path, message_header, SCHEMAS)
    assert sent.path.name.endswith("_Aussonderung.BewertungEmpfangBestaetigen.0505.zip")
    with pytest.raises(ConflictError, match="already written"):
        send_appraisal_receipt(tmp_path, message_header, SCHEMAS)


def test_stale_partial_of_a_crashed_run_is_replaced(tmp_path: Path) -> None:
    message_header = header(MessageType.TRANSFER)
    stale = tmp_path / partial_name(message_header.process_id, MessageType.TRANSFER)
    stale.write_bytes(b"PK half a zip")
    sent = send_transfer(tmp_path, message_header, [sample_akte()], SCHEMAS)
    assert not stale.exists()
    assert zipfile.is_zipfile(sent.path)


def _reply_zip(
    directory: Path, message_type: MessageType, process_id: str, **kwargs: object
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / message_name(process_id, message_type)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            message_name(process_id, message_type, ".xml"),
            reply(message_type, process_id, **kwargs),
        )  # type: ignore[arg-type]
    return path


def test_listing_finds_replies_in_the_directory_and_sub_directories_only(tmp_path: Path) -> None:
    process_id = new_id()
    appraisal = _reply_zip(
        tmp_path, MessageType.APPRAISAL, process_id, appraisals=[(new_id(), "A")]
    )
    confirmation = _reply_zip(
        tmp_path / "0506",
        MessageType.IMPORT_CONFIRMED,
        process_id,
        results=[(new_id(), True, None)],
    )
    send_transfer(tmp_path, header(MessageType.TRANSFER, process_id), [sample_akte()], SCHEMAS)
    (tmp_path / partial_name(process_id, MessageType.APPRAISAL)).write_bytes(b"")
    (tmp_path / f".{process_id}_Aussonderung.Bewertungsverzeichnis.0502.zip.tmp").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("hello")
    old = time.time() - 60
    os.utime(appraisal, (old, old))
    os.utime(confirmation, (old + 1, old + 1))
    found = list_incoming(tmp_path, settle_seconds=10)
    assert found == [
        IncomingMessage(appraisal, process_id, MessageType.APPRAISAL),
        IncomingMessage(confirmation, process_id, MessageType.IMPORT_CONFIRMED),
    ]
    fresh = _reply_zip(tmp_path, MessageType.TRANSFER_RECEIVED, process_id)
    assert fresh not in [m.path for m in list_incoming(tmp_path, settle_seconds=10)]
    assert fresh in [m.path for m in list_incoming(tmp_path, settle_seconds=0)]


def test_incoming_reply_is_extracted_checked_and_read(tmp_path: Path) -> None:
    process_id, object_id = new_id(), new_id()
    _reply_zip(tmp_path, MessageType.APPRAISAL, process_id, appraisals=[(object_id, "V")])
    [incoming] = list_incoming(tmp_path, settle_seconds=0)
    read = read_incoming(incoming, SCHEMAS)
    assert isinstance(read, AppraisalList)
    assert [(a.object_id, a.value) for a in read.appraisals] == [(object_id, "V")]


def test_reply_whose_content_contradicts_its_name_is_refused(tmp_path: Path) -> None:
    named, inside = new_id(), new_id()
    path = tmp_path / message_name(named, MessageType.APPRAISAL)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            message_name(named, MessageType.APPRAISAL, ".xml"),
            reply(MessageType.APPRAISAL, inside, appraisals=[(new_id(), "A")]),
        )
    with pytest.raises(XdomeaMessageError, match=f"ProzessID {inside}"):
        read_incoming(IncomingMessage(path, named, MessageType.APPRAISAL), SCHEMAS)
    receipt = tmp_path / "sub"
    wrong = _reply_zip(receipt, MessageType.OFFER_RECEIVED, named)
    renamed = wrong.with_name(message_name(named, MessageType.IMPORT_CONFIRMED))
    with zipfile.ZipFile(renamed, "w") as archive:
        archive.writestr(
            renamed.name.removesuffix(".zip") + ".xml", reply(MessageType.OFFER_RECEIVED, named)
        )
    with pytest.raises(XdomeaMessageError, match="expected a 0506"):
        read_incoming(IncomingMessage(renamed, named, MessageType.IMPORT_CONFIRMED), SCHEMAS)


def _incoming_with(
    tmp_path: Path, xml: bytes | None, others: dict[str, bytes] | None = None
) -> IncomingMessage:
    process_id = new_id()
    incoming = IncomingMessage(
        tmp_path / message_name(process_id, MessageType.IMPORT_CONFIRMED),
        process_id,
        MessageType.IMPORT_CONFIRMED,
    )
    with zipfile.ZipFile(incoming.path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if xml is not None:
            archive.writestr(incoming.xml_name, xml)
        for name, content in (others or {}).items():
            archive.writestr(name, content)
    return incoming


@pytest.mark.parametrize(
    "name", ["../evil.xml", "/etc/evil.xml", "a/../../evil.xml", "C:evil.xml", "a\\..\\evil.xml"]
)
def test_zip_with_a_traversal_name_is_refused(tmp_path: Path, name: str) -> None:
    incoming = _incoming_with(tmp_path, b"<x/>", {name: b"<x/>"})
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(XdomeaMessageError, match="not a safe relative file name"):
        extract_message(incoming, out)
    assert list(out.iterdir()) == []


def test_zip_without_the_expected_xml_is_refused(tmp_path: Path) -> None:
    incoming = _incoming_with(tmp_path, None, {"something-else.xml": b"<x/>"})
    with pytest.raises(
        XdomeaMessageError, match=f"does not hold {incoming.xml_name}.*something-else.xml"
    ):
        extract_message(incoming, tmp_path)


@pytest.mark.parametrize("declared_too", [True, False])
def test_zip_bomb_is_refused(tmp_path: Path, declared_too: bool) -> None:
    incoming = _incoming_with(tmp_path, b"<x>" + b" " * 3_000_000 + b"</x>")
    if not declared_too:  # the zip understates the size: caught while reading
        content = bytearray(incoming.path.read_bytes())
        central = content.index(b"PK\x01\x02")
        content[22:26] = content[central + 24 : central + 28] = (100).to_bytes(4, "little")
        incoming.path.write_bytes(bytes(content))
        assert zipfile.ZipFile(incoming.path).infolist()[0].file_size == 100
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(XdomeaMessageError, match="more than the 1000000|cannot be unpacked"):
        extract_message(incoming, out, max_bytes=1_000_000)
    assert list(out.iterdir()) == []


def test_incomplete_zip_is_refused(tmp_path: Path) -> None:
    incoming = _incoming_with(tmp_path, reply(MessageType.OFFER_RECEIVED, new_id()))
    content = incoming.path.read_bytes()
    incoming.path.write_bytes(content[: len(content) // 2])
    with pytest.raises(XdomeaMessageError, match="not a complete zip"):
        extract_message(incoming, tmp_path)
