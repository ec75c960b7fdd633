"""German PDFs of the privacy reports: the Art. 15 disclosure and the access report.

Made like the e-invoice views (:mod:`services.einvoice.rendering.pdf`): fpdf2 with DejaVu
Sans embedded, so umlauts and „quotes“ print; every value is set as plain text, never
as markup.  Times are shown in German local time (Europe/Berlin).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from services.einvoice.rendering.pdf import FAMILY, find_font_dir
from services.privacy.access_report import AccessReport
from services.privacy.disclosure import AkteEntry, Disclosure, Recipient, german_date
from services.privacy.subjects import describe_subject

DISCLOSURE_TITLE = "Auskunft nach Art. 15 DSGVO"
ACCESS_TITLE = "Zugriffe auf Akten einer betroffenen Person"
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
RIGHTS = (
    "Sie haben das Recht auf Berichtigung (Art. 16 DSGVO), auf Löschung (Art. 17 DSGVO), "
    "auf Einschränkung der Verarbeitung (Art. 18 DSGVO) und auf Widerspruch gegen die "
    "Verarbeitung (Art. 21 DSGVO), soweit die gesetzlichen Voraussetzungen vorliegen, sowie "
    "das Recht auf Beschwerde bei einer Aufsichtsbehörde (Art. 77 DSGVO). Gesetzliche "
    "Aufbewahrungsfristen gehen einer Löschung vor; nach ihrem Ablauf werden die Unterlagen "
    "vernichtet oder dem zuständigen Archiv angeboten."
)


def _zone() -> tzinfo:
    try:
        return ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:  # no time-zone data on the host: say UTC rather than guess
        return UTC


def local_time(moment: datetime) -> str:
    """``21.11.2026, 14:03 Uhr`` in German local time (``UTC`` named if zone data is missing)."""
    zone = _zone()
    text = moment.astimezone(zone).strftime("%d.%m.%Y, %H:%M Uhr")
    return text if zone is not UTC else f"{text} (UTC)"


def _short_time(moment: datetime) -> str:
    """``21.11.2026 14:03`` (local time) for table cells."""
    return moment.astimezone(_zone()).strftime("%d.%m.%Y %H:%M")


def _day(moment: datetime | None) -> str:
    return german_date(moment.astimezone(_zone()).date()) if moment is not None else "–"


class _Pdf(FPDF):
    def __init__(self, title: str, font_dir: Path | None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._title_text = title
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)
        fonts = font_dir or find_font_dir()
        self.add_font(FAMILY, "", str(fonts / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_lang("de-DE")
        self.set_creator("eakte")
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=7)
        self.cell(0, 5, f"{self._title_text} — Seite {self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str, size: float) -> None:
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(self, text: str, size: float = 9) -> None:
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def pairs(self, rows: Sequence[tuple[str, str]]) -> None:
        self.set_font(FAMILY, size=8)
        with self.table(
            col_widths=(45, 135), first_row_as_headings=False, text_align="LEFT", line_height=4
        ) as table:
            for label, value in rows:
                table.row((label, value))
        self.ln(2)

    def grid(
        self, head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
    ) -> None:
        self.set_font(FAMILY, size=7)
        with self.table(
            col_widths=tuple(widths),
            headings_style=HEADINGS,
            text_align="LEFT",
            wrapmode=WrapMode.WORD,
            line_height=3.6,
        ) as table:
            table.row(head)
            for row in rows:
                table.row(row)
        self.ln(2)


def render_disclosure_pdf(disclosure: Disclosure, *, font_dir: Path | None = None) -> bytes:
    """„Auskunft nach Art. 15 DSGVO“: date, subject, one section per Akte, the rights."""
    pdf = _Pdf(DISCLOSURE_TITLE, font_dir)
    pdf.heading(DISCLOSURE_TITLE, 16)
    pdf.pairs(
        [
            ("Stand", local_time(disclosure.generated_at)),
            ("Betroffene Person / Merkmal", describe_subject(disclosure.subject)),
            ("Akten", str(len(disclosure.akten))),
            ("Dokumente", str(disclosure.document_count)),
        ]
    )
    if not disclosure.akten:
        pdf.paragraph("Unter diesem Merkmal werden keine Akten geführt.")
    else:
        pdf.paragraph(
            "Die folgenden Akten werden unter dem genannten Merkmal geführt. Zu jeder Akte "
            "sind der Zweck der Verarbeitung (die Position im Aktenplan), die zuständige "
            "Stelle, die Empfänger, die Speicherdauer und die enthaltenen Dokumente "
            "angegeben. Der Inhalt der Dokumente ist nicht Teil dieser Aufstellung."
        )
    for number, akte in enumerate(disclosure.akten, start=1):
        _akte_section(pdf, number, akte)
    pdf.heading("Ihre Rechte", 11)
    pdf.paragraph(RIGHTS, 8)
    return bytes(pdf.output())


def _akte_section(pdf: _Pdf, number: int, akte: AkteEntry) -> None:
    pdf.heading(f"{number}. Akte {akte.aktenzeichen}", 12)
    unit = f"{akte.org_unit} {akte.org_unit_name}" if akte.org_unit_name else akte.org_unit
    purpose = f"{akte.code} {akte.purpose}"
    if len(akte.purpose_path) > 1:
        purpose += f" ({' › '.join(akte.purpose_path)})"
    pdf.pairs(
        [
            ("Aktenzeichen", akte.aktenzeichen),
            ("Titel", akte.title),
            ("Zweck (Aktenplan)", purpose),
            ("Zuständige Stelle", unit),
            ("Angelegt am", _day(akte.opened_at)),
            ("Geschlossen am", _day(akte.closed_at) if akte.closed_at else "offen"),
            ("Aufbewahrungsfrist", akte.retention_rule or "keine Angabe im Aktenplan"),
            ("Aufbewahrung bis", akte.retention.text),
            ("Empfänger", "; ".join(_recipient(r) for r in akte.recipients) or "keine"),
        ]
    )
    if not akte.documents:
        pdf.paragraph("Die Akte enthält keine Dokumente.", 8)
        return
    rows = [
        (
            d.title + (f" (vernichtet am {_day(d.disposed_at)})" if d.disposed_at else ""),
            _day(d.received_at),
            _day(d.filed_at),
            d.retention.text,
        )
        for d in akte.documents
    ]
    pdf.grid(("Dokument", "Eingang", "Zur Akte", "Aufbewahrung bis"), rows, (80, 25, 25, 50))


def _recipient(r: Recipient) -> str:
    who = ("Organisationseinheit " if r.kind == "unit" else "Person ") + (
        f"{r.id} {r.name}" if r.kind == "unit" and r.name else (r.name or r.id)
    )
    access = "Lesen und Bearbeiten" if r.access == "write" else "Lesen"
    period = f"seit {_day(r.since)}"
    if r.revoked_at is not None:
        period += f", beendet am {_day(r.revoked_at)}"
    elif r.valid_until is not None:
        period += f", bis {german_date(r.valid_until)}"
    return f"{who} ({access}, {period})"


def render_access_report_pdf(report: AccessReport, *, font_dir: Path | None = None) -> bytes:
    """Who read the subject's files and when, newest first."""
    pdf = _Pdf(ACCESS_TITLE, font_dir)
    pdf.heading(ACCESS_TITLE, 16)
    period = "gesamter Zeitraum"
    if report.since or report.until:
        start = local_time(report.since) if report.since else "Beginn"
        end = local_time(report.until) if report.until else "heute"
        period = f"{start} bis vor {end}" if report.until else f"{start} bis {end}"
    pdf.pairs(
        [
            ("Stand", local_time(report.generated_at)),
            ("Betroffene Person / Merkmal", describe_subject(report.subject)),
            ("Zeitraum", period),
            ("Akten", ", ".join(a.aktenzeichen for a in report.akten) or "keine"),
            ("Dokumente", str(report.documents)),
            ("Lesezugriffe", str(report.total)),
        ]
    )
    if report.truncated:
        pdf.paragraph(
            f"Gezeigt werden die neuesten {len(report.events)} von {report.total} "
            "Lesezugriffen; ein kürzerer Zeitraum zeigt die übrigen.",
            8,
        )
    if not report.events:
        pdf.paragraph("Im Zeitraum sind keine Lesezugriffe protokolliert.")
        return bytes(pdf.output())
    pdf.paragraph(
        "Jeder Lesezugriff auf Inhalt, Text oder Suchauszug eines Dokuments wird im "
        "hash-verketteten Prüfprotokoll von eakte festgehalten. Zeiten in deutscher "
        "Ortszeit, neueste zuerst.",
        8,
    )
    rows = [
        (
            _short_time(e.occurred_at),
            e.actor.label,
            e.description,
            e.document_title or "–",
            e.aktenzeichen or "–",
        )
        for e in report.events
    ]
    pdf.grid(("Zeitpunkt", "Wer", "Zugriff", "Dokument", "Akte"), rows, (28, 38, 50, 36, 28))
    return bytes(pdf.output())
