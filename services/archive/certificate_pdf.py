"""The certificate as a German PDF (A4, fpdf2, DejaVu Sans embedded so umlauts print).

Made like the other German PDFs (:mod:`services.privacy.render_pdf`): every value is set
as plain text, never as markup.  Each Akte gets a short block of its facts and a table of
its documents, one row per version, with both SHA-256 sums set in DejaVu Sans Mono and
split into two lines of 32 characters, so a hash never runs over its column.  Each Akte's
table is rendered before the next one starts, so the work grows with the number of rows.
Every page carries the SHA-256 of the JSON rendition, which ties the two together, and
``Seite x von y``.  Times are shown in German local time (Europe/Berlin).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.archive.certificate import (
    Appraisal,
    AppraisalSource,
    DestroyedAkte,
    DestructionReason,
    DestructionRecord,
)
from services.archive.certificate_grid import Face, Grid, Widths
from services.archive.certificate_json import certificate_json
from services.einvoice.rendering.pdf import FAMILY, find_font_dir
from services.errors import ConfigurationError

MONO = "DejaVuMono"
PAGES = "{pages}"
"""The page count's alias; wider than fpdf2's ``{nb}``, so it has room for 1000 and more."""
TEXT_FACE = Face(FAMILY, "", 8)
LABEL_FACE = Face(FAMILY, "B", 8)
HASH_FACE = Face(MONO, "", 6)
HEAD_FACE = Face(FAMILY, "B", 7)
CELL_FACE = Face(FAMILY, "", 7)
PAIR_WIDTHS = (42, 138)
DOC_COLUMNS = ("Dokument", "Version", "Größe (Bytes)", "SHA-256 Inhalt", "SHA-256 Rendition")
DOC_WIDTHS = (61, 14, 17, 44, 44)
"""Millimetres (180 in all); 32 mono characters at 6 pt take 41 mm of a hash column."""
DOC_FACES = (CELL_FACE, CELL_FACE, CELL_FACE, HASH_FACE, HASH_FACE)
DOC_ALIGNS = ("L", "R", "R", "L", "L")
KEEP_WITH_AKTE_HEADING = 70
"""Millimetres for heading, facts and first document row; else the Akte starts a new page."""


def _zone() -> tzinfo:
    try:
        return ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:  # no time-zone data on the host: say UTC rather than guess
        return UTC


def _time(moment: datetime) -> str:
    zone = _zone()
    text = moment.astimezone(zone).strftime("%d.%m.%Y, %H:%M Uhr")
    return text if zone is not UTC else f"{text} (UTC)"


def _day(day: date | None, missing: str = "–") -> str:
    return day.strftime("%d.%m.%Y") if day is not None else missing


def _bytes(size: int | None) -> str:
    return f"{size:,}".replace(",", ".") if size is not None else "–"


def _hash(value: str | None) -> str:
    return f"{value[:32]}\n{value[32:]}" if value is not None else "–"


class _Pdf(FPDF):
    def __init__(self, title: str, json_sha256: str, font_dir: Path | None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._title_text = title
        self._json_sha256 = json_sha256
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        fonts = font_dir or find_font_dir()
        mono = fonts / "DejaVuSansMono.ttf"
        if not mono.is_file():
            raise ConfigurationError(f"{mono} not found; install the package fonts-dejavu-core")
        self.add_font(FAMILY, "", str(fonts / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.add_font(MONO, "", str(mono))
        self.measure = Widths(self)
        self.alias_nb_pages(PAGES, align="L")
        self.set_title(title)
        self.set_lang("de-DE")
        self.set_creator("eakte")
        self.add_page()

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(MONO, size=6)
        self.cell(
            0, 3.5, f"SHA-256 der JSON-Fassung: {self._json_sha256}", align="C", new_x=XPos.LMARGIN
        )
        self.set_y(-11)
        self.set_font(FAMILY, size=7)
        self.cell(0, 4, f"{self._title_text} — Seite {self.page_no()} von {PAGES}", align="C")

    def heading(self, text: str, size: float) -> None:
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(self, text: str, size: float = 8) -> None:
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def pairs(self, rows: Sequence[tuple[str, str]], hash_rows: Sequence[str] = ()) -> None:
        grid = Grid(self, PAIR_WIDTHS, measure=self.measure, line_height=3.8)
        for label, value in rows:
            grid.row((label, value), (LABEL_FACE, HASH_FACE if label in hash_rows else TEXT_FACE))
        self.ln(2)


def certificate_pdf(record: DestructionRecord, *, font_dir: Path | None = None) -> bytes:
    """The certificate as PDF; it names the SHA-256 of ``certificate_json(record)``."""
    json_sha256 = hashlib.sha256(certificate_json(record)).hexdigest()
    title = record.reason.heading
    pdf = _Pdf(f"{title} Nr. {record.number}", json_sha256, font_dir)
    pdf.heading(title, 16)
    pdf.pairs(_summary(record, json_sha256), hash_rows=("SHA-256 der JSON-Fassung",))
    pdf.paragraph(
        "Die nachstehend aufgeführten Akten wurden mit allen Dokumenten und deren Versionen "
        "aus eakte gelöscht; von jeder Akte bleibt ein Nachweis (Tombstone). Die Prüfsummen "
        "(SHA-256) weisen nach, welche Inhalte gelöscht wurden. Die JSON-Fassung dieses "
        "Protokolls enthält dieselben Angaben maschinenlesbar; ihre Prüfsumme steht am Fuß "
        "jeder Seite."
    )
    total = len(record.akten)
    for index, akte in enumerate(record.akten, start=1):
        _akte_section(pdf, index, total, akte)
    return bytes(pdf.output())


def _summary(record: DestructionRecord, json_sha256: str) -> list[tuple[str, str]]:
    authority = record.authority
    rows = [
        ("Protokoll-Nr.", record.number),
        ("Protokoll-ID", record.certificate_id),
        ("Behörde", f"{authority.name} (Behördenkennung {authority.authority_key})"),
    ]
    if record.archive is not None:
        rows.append(("Archiv", f"{record.archive.name} ({record.archive.authority_key})"))
    rows += [
        ("ProzessID", record.process_id or "– (ohne Aussonderungsverfahren)"),
        ("Anlass", record.reason.label),
        ("Rechtsgrundlage", record.legal_basis),
        ("Freigabe durch", _approval(record)),
        (
            "Gelöscht am" if record.reason is DestructionReason.TRANSFERRED else "Vernichtet am",
            _time(record.destroyed_at),
        ),
        (
            "Umfang",
            f"{len(record.akten)} Akten, {record.document_count} Dokumente, "
            f"{record.version_count} Versionen",
        ),
        ("SHA-256 der JSON-Fassung", json_sha256),
    ]
    return rows


def _approval(record: DestructionRecord) -> str:
    if record.approval is not None:
        return f"{record.approval.approver}, am {_time(record.approval.approved_at)}"
    if record.reason is DestructionReason.TRANSFERRED:
        return (
            "Eine Freigabe war nicht erforderlich: Das Archiv hat die Übernahme mit der "
            "Nachricht 0506 als erfolgreich bestätigt."
        )
    return "Eine Freigabe war nicht erforderlich (Einstellung: Vernichtung ohne Freigabe)."


def _appraisal(p: Appraisal) -> str:
    text = f"{p.value.value} ({p.value.label}) – {p.source.label}"
    if p.by and p.source is not AppraisalSource.FILE_PLAN:
        text += f": {p.by}"
    if p.appraised_at is not None:
        text += f", am {_time(p.appraised_at)}"
    if p.plan_value is not None and p.plan_value is not p.value:
        text += f"; Aktenplan: {p.plan_value.value} ({p.plan_value.label})"
    if p.reason:
        text += f"; Begründung: {p.reason}"
    return text


def _akte_section(pdf: _Pdf, index: int, total: int, akte: DestroyedAkte) -> None:
    if pdf.will_page_break(KEEP_WITH_AKTE_HEADING):
        pdf.add_page()
    pdf.heading(f"Akte {index} von {total}: {akte.aktenzeichen}", 10)
    rows = [
        ("Aktenzeichen", akte.aktenzeichen),
        ("Titel", akte.title),
        ("Aktenplan", f"{akte.plan_code} {akte.plan_title}"),
        ("Laufzeit", f"{_day(akte.opened_on)} – {_day(akte.closed_on, 'offen')}"),
        ("Aufbewahrungsfrist bis", _day(akte.retention_until)),
        ("Bewertung", _appraisal(akte.appraisal)),
    ]
    if akte.archive_signature:
        rows.append(("Archivsignatur", akte.archive_signature))
    pdf.pairs(rows)
    if not akte.documents:
        pdf.paragraph("Die Akte enthielt keine Dokumente.")
        return
    grid = Grid(
        pdf,
        DOC_WIDTHS,
        measure=pdf.measure,
        header=DOC_COLUMNS,
        header_face=HEAD_FACE,
        caption="Prüfsummen (SHA-256)",
    )
    for doc in akte.documents:
        label = f"{doc.title}\nID {doc.document_id}"
        if not doc.versions:
            grid.row((label, "–", "–", "–", "–"), DOC_FACES, DOC_ALIGNS)
        for n, v in enumerate(doc.versions):
            sizes = _bytes(v.size) + (f"\n{_bytes(v.rendition_size)}" if v.rendition_sha256 else "")
            cells = (label if n == 0 else "", str(v.number), sizes, _hash(v.sha256))
            grid.row((*cells, _hash(v.rendition_sha256)), DOC_FACES, DOC_ALIGNS)
    pdf.ln(3)
