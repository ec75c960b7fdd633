"""Self-tests of the x-man-like archive simulator in ``tests/archive_simulator``.

The messages it reads are built here by hand with lxml (not with eakte's writers), and
everything it writes is checked against the official xdomea schemas from
``../shared/testdata/xdomea/xsd`` through the ``xdomea.xsd`` entry point, not the one the
simulator itself uses.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from tests.archive_simulator import ArchiveIdentity, ArchiveSimulator, OfferedObject
from tests.archive_simulator.naming import message_base, parse_message_name

XDOMEA = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "xdomea"
SCHEMA_DIR = XDOMEA / "xsd"
XMAN_EXAMPLES = XDOMEA / "examples-x-man"
XMAN_PROCESS = "9a75050f-323a-4e84-94c9-a889aa2b4fe8"
_SCHEMAS: dict[str, etree.XMLSchema] = {}


def schema(version: str) -> etree.XMLSchema:
    if version not in _SCHEMAS:
        _SCHEMAS[version] = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / version / "xdomea.xsd")))
    return _SCHEMAS[version]


# -- messages as an agency would send them ------------------------------------------------


def uid() -> str:
    return str(uuid.uuid4())


@dataclass
class Doc:
    id: str = field(default_factory=uid)
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Vorgang:
    id: str = field(default_factory=uid)
    docs: list[Doc] = field(default_factory=list)


@dataclass
class Akte:
    reference: str
    id: str = field(default_factory=uid)
    vorgaenge: list[Vorgang] = field(default_factory=list)
    docs: list[Doc] = field(default_factory=list)


def sample_akte(reference: str) -> Akte:
    """An Akte with one Vorgang holding one document with one file, and one loose document."""
    return Akte(
        reference,
        vorgaenge=[
            Vorgang(
                docs=[Doc(files=[(f"{uid()}_bescheid.pdf", b"%PDF-1.7 " + reference.encode())])]
            )
        ],
        docs=[Doc(files=[(f"{uid()}_vermerk.txt", b"Vermerk " + reference.encode())])],
    )


def build(code: str, process_id: str, akten: list[Akte], version: str = "3.1.0") -> bytes:
    ns = f"urn:xoev-de:xdomea:schema:{version}"
    names = {
        "0501": "Anbieteverzeichnis",
        "0503": "Aussonderung",
        "0505": "BewertungEmpfangBestaetigen",
    }

    def el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
        child = etree.SubElement(parent, f"{{{ns}}}{name}")
        child.text = text
        return child

    def code_el(parent: etree._Element, name: str, value: str) -> None:
        etree.SubElement(el(parent, name), "code").text = value

    root = etree.Element(f"{{{ns}}}Aussonderung.{names[code]}.{code}", nsmap={"xdomea": ns})
    kopf = el(root, "Kopf")
    el(kopf, "ProzessID", process_id)
    code_el(kopf, "Nachrichtentyp", code)
    el(kopf, "Erstellungszeitpunkt", "2025-03-01T10:00:00+01:00")
    sender = el(kopf, "Absender")
    code_el(el(sender, "Behoerdenkennung"), "Behoerdenschluessel", "05958016")
    el(el(sender, "Institution"), "Name", "Stadt Hagen")
    el(el(el(kopf, "Empfaenger"), "Institution"), "Name", "Landesarchiv")
    el(el(kopf, "SendendesSystem"), "Produktname", "Handgemacht")
    if code == "0501":
        el(kopf, "Empfangsbestaetigung", "true")
    if code == "0503":
        el(kopf, "Importbestaetigung", "1")
        el(kopf, "RueckmeldungArchivkennung", "true")
        el(kopf, "Empfangsbestaetigung", "true")

    def add_doc(parent: etree._Element, doc: Doc) -> None:
        d = el(parent, "Dokument")
        el(el(d, "Identifikation"), "ID", doc.id)
        el(el(d, "AllgemeineMetadaten"), "Betreff", "Schreiben")
        if code == "0503":
            for number, (name, _) in enumerate(doc.files, start=1):
                v = el(d, "Version")
                el(v, "Nummer", str(number))
                f = el(v, "Format")
                code_el(f, "Name", "018")
                f[0].set("listVersionID", "2.0")
                el(f, "Version", "1.7")
                el(el(f, "Primaerdokument"), "Dateiname", name)

    for akte in akten:
        a = el(el(root, "Schriftgutobjekt"), "Akte")
        el(el(a, "Identifikation"), "ID", akte.id)
        meta = el(a, "AllgemeineMetadaten")
        el(meta, "Betreff", f"Akte {akte.reference}")
        el(meta, "Kennzeichen", akte.reference)
        content = el(a, "Akteninhalt")
        for doc in akte.docs:
            add_doc(content, doc)
        for vorgang in akte.vorgaenge:
            v = el(content, "Vorgang")
            el(el(v, "Identifikation"), "ID", vorgang.id)
            for doc in vorgang.docs:
                add_doc(v, doc)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert schema(version).validate(etree.fromstring(xml)), schema(version).error_log
    return xml


def put(
    transfer: Path,
    code: str,
    process_id: str,
    xml: bytes,
    files: Sequence[tuple[str, bytes]] = (),
) -> Path:
    base = message_base(process_id, code)
    temp = transfer / f".{uid()}.partial"
    with zipfile.ZipFile(temp, "w") as archive:
        archive.writestr(f"{base}.xml", xml)
        for name, data in files:
            archive.writestr(name, data)
    return temp.rename(transfer / f"{base}.zip")


def all_files(akten: list[Akte]) -> list[tuple[str, bytes]]:
    docs = [d for a in akten for v in a.vorgaenge for d in v.docs] + [
        d for a in akten for d in a.docs
    ]
    return [f for d in docs for f in d.files]


def ids(akte: Akte) -> set[str]:
    return (
        {akte.id}
        | {v.id for v in akte.vorgaenge}
        | {d.id for v in akte.vorgaenge for d in v.docs}
        | {d.id for d in akte.docs}
    )


def read_reply(path: Path) -> etree._Element:
    parsed = parse_message_name(path.name)
    assert parsed is not None, path.name
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [f"{path.name[:-4]}.xml"]
        return etree.fromstring(archive.read(f"{path.name[:-4]}.xml"))


def appraisals(root: etree._Element) -> dict[str, str]:
    ns = etree.QName(root).namespace
    return {
        o.findtext(f"{{{ns}}}ID"): o.findtext(
            f"{{{ns}}}Aussonderungsart/{{{ns}}}Aussonderungsart/code"
        )
        for o in root.iter(f"{{{ns}}}BewertetesObjekt")
    }


def results(root: etree._Element) -> dict[str, tuple[bool, str | None]]:
    ns = etree.QName(root).namespace
    return {
        e.findtext(f"{{{ns}}}IDSGO"): (
            e.findtext(f"{{{ns}}}Erfolgreich") == "true",
            e.findtext(f"{{{ns}}}Archivkennung"),
        )
        for e in root.iter(f"{{{ns}}}AusgesondertesSGO")
    }


@pytest.fixture
def transfer(tmp_path: Path) -> Path:
    directory = tmp_path / "transfer"
    directory.mkdir()
    return directory


def simulator(transfer: Path, **options: object) -> ArchiveSimulator:
    return ArchiveSimulator(transfer, SCHEMA_DIR, **options)  # type: ignore[arg-type]


# -- 0501 -> 0504 + 0502 ------------------------------------------------------------------


def test_offer_is_answered_with_schema_valid_0504_and_0502(transfer: Path) -> None:
    process = uid()
    akten = [sample_akte("622.12/2019/0007"), sample_akte("622.12/2019/0008")]
    put(transfer, "0501", process, build("0501", process, akten))
    sim = simulator(transfer, archive=ArchiveIdentity("LWL-AA", "LWL-Archivamt", None))

    sent = sim.step()

    assert [s.code for s in sent] == ["0504", "0502"]
    assert sim.errors == []
    for message in sent:
        assert message.path.parent == transfer
        assert message.path.name == f"{message_base(process, message.code)}.zip"
        root = read_reply(message.path)
        assert etree.QName(root).namespace == "urn:xoev-de:xdomea:schema:3.1.0"
        assert schema("3.1.0").validate(root), schema("3.1.0").error_log
        ns = etree.QName(root).namespace
        assert root.findtext(f"{{{ns}}}Kopf/{{{ns}}}ProzessID") == process
        assert (
            root.findtext(f"{{{ns}}}Kopf/{{{ns}}}Absender/{{{ns}}}Institution/{{{ns}}}Name")
            == "LWL-Archivamt"
        )
        assert (
            root.findtext(f"{{{ns}}}Kopf/{{{ns}}}Empfaenger/{{{ns}}}Institution/{{{ns}}}Name")
            == "Stadt Hagen"
        )
    assert appraisals(read_reply(sent[1].path)) == {
        **{a.id: "A" for a in akten},
        **{v.id: "A" for a in akten for v in a.vorgaenge},
    }
    assert sorted(p.name for p in transfer.iterdir()) == sorted(
        [f"{message_base(process, c)}.zip" for c in ("0501", "0502", "0504")]
    )


def test_appraisal_callback_decides_and_left_out_objects_are_not_listed(transfer: Path) -> None:
    process = uid()
    keep, destroy, left_out = (sample_akte(r) for r in ("1", "2", "3"))
    put(transfer, "0501", process, build("0501", process, [keep, destroy, left_out]))
    seen: list[OfferedObject] = []

    def appraise(obj: OfferedObject) -> str | None:
        seen.append(obj)
        return {keep.id: "A", destroy.id: "V"}.get(obj.object_id)

    sim = simulator(transfer, appraise=appraise, appraise_nested=True)
    sim.step()

    listed = appraisals(read_reply(sim.sent_of("0502")[0].path))
    assert listed == {
        keep.id: "A",
        keep.vorgaenge[0].id: "A",
        destroy.id: "V",
        destroy.vorgaenge[0].id: "V",
    }
    assert {o.kind for o in seen} == {"Akte", "Vorgang"}
    assert {o.reference for o in seen if o.kind == "Akte"} == {"1", "2", "3"}


def test_an_a_vorgang_makes_its_akte_a_and_siblings_keep_their_value(transfer: Path) -> None:
    process = uid()
    akte = sample_akte("1")
    akte.vorgaenge.append(Vorgang())
    wanted = akte.vorgaenge[0].id
    put(transfer, "0501", process, build("0501", process, [akte]))
    sim = simulator(
        transfer,
        appraise=lambda o: {akte.id: "V", wanted: "A"}.get(o.object_id),
        appraise_nested=True,
    )
    sim.step()
    assert appraisals(read_reply(sim.sent_of("0502")[0].path)) == {
        akte.id: "A",
        wanted: "A",
        akte.vorgaenge[1].id: "V",
    }


def test_list_inherited_false_lists_only_decided_objects(transfer: Path) -> None:
    process = uid()
    akte = sample_akte("1")
    put(transfer, "0501", process, build("0501", process, [akte]))
    sim = simulator(transfer, list_inherited=False)
    sim.step()
    assert appraisals(read_reply(sim.sent_of("0502")[0].path)) == {akte.id: "A"}


def test_schema_invalid_offer_gets_no_reply_and_an_error(transfer: Path) -> None:
    process = uid()
    xml = build("0501", process, [sample_akte("1")]).replace(
        b"Erstellungszeitpunkt>2025", b"Erstellungszeitpunkt>gestern 2025"
    )
    put(transfer, "0501", process, xml)
    sim = simulator(transfer)
    assert sim.step() == []
    assert [e.title for e in sim.errors] == ["Schema-Validierung ungültig"]
    assert sim.received[0].accepted is False


def test_process_id_in_kopf_must_match_the_file_name(transfer: Path) -> None:
    put(transfer, "0501", uid(), build("0501", uid(), [sample_akte("1")]))
    sim = simulator(transfer)
    assert sim.step() == []
    assert [e.title for e in sim.errors] == ["ProzessID im Kopf weicht vom Dateinamen ab"]


# -- transfer directory -------------------------------------------------------------------


def test_step_is_idempotent_and_ignores_partial_and_own_files(transfer: Path) -> None:
    process = uid()
    put(transfer, "0501", process, build("0501", process, [sample_akte("1")]))
    (transfer / ".tmp-upload-123").write_bytes(b"PK\x03\x04 half a zip")
    sim = simulator(transfer)
    assert len(sim.step()) == 2
    assert sim.step() == []
    assert sim.step() == []
    assert len(sim.sent) == 2 and len(sim.received) == 1
    assert sim.unknown_files == {".tmp-upload-123"}
    assert sim.errors == []


def test_temporary_name_containing_the_message_name_is_flagged(transfer: Path) -> None:
    """x-man's patterns are unanchored: it would read ``<name>.zip.part`` as a message."""
    process = uid()
    (transfer / f"{message_base(process, '0503')}.zip.part").write_bytes(b"PK\x03\x04")
    sim = simulator(transfer)
    assert sim.step() == []
    assert [e.title for e in sim.errors] == ["Datei würde von x-man als Nachricht gelesen"]
    assert sim.received == []


def test_unreadable_zip_under_a_message_name_is_an_error_once(transfer: Path) -> None:
    process = uid()
    (transfer / f"{message_base(process, '0501')}.zip").write_bytes(b"not a zip")
    sim = simulator(transfer)
    sim.step()
    sim.step()
    assert [e.title for e in sim.errors] == ["Nachricht nicht lesbar"]


def test_replies_go_to_configured_sub_directories(transfer: Path) -> None:
    process = uid()
    put(transfer, "0501", process, build("0501", process, [sample_akte("1")]))
    sim = simulator(transfer, reply_dirs={"0502": "bewertung", "0504": "eingang"})
    sim.step()
    assert {s.code: s.path.parent.name for s in sim.sent} == {
        "0502": "bewertung",
        "0504": "eingang",
    }
    assert sim.step() == [] and sim.unknown_files == set()


# -- 0503 -> 0507 + 0506 ------------------------------------------------------------------


def four_step(transfer: Path, akten: list[Akte], **options: object) -> tuple[str, ArchiveSimulator]:
    process = uid()
    put(transfer, "0501", process, build("0501", process, akten))
    sim = simulator(transfer, **options)
    sim.step()
    return process, sim


def test_full_four_step_round_trip(transfer: Path) -> None:
    keep, destroy = sample_akte("1"), sample_akte("2")
    process, sim = four_step(
        transfer, [keep, destroy], appraise=lambda o: "V" if o.object_id == destroy.id else "A"
    )
    put(transfer, "0505", process, build("0505", process, []))
    put(transfer, "0503", process, build("0503", process, [keep]), all_files([keep]))

    sent = sim.step()

    assert [s.code for s in sent] == ["0507", "0506"]
    assert sim.errors == [] and sim.warnings == []
    assert sorted(r.code for r in sim.received) == ["0501", "0503", "0505"]
    for message in sent:
        assert schema("3.1.0").validate(read_reply(message.path))
    outcome = results(read_reply(sent[1].path))
    assert set(outcome) == ids(keep)
    assert {ok for ok, _ in outcome.values()} == {True}
    assert {signature for _, signature in outcome.values()} == {"Best. 123 Nr. 1"}
    assert {name: f.sha256 for name, f in sim.archived_files.items()} == {
        name: hashlib.sha256(data).hexdigest() for name, data in all_files([keep])
    }
    assert all(f.imported for f in sim.archived_files.values())


def test_missing_primary_file_fails_its_package(transfer: Path) -> None:
    good, bad = sample_akte("1"), sample_akte("2")
    process, sim = four_step(transfer, [good, bad])
    files = all_files([good, bad])
    lost = bad.vorgaenge[0].docs[0].files[0][0]
    put(
        transfer,
        "0503",
        process,
        build("0503", process, [good, bad]),
        [f for f in files if f[0] != lost],
    )

    sim.step()

    outcome = results(read_reply(sim.sent_of("0506")[0].path))
    assert {i for i, (ok, _) in outcome.items() if not ok} == ids(bad)
    assert {i for i, (ok, _) in outcome.items() if ok} == ids(good)
    assert all(signature is None for ok, signature in outcome.values() if not ok)
    assert [e.title for e in sim.errors] == ["Primärdateien fehlen in Abgabe"]
    assert lost in sim.errors[0].info
    assert len(sim.sent_of("0507")) == 1  # x-man confirms receipt all the same
    failed = next(o for o in sim.import_results(process) if o.object_id == bad.id)
    assert failed.message is not None and lost in failed.message


def test_record_set_must_match_the_appraisal(transfer: Path) -> None:
    wanted, unwanted, extra_vorgang_akte = sample_akte("1"), sample_akte("2"), sample_akte("3")
    process, sim = four_step(
        transfer,
        [wanted, unwanted, extra_vorgang_akte],
        appraise=lambda o: "V" if o.object_id == unwanted.id else "A",
    )
    incomplete = Akte("3", id=extra_vorgang_akte.id, vorgaenge=[], docs=extra_vorgang_akte.docs)
    sent_akten = [unwanted, incomplete]  # wanted missing, unwanted surplus, a Vorgang missing
    put(transfer, "0503", process, build("0503", process, sent_akten), all_files(sent_akten))

    sim.step()

    titles = [e.title for e in sim.errors]
    assert titles == [
        "Die Abgabe ist nicht vollständig",
        "Die Abgabe enthält zusätzliche Schriftgutobjekte",
    ]
    missing = sim.errors[0].info.splitlines()
    assert sorted(missing) == sorted([wanted.id, extra_vorgang_akte.vorgaenge[0].id])
    outcome = results(read_reply(sim.sent_of("0506")[0].path))
    assert wanted.id not in outcome
    assert {ok for ok, _ in outcome.values()} == {False}


def test_unreferenced_file_in_the_zip_is_an_error(transfer: Path) -> None:
    akte = sample_akte("1")
    process, sim = four_step(transfer, [akte])
    put(
        transfer,
        "0503",
        process,
        build("0503", process, [akte]),
        [*all_files([akte]), ("stray.txt", b"x")],
    )
    sim.step()
    assert [(e.title, e.info) for e in sim.errors] == [
        ("Nicht referenzierte Dateien in der Abgabe", "stray.txt")
    ]


def test_fail_objects_fail_with_everything_below_them(transfer: Path) -> None:
    akte = sample_akte("1")
    akte.vorgaenge.append(Vorgang(docs=[Doc(files=[(f"{uid()}_b.pdf", b"b")])]))
    process, sim = four_step(transfer, [akte], fail_objects={akte.vorgaenge[1].id})
    put(transfer, "0503", process, build("0503", process, [akte]), all_files([akte]))
    sim.step()
    outcome = results(read_reply(sim.sent_of("0506")[0].path))
    failed = {akte.vorgaenge[1].id, akte.vorgaenge[1].docs[0].id}
    assert {i for i, (ok, _) in outcome.items() if not ok} == failed
    assert outcome[akte.id] == (True, "Best. 123 Nr. 1")
    imported = {f.object_id: f.imported for f in sim.archived_files.values()}
    assert imported[akte.vorgaenge[1].docs[0].id] is False
    assert imported[akte.vorgaenge[0].docs[0].id] is True


def test_two_step_transfer_without_offer_is_accepted(transfer: Path) -> None:
    process = uid()
    akten = [sample_akte("1"), sample_akte("2")]
    put(transfer, "0503", process, build("0503", process, akten), all_files(akten))
    sim = simulator(transfer)
    assert [s.code for s in sim.step()] == ["0507", "0506"]
    assert sim.errors == []
    outcome = results(read_reply(sim.sent_of("0506")[0].path))
    assert set(outcome) == ids(akten[0]) | ids(akten[1])
    assert {s for _, s in outcome.values()} == {"Best. 123 Nr. 1", "Best. 123 Nr. 2"}


def test_held_import_confirmation_is_written_only_on_release(transfer: Path) -> None:
    process = uid()
    akten = [sample_akte("1")]
    put(transfer, "0503", process, build("0503", process, akten), all_files(akten))
    sim = simulator(transfer, hold_import_confirmation=True)
    assert [s.code for s in sim.step()] == ["0507"]
    assert sim.step() == []
    assert all(f.imported for f in sim.archived_files.values())  # decided, not yet told
    assert [s.code for s in sim.release(process)] == ["0506"]
    assert sim.release() == []


def test_transfer_before_the_appraisal_is_an_error(transfer: Path) -> None:
    akte = sample_akte("1")
    process, sim = four_step(transfer, [akte], hold_appraisal=True)
    assert sim.sent_of("0502") == []
    put(transfer, "0503", process, build("0503", process, [akte]), all_files([akte]))
    sim.step()
    assert [e.title for e in sim.errors] == [
        "Die Abgabe wurde erhalten, bevor die Bewertung der Anbietung abgeschlossen wurde"
    ]


# -- negative replies ---------------------------------------------------------------------


@pytest.mark.parametrize("code", ["0502", "0504"])
def test_schema_invalid_reply_on_request(transfer: Path, code: str) -> None:
    _, sim = four_step(transfer, [sample_akte("1")], schema_invalid_replies={code})
    (bad,) = sim.sent_of(code)
    assert bad.schema_valid is False
    assert not schema("3.1.0").validate(read_reply(bad.path))
    (other,) = [s for s in sim.sent if s.code != code]
    assert schema("3.1.0").validate(read_reply(other.path))


def test_reply_with_unknown_process_id(transfer: Path) -> None:
    process, sim = four_step(transfer, [sample_akte("1")], unknown_process_replies={"0502"})
    (reply,) = sim.sent_of("0502")
    assert reply.process_id != process
    root = read_reply(reply.path)
    ns = etree.QName(root).namespace
    assert root.findtext(f"{{{ns}}}Kopf/{{{ns}}}ProzessID") == reply.process_id
    assert reply.path.name.startswith(reply.process_id)
    assert sim.sent_of("0504")[0].process_id == process


def test_appraisal_naming_objects_not_offered(transfer: Path) -> None:
    stranger = uid()
    akte = sample_akte("1")
    _, sim = four_step(transfer, [akte], extra_appraisals={stranger: "V"})
    listed = appraisals(read_reply(sim.sent_of("0502")[0].path))
    assert listed[stranger] == "V" and listed[akte.id] == "A"


def test_duplicate_appraisal(transfer: Path) -> None:
    _, sim = four_step(transfer, [sample_akte("1")], duplicate_0502=True)
    first, second = sim.sent_of("0502")
    assert first.path.parent == transfer and second.path.parent == transfer / "0502"
    assert appraisals(read_reply(first.path)) == appraisals(read_reply(second.path))
    assert sim.step() == [] and sim.unknown_files == set()


def test_replies_in_3_0_0_on_request(transfer: Path) -> None:
    akte = sample_akte("1")
    process, sim = four_step(transfer, [akte], reply_version="3.0.0")
    put(transfer, "0503", process, build("0503", process, [akte]), all_files([akte]))
    sim.step()
    assert [s.code for s in sim.sent] == ["0504", "0502", "0507", "0506"]
    for message in sim.sent:
        root = read_reply(message.path)
        assert etree.QName(root).namespace == "urn:xoev-de:xdomea:schema:3.0.0"
        assert schema("3.0.0").validate(root), schema("3.0.0").error_log


# -- x-man's own example messages (xdomea 3.0.0) ------------------------------------------


def test_xman_example_process_in_3_0_0(transfer: Path) -> None:
    """x-man's end-to-end test data: 0501 offers three Akten, the 0503 brings two."""

    def copy(code: str) -> None:
        name = f"{message_base(XMAN_PROCESS, code)}.zip"
        shutil.copyfile(XMAN_EXAMPLES / name, transfer / name)

    copy("0501")
    sim = simulator(transfer, appraise=lambda o: "V" if o.reference == "1234-3" else "A")
    assert [s.code for s in sim.step()] == ["0504", "0502"]
    copy("0505")
    copy("0503")
    assert [s.code for s in sim.step()] == ["0507", "0506"]

    assert sim.errors == []
    for message in sim.sent:
        root = read_reply(message.path)
        assert etree.QName(root).namespace == "urn:xoev-de:xdomea:schema:3.0.0"
        assert schema("3.0.0").validate(root), schema("3.0.0").error_log
    outcome = results(read_reply(sim.sent_of("0506")[0].path))
    assert len(outcome) == 8 and all(ok for ok, _ in outcome.values())
    assert len(sim.archived_files) == 3


def test_xman_example_transfer_missing_an_appraised_akte(transfer: Path) -> None:
    def copy(code: str) -> None:
        name = f"{message_base(XMAN_PROCESS, code)}.zip"
        shutil.copyfile(XMAN_EXAMPLES / name, transfer / name)

    copy("0501")
    sim = simulator(transfer)
    sim.step()
    copy("0503")
    sim.step()
    assert [e.title for e in sim.errors] == ["Die Abgabe ist nicht vollständig"]
    assert sim.errors[0].info == "1dd94fdb-d134-4e40-b814-4aa6b2253c9c"


def test_authority_keys_on_request_and_sender_check(transfer: Path) -> None:
    process = uid()
    put(transfer, "0501", process, build("0501", process, [sample_akte("1")]))
    sim = simulator(transfer, with_authority_key=True, agency_key="05958016")
    sim.step()
    assert sim.errors == []
    root = read_reply(sim.sent_of("0502")[0].path)
    ns = etree.QName(root).namespace
    key = f"{{{ns}}}Behoerdenkennung/{{{ns}}}Behoerdenschluessel/code"
    assert root.findtext(f"{{{ns}}}Kopf/{{{ns}}}Absender/{key}") == "LATh"
    assert root.findtext(f"{{{ns}}}Kopf/{{{ns}}}Empfaenger/{key}") == "05958016"
    assert schema("3.1.0").validate(root)

    other = uid()
    put(transfer, "0501", other, build("0501", other, [sample_akte("2")]))
    sim.agency_key = "05958000"
    sim.step()
    assert [e.process_id for e in sim.errors] == [other]
    assert sim.errors[0].title.startswith("Behördenkennung der Nachricht stimmt nicht")


def test_replies_are_written_like_xman_writes_them(transfer: Path) -> None:
    """No Behördenkennung by default, local time without zone, X-MAN as sending system."""
    process = uid()
    put(transfer, "0501", process, build("0501", process, [sample_akte("1")]))
    sim = simulator(transfer)
    sim.step()
    root = read_reply(sim.sent_of("0502")[0].path)
    ns = etree.QName(root).namespace
    kopf = root.find(f"{{{ns}}}Kopf")
    assert kopf is not None
    assert kopf.find(f"{{{ns}}}Absender/{{{ns}}}Behoerdenkennung") is None
    assert kopf.findtext(f"{{{ns}}}Empfangsbestaetigung") == "true"
    assert kopf.findtext(f"{{{ns}}}SendendesSystem/{{{ns}}}Produktname") == "X-MAN"
    created = kopf.findtext(f"{{{ns}}}Erstellungszeitpunkt") or ""
    assert len(created) == 19 and created[10] == "T"


def test_numeric_booleans_on_request(transfer: Path) -> None:
    process = uid()
    akten = [sample_akte("1")]
    put(transfer, "0503", process, build("0503", process, akten), all_files(akten))
    sim = simulator(transfer, numeric_booleans=True, fail_objects={akten[0].docs[0].id})
    sim.step()
    root = read_reply(sim.sent_of("0506")[0].path)
    assert schema("3.1.0").validate(root)
    ns = etree.QName(root).namespace
    values = {e.findtext(f"{{{ns}}}Erfolgreich") for e in root.iter(f"{{{ns}}}AusgesondertesSGO")}
    assert values == {"1", "0"}
