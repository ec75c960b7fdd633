"""The destruction certificate: canonical JSON that reads back, a German PDF that says it all."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import time
from datetime import UTC, date, datetime, timedelta, timezone

import pikepdf
import pypdfium2 as pdfium
import pytest

from file_plan.model import ArchiveValue
from services.archive.certificate import (
    DEFAULT_LEGAL_BASIS,
    FORMAT,
    Appraisal,
    AppraisalSource,
    Approval,
    DestroyedAkte,
    DestroyedDocument,
    DestructionReason,
    DestructionRecord,
    VersionDigest,
)
from services.archive.certificate_json import certificate_from_json, certificate_json
from services.archive.certificate_pdf import certificate_pdf
from services.archive.xdomea.model import Party
from services.errors import ConfigurationError

A4_WIDTH, A4_HEIGHT = 595.28, 841.89
MARGIN = 15 * 72 / 25.4
HEADINGS = (
    "Aktenzeichen",
    "Titel",
    "Aktenplan",
    "Laufzeit",
    "Aufbewahrungsfrist bis",
    "Bewertung",
    "Rechtsgrundlage",
    "Freigabe durch",
    "ProzessID",
    "Prüfsummen (SHA-256)",
)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _document(akte: int, n: int, title: str | None = None, versions: int = 1) -> DestroyedDocument:
    return DestroyedDocument(
        document_id=f"d-{akte}-{n}",
        title=title or f"Schreiben {n} an Frau Jürgens",
        versions=tuple(
            VersionDigest(
                number=v,
                sha256=_sha(f"content {akte} {n} {v}"),
                size=1000 + v,
                rendition_sha256=_sha(f"rendition {akte} {n} {v}") if v % 2 else None,
                rendition_size=2000 + v if v % 2 else None,
            )
            for v in range(1, versions + 1)
        ),
    )


def _akte(
    i: int, *, documents: int = 2, versions: int = 2, title: str | None = None, **extra: object
) -> DestroyedAkte:
    fields: dict[str, object] = {
        "aktenzeichen": f"622.12/2014/{i:04d}",
        "title": title or f"Bauantrag Müllerstraße {i}, Abbruch der Garage",
        "plan_code": "622.12",
        "plan_title": "Baugenehmigungen und Bauüberwachung",
        "opened_on": date(2009, 4, 1),
        "closed_on": date(2014, 6, 30),
        "retention_until": date(2024, 12, 31),
        "appraisal": Appraisal(
            value=ArchiveValue.DESTROY,
            source=AppraisalSource.RECORDS_MANAGER,
            by="Jörg Schäfer",
            reason="Keine bauhistorische Bedeutung",
            appraised_at=datetime(2025, 2, 3, 9, 30, tzinfo=UTC),
            plan_value=ArchiveValue.APPRAISE,
        ),
        "documents": tuple(_document(i, n, versions=versions) for n in range(documents)),
        "akte_id": f"akte-{i}",
    }
    fields.update(extra)
    return DestroyedAkte(**fields)  # type: ignore[arg-type]


def _record(akten: tuple[DestroyedAkte, ...] | None = None, **extra: object) -> DestructionRecord:
    reason = extra.pop("reason", DestructionReason.ARCHIVE_APPRAISED_V)
    assert isinstance(reason, DestructionReason)
    fields: dict[str, object] = {
        "certificate_id": "0b6f3c1e-5a55-4c59-9d8e-2f7c1a0e9b11",
        "number": "VP-2026-0007",
        "authority": Party("05914000", "Stadt Hagen – Bauordnungsamt"),
        "reason": reason,
        "legal_basis": DEFAULT_LEGAL_BASIS[reason],
        "destroyed_at": datetime(2026, 3, 2, 14, 5, tzinfo=timezone(timedelta(hours=1))),
        "akten": akten if akten is not None else (_akte(1), _akte(2)),
        "process_id": "3f2a9c7e-8d1b-4e6f-a5c4-1b2d3e4f5a6b",
        "archive": Party("LWL-AA", "LWL-Archivamt für Westfalen"),
        "approval": Approval(
            "Jörg Schäfer (Schriftgutverwaltung)", datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
        ),
    }
    fields.update(extra)
    return DestructionRecord(**fields)  # type: ignore[arg-type]


def _text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()


def _flat(pages: list[str]) -> str:
    """All pages as one line: table cells wrap wherever their column ends."""
    return " ".join(" ".join(pages).split())


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _char_boxes(pdf: bytes) -> list[tuple[float, float, float, float]]:
    document = pdfium.PdfDocument(pdf)
    try:
        boxes = []
        for page in document:
            textpage = page.get_textpage()
            boxes += [textpage.get_charbox(i) for i in range(textpage.count_chars())]
        return boxes
    finally:
        document.close()


def _assert_within_margins(pdf: bytes) -> None:
    for left, bottom, right, top in _char_boxes(pdf):
        if right <= left:  # generated spaces and line breaks have no box
            continue
        assert left >= MARGIN - 1 and right <= A4_WIDTH - MARGIN + 1, (left, right)
        assert bottom >= 15 and top <= A4_HEIGHT - MARGIN + 1, (bottom, top)


def _leaf_names(cls: type) -> set[str]:
    """Every field name of the record's dataclasses, recursively."""
    names: set[str] = set()
    for f in dataclasses.fields(cls):
        names.add(f.name)
        for inner in (Party, Approval, DestroyedAkte, Appraisal, DestroyedDocument, VersionDigest):
            if inner.__name__ in str(f.type) and inner is not cls:
                names |= _leaf_names(inner)
    return names


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


# --- JSON -----------------------------------------------------------------------------------


def test_json_reads_back_into_an_equal_record_and_names_every_field() -> None:
    record = _record(
        akten=(_akte(1, archive_signature="Best. 12 Nr. 345"), _akte(2, closed_on=None)),
        reason=DestructionReason.TRANSFERRED,
    )
    data = certificate_json(record)

    assert certificate_from_json(data) == record
    doc = json.loads(data)
    assert doc["format"] == FORMAT == "eakte-destruction-certificate/1"
    assert _leaf_names(DestructionRecord) <= _keys(doc)
    assert doc["totals"] == {"akten": 2, "documents": 4, "versions": 8}
    assert doc["destroyed_at"] == "2026-03-02T14:05:00+01:00"
    first = doc["akten"][0]
    assert first["opened_on"] == "2009-04-01"
    assert first["archive_signature"] == "Best. 12 Nr. 345"
    assert first["appraisal"] == {
        "value": "V",
        "source": "records_manager",
        "by": "Jörg Schäfer",
        "reason": "Keine bauhistorische Bedeutung",
        "appraised_at": "2025-02-03T09:30:00+00:00",
        "plan_value": "B",
    }
    assert first["documents"][0]["versions"][0] == {
        "number": 1,
        "sha256": _sha("content 1 0 1"),
        "size": 1001,
        "rendition_sha256": _sha("rendition 1 0 1"),
        "rendition_size": 2001,
    }
    assert doc["akten"][1]["closed_on"] is None


def test_json_is_canonical_utf8() -> None:
    data = certificate_json(_record())
    canonical = json.dumps(
        json.loads(data), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert data == canonical
    assert "Müllerstraße".encode() in data
    assert certificate_json(_record()) == data


def test_a_record_without_approval_reads_back_as_not_required() -> None:
    record = _record(approval=None)
    doc = json.loads(certificate_json(record))
    assert doc["approval_required"] is False
    assert doc["approval"] is None
    assert certificate_from_json(certificate_json(record)) == record


@pytest.mark.parametrize(
    "data",
    [b'{"format": "something-else/1"}', b"[]", json.dumps({"format": FORMAT}).encode()],
)
def test_json_that_is_not_a_certificate_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="eakte-destruction-certificate/1"):
        certificate_from_json(data)


def test_naive_times_and_malformed_hashes_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        _record(destroyed_at=datetime(2026, 3, 2, 14, 5))  # naive on purpose
    with pytest.raises(ValueError, match="SHA-256"):
        VersionDigest(number=1, sha256="ABC", size=1)
    with pytest.raises(ValueError, match="SHA-256"):
        VersionDigest(number=1, sha256=_sha("x"), size=1, rendition_sha256=_sha("y").upper())


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_is_valid_and_names_headings_files_approver_and_hashes() -> None:
    record = _record()
    pdf = certificate_pdf(record)

    with pikepdf.open(io.BytesIO(pdf)) as opened:
        pages = len(opened.pages)
        assert opened.docinfo["/Title"] == "Vernichtungsprotokoll Nr. VP-2026-0007"
    text = _text(pdf)
    assert len(text) == pages
    whole = _flat(text)
    assert whole.startswith("Vernichtungsprotokoll")
    for heading in HEADINGS:
        assert heading in whole, heading
    assert "Archivsignatur" not in whole  # nothing was transferred
    for akte in record.akten:
        assert akte.aktenzeichen in whole
        assert akte.title in whole
    assert "Jörg Schäfer (Schriftgutverwaltung), am 01.03.2026, 09:00 Uhr" in whole
    assert "Stadt Hagen – Bauordnungsamt (Behördenkennung 05914000)" in whole
    assert record.process_id is not None and record.process_id in whole
    assert "01.04.2009 – 30.06.2014" in whole
    assert "31.12.2024" in whole
    assert "V (vernichten) – Schriftgutverwaltung: Jörg Schäfer" in whole
    assert "Aktenplan: B (bewerten); Begründung: Keine bauhistorische Bedeutung" in whole
    assert "§ 4 Abs. 1 i. V. m. § 10 ArchivG NRW" in whole
    compact = _compact(whole)
    for akte in record.akten:
        for doc in akte.documents:
            assert doc.title in whole
            for version in doc.versions:
                assert version.sha256 in compact
                if version.rendition_sha256:
                    assert version.rendition_sha256 in compact
    json_sha256 = hashlib.sha256(certificate_json(record)).hexdigest()
    for number, page in enumerate(text, start=1):
        assert f"Seite {number} von {pages}" in page
        assert json_sha256 in _compact(page)
    _assert_within_margins(pdf)


def test_transferred_records_get_a_loeschprotokoll_with_archive_signatures() -> None:
    akte = _akte(
        1,
        archive_signature="LWL-AA Best. 622 Nr. 4711",
        appraisal=Appraisal(ArchiveValue.ARCHIVE, AppraisalSource.ARCHIVE, by="LWL-Archivamt"),
    )
    record = _record((akte,), reason=DestructionReason.TRANSFERRED, approval=None)
    whole = _flat(_text(certificate_pdf(record)))
    assert whole.startswith("Löschprotokoll")
    assert "Archivsignatur" in whole
    assert "LWL-AA Best. 622 Nr. 4711" in whole
    assert "A (archivwürdig) – Archiv: LWL-Archivamt" in whole
    assert "Eine Freigabe war nicht erforderlich: Das Archiv hat die Übernahme mit der" in whole


def test_without_approval_the_pdf_says_it_was_not_required() -> None:
    record = _record(reason=DestructionReason.OFFER_WAIVED, approval=None, archive=None)
    whole = _flat(_text(certificate_pdf(record)))
    assert "Freigabe durch" in whole
    assert "Eine Freigabe war nicht erforderlich (Einstellung: Vernichtung ohne Freigabe)." in whole
    assert "Anbietungsverzicht des zuständigen Archivs" in whole
    assert "Archiv LWL" not in whole and "(LWL-AA)" not in whole


def test_long_titles_and_a_300_document_akte_stay_within_the_page() -> None:
    long_words = " ".join(["Grundstücksentwässerungsangelegenheit"] * 12)
    unbroken = "Ü" + "x" * 400
    documents = tuple(
        _document(1, n, title=unbroken if n == 0 else f"{long_words} {n}", versions=1 + n % 3)
        for n in range(300)
    )
    big = _akte(1, title=f"{long_words} {unbroken}", documents=0)
    big = dataclasses.replace(big, documents=documents)
    record = _record((big, _akte(2, documents=0)))

    pdf = certificate_pdf(record)
    _assert_within_margins(pdf)
    compact = _compact("\n".join(_text(pdf)))
    assert _compact(unbroken) in compact
    for doc in documents:
        for version in doc.versions:
            assert version.sha256 in compact
    assert "DieAkteenthieltkeineDokumente." in compact


def test_a_row_taller_than_a_page_is_cut_not_overflowing() -> None:
    endless = " ".join(f"Wort{n}" for n in range(4000))
    record = _record((_akte(1, documents=1, title=endless),))
    pdf = certificate_pdf(record)
    _assert_within_margins(pdf)
    whole = _flat(_text(pdf))
    assert "…" in whole
    assert "Wort0 Wort1" in whole


def test_missing_fonts_are_a_configuration_error(tmp_path: object) -> None:
    with pytest.raises(ConfigurationError, match="fonts-dejavu-core"):
        certificate_pdf(_record(), font_dir=tmp_path)  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_thousand_akten_with_ten_documents_each_render_in_linear_time() -> None:
    record = _record(tuple(_akte(i, documents=10, versions=3) for i in range(1000)))
    started = time.perf_counter()
    data = certificate_json(record)
    pdf = certificate_pdf(record)
    elapsed = time.perf_counter() - started
    assert json.loads(data)["totals"] == {"akten": 1000, "documents": 10_000, "versions": 30_000}
    assert elapsed < 60, f"{elapsed:.1f} s"
    text = [_flat([page]) for page in _text(pdf)]
    assert len(text) > 1200  # many more pages than fpdf2's default page-count alias has room for
    assert "Akte 1000 von 1000: 622.12/2014/0999" in " ".join(text[-3:])
    for number, page in enumerate(text, start=1):
        assert f"Seite {number} von {len(text)}" in page
        # neither an Akte's heading nor a table header is left alone at the foot of a page
        body = page.rsplit("SHA-256 der JSON-Fassung", 1)[0]
        assert "Prüfsummen (SHA-256)" in body.rsplit("Akte ", 1)[-1] or " von 1000: " not in body
        assert "ID d-" in body.rsplit("SHA-256 Rendition", 1)[-1]
