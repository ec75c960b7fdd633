"""The German view of an invoice: sections, tables and rows, each row naming its term id.

HTML and PDF are drawn from this one view, so both always show the same content.  The
view is built generically from the field metadata of the extracted record: a field
that holds a value becomes a row ``(BT id, German label, formatted value)``, a group
becomes a sub-section and a repeated group a table.  Nothing that was extracted can be
left out by forgetting it here; only the placement of the big groups is explicit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.einvoice.extraction.data import (
    AllowanceCharge,
    Identifier,
    InvoiceData,
    InvoiceLine,
    Totals,
    bt_of,
)
from services.einvoice.leitweg import check_leitweg_id
from services.einvoice.model import Severity, ValidationReport
from services.einvoice.rendering.codes import DOCUMENT_TYPES, explain

AMOUNT_FIELDS = frozenset(
    {
        "amount",
        "base_amount",
        "taxable_amount",
        "tax_amount",
        "net_amount",
        "net_price",
        "gross_price",
        "price_discount",
        *(f.name for f in dataclasses.fields(Totals)),
    }
)
LINE_COLUMNS = (
    "id",
    "name",
    "quantity",
    "unit",
    "net_price",
    "vat_category",
    "vat_rate",
    "net_amount",
)
NUMERIC_TYPES = (Decimal, int)


@dataclass(frozen=True)
class Row:
    bt: str
    label: str
    value: str


@dataclass(frozen=True)
class Column:
    bt: str
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    details: tuple[Row, ...] = ()
    level: int = 0


@dataclass(frozen=True)
class Table:
    title: str
    bt: str
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Section:
    title: str
    bt: str
    rows: tuple[Row, ...] = ()
    tables: tuple[Table, ...] = ()
    subsections: tuple[Section, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.rows or self.tables or any(not s.empty for s in self.subsections))


@dataclass(frozen=True)
class FindingRow:
    rule: str
    severity: str
    message: str
    location: str


@dataclass(frozen=True)
class ValidationView:
    valid: bool
    verdict: str
    facts: tuple[Row, ...]
    errors: tuple[FindingRow, ...]
    warnings: tuple[FindingRow, ...]


@dataclass(frozen=True)
class InvoiceView:
    title: str
    sections: tuple[Section, ...]
    validation: ValidationView | None
    notes: tuple[str, ...]


# ---------------------------------------------------------------- formatting


def format_decimal(value: Decimal, min_places: int = 0) -> str:
    """German notation (1.234,5), all significant decimals kept, at least ``min_places``."""
    text = format(value, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    frac = frac.rstrip("0")
    frac = frac.ljust(min_places, "0")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


def format_value(name: str, value: Any, currency: str | None = None) -> str:
    """A field value as an approver reads it; codes get their German name."""
    if isinstance(value, bool):
        return "Zuschlag" if value else "Abschlag"
    if isinstance(value, Decimal):
        text = format_decimal(value, 2 if name in AMOUNT_FIELDS else 0)
        return f"{text} {currency}" if currency and name in AMOUNT_FIELDS else text
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bytes):
        return f"{format_decimal(Decimal(len(value)))} Bytes eingebettet"
    if isinstance(value, Identifier):
        return f"{value.value} (Schema {value.scheme})" if value.scheme else value.value
    if isinstance(value, tuple):
        return "; ".join(format_value(name, v) for v in value)
    return explain(name, str(value))


# ---------------------------------------------------------------- generic walk


def _is_group(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, Identifier)


def _is_group_list(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and _is_group(value[0])


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != ()


def _fields(obj: Any) -> Iterator[tuple[dataclasses.Field[Any], Any]]:
    for f in dataclasses.fields(obj):
        if "bt" in f.metadata:
            yield f, getattr(obj, f.name)


def _role_of(obj: Any, outer: str | None) -> str | None:
    if isinstance(obj, AllowanceCharge):
        kind = "charge" if obj.charge else "allowance"
        return f"line-{kind}" if outer == "line" else kind
    return outer


def _rows(obj: Any, role: str | None, skip: Sequence[str] = ()) -> tuple[Row, ...]:
    rows = []
    for f, value in _fields(obj):
        if f.name in skip or not _present(value) or _is_group(value) or _is_group_list(value):
            continue
        rows.append(Row(bt_of(f.metadata, role), f.metadata["de"], format_value(f.name, value)))
    return tuple(rows)


def _details(obj: Any, role: str | None, skip: Sequence[str] = (), prefix: str = "") -> list[Row]:
    """Every present term of ``obj`` and of its nested groups, flattened into rows."""
    rows = [Row(r.bt, f"{prefix}{r.label}", r.value) for r in _rows(obj, _role_of(obj, role), skip)]
    for f, value in _fields(obj):
        if f.name in skip or not _present(value):
            continue
        inner_role = f.metadata.get("role") or role
        label = f"{prefix}{f.metadata['de']}: "
        if _is_group(value):
            rows.extend(_details(value, inner_role, prefix=label))
        elif _is_group_list(value):
            for item in value:
                rows.extend(_details(item, inner_role, prefix=label))
    return rows


def _section(title: str, bt: str, obj: Any, role: str | None, skip: Sequence[str] = ()) -> Section:
    subsections = []
    tables = []
    for f, value in _fields(obj):
        if f.name in skip or not _present(value):
            continue
        inner_role = f.metadata.get("role") or role
        field_bt = bt_of(f.metadata, role)
        if _is_group(value):
            subsections.append(_section(f.metadata["de"], field_bt, value, inner_role))
        elif _is_group_list(value):
            tables.append(_table(f.metadata["de"], field_bt, value, inner_role))
    return Section(title, bt, _rows(obj, role, skip), tuple(tables), tuple(s for s in subsections))


def _table(
    title: str,
    bt: str,
    items: Sequence[Any],
    role: str | None,
    columns: Sequence[str] | None = None,
    currency: str | None = None,
) -> Table:
    """A table of repeated groups; values that fit no column go to the row's details."""
    first = items[0]
    names = [
        f.name
        for f, _ in _fields(first)
        if any(
            _present(getattr(i, f.name))
            and not _is_group(getattr(i, f.name))
            and not _is_group_list(getattr(i, f.name))
            for i in items
        )
    ]
    if columns is not None:
        names = [n for n in columns if n in names]
    meta = {f.name: f.metadata for f in dataclasses.fields(first)}
    header = []
    for name in names:
        ids = dict.fromkeys(bt_of(meta[name], _role_of(i, role)) for i in items)
        numeric = any(isinstance(getattr(i, name), NUMERIC_TYPES) for i in items)
        header.append(Column("/".join(ids), meta[name]["de"], numeric))
    rows: list[TableRow] = []
    for item in items:
        _add_rows(rows, item, names, role, currency, 0)
    return Table(title, bt, tuple(header), tuple(rows))


def _add_rows(
    rows: list[TableRow],
    item: Any,
    names: Sequence[str],
    role: str | None,
    currency: str | None,
    level: int,
) -> None:
    cells = tuple(
        format_value(n, getattr(item, n), currency) if _present(getattr(item, n)) else ""
        for n in names
    )
    skip = [*names, "sub_lines"]
    rows.append(TableRow(cells, tuple(_details(item, role, skip)), level))
    if isinstance(item, InvoiceLine):
        for sub in item.sub_lines:
            _add_rows(rows, sub, names, role, currency, level + 1)


# ---------------------------------------------------------------- the invoice


def _validation(report: ValidationReport, invoice: InvoiceData) -> ValidationView:
    rec = report.recognition
    facts: list[Row] = []
    if rec is not None:
        facts += [
            Row("", "Syntax", rec.syntax.value),
            Row("BT-24", "Spezifikation", rec.customization_id or "—"),
            Row("", "Erkannte Spezifikation", rec.specification),
        ]
        if rec.profile:
            facts.append(Row("", "Factur-X/ZUGFeRD-Profil", rec.profile))
    if invoice.buyer_reference:
        check = check_leitweg_id(invoice.buyer_reference)
        if check.valid:
            text = "Leitweg-ID formal gültig (Aufbau und Prüfziffer)"
        else:
            text = "Keine gültige Leitweg-ID: " + " ".join(p.message_de for p in check.problems)
        facts.append(Row("BT-10", "Prüfung der Leitweg-ID", text))

    def rows(severity: Severity) -> tuple[FindingRow, ...]:
        return tuple(
            FindingRow(f.rule, f.severity.value, f.message_de or f.message_en, f.location or "")
            for f in report.findings
            if f.severity is severity
        )

    return ValidationView(
        valid=report.valid,
        verdict="gültig" if report.valid else "ungültig",
        facts=tuple(facts),
        errors=rows(Severity.FATAL),
        warnings=rows(Severity.WARNING),
    )


def _totals(invoice: InvoiceData) -> Section:
    rows = []
    for f, value in _fields(invoice.totals):
        if not _present(value):
            continue
        currency = invoice.currency
        if f.name == "vat_total_accounting_currency":
            currency = invoice.tax_currency
        label = f.metadata["de"]
        rows.append(Row(bt_of(f.metadata, None), label, format_value(f.name, value, currency)))
    tables: tuple[Table, ...] = ()
    if invoice.third_party_payments:
        tables = (
            _table("Drittzahlungen", "BG-DEX-09", invoice.third_party_payments, None, None, None),
        )
    return Section("Gesamtbeträge", "BG-22", tuple(rows), tables)


def _payment(invoice: InvoiceData) -> Section:
    extra = tuple(
        Row(bt, label, format_value(name, value))
        for bt, label, name, value in (
            ("BT-9", "Fälligkeitsdatum", "due_date", invoice.due_date),
            ("BT-20", "Zahlungsbedingungen", "payment_terms", invoice.payment_terms),
        )
        if _present(value)
    )
    if invoice.payment is None:
        return Section("Zahlungsinformationen", "BG-16", extra)
    section = _section("Zahlungsinformationen", "BG-16", invoice.payment, None)
    return dataclasses.replace(section, rows=extra + section.rows)


def build_view(invoice: InvoiceData, report: ValidationReport | None = None) -> InvoiceView:
    """The German view of ``invoice`` and, when given, of its validation ``report``."""
    cur = invoice.currency
    header = _section(
        "Rechnungsdaten",
        "",
        invoice,
        None,
        skip=(
            "due_date",
            "payment_terms",
            "seller",
            "buyer",
            "payee",
            "tax_representative",
            "delivery",
            "payment",
            "allowances_charges",
            "totals",
            "third_party_payments",
            "vat_breakdown",
            "attachments",
            "lines",
        ),
    )
    sections: list[Section] = [header]
    for name, title in (
        ("seller", "Verkäufer"),
        ("buyer", "Käufer"),
        ("payee", "Zahlungsempfänger"),
        ("tax_representative", "Steuerbevollmächtigter des Verkäufers"),
    ):
        party = getattr(invoice, name)
        if party is not None:
            meta = {f.name: f.metadata for f in dataclasses.fields(invoice)}[name]
            sections.append(_section(title, meta["bt"], party, meta["role"]))
    if invoice.delivery is not None:
        sections.append(_section("Lieferung", "BG-13", invoice.delivery, None))
    if invoice.lines:
        table = _table("Rechnungspositionen", "BG-25", invoice.lines, "line", LINE_COLUMNS, cur)
        sections.append(Section("Rechnungspositionen", "BG-25", tables=(table,)))
    if invoice.allowances_charges:
        table = _table(
            "Abschläge und Zuschläge", "BG-20/BG-21", invoice.allowances_charges, None, None, cur
        )
        sections.append(Section(table.title, table.bt, tables=(table,)))
    if invoice.vat_breakdown:
        table = _table(
            "Aufschlüsselung der Umsatzsteuer", "BG-23", invoice.vat_breakdown, None, None, cur
        )
        sections.append(Section(table.title, table.bt, tables=(table,)))
    sections.append(_totals(invoice))
    sections.append(_payment(invoice))
    if invoice.attachments:
        table = _table("Rechnungsbegründende Unterlagen", "BG-24", invoice.attachments, None)
        sections.append(Section("Rechnungsbegründende Unterlagen", "BG-24", tables=(table,)))
    kind = DOCUMENT_TYPES.get(invoice.type_code or "", "Rechnung")
    title = f"{kind} {invoice.number}" if invoice.number else kind
    return InvoiceView(
        title=title,
        sections=tuple(s for s in sections if not s.empty),
        validation=_validation(report, invoice) if report is not None else None,
        notes=invoice.extraction_notes,
    )
