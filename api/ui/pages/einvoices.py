"""E-Rechnungen: the invoices the caller may see, one invoice with its report, routing.

Reads go through the scoped e-invoice queries (the list through
:func:`services.einvoice.browse.browse_einvoices`, one invoice through
:func:`services.einvoice.queries.get_einvoice`); the invoice's business terms are read
from its document like any content, with an audit event
(:func:`services.einvoice.viewing.invoice_view`).  Uploading and routing are done by
``einvoices.js`` through the JSON API (``POST /api/v1/einvoices``,
``POST /api/v1/einvoices/{id}/routing``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api.dependencies import SessionDep, WriteSessionDep
from api.ui.page import Page, PageDep
from services.access.org_units import known_units
from services.access.roles import Permission
from services.db.models import EInvoice, EInvoiceStatus
from services.einvoice.browse import (
    Filing,
    Routing,
    Verdict,
    browse_einvoices,
    filings_of,
    is_routed,
)
from services.einvoice.queries import get_einvoice
from services.einvoice.rendering.view import format_decimal
from services.einvoice.rerouting import may_route
from services.einvoice.viewing import invoice_view
from services.errors import NotFoundError
from services.records.file_plans import active_plan

router = APIRouter(include_in_schema=False)
_Filter = TypeVar("_Filter", Verdict, Routing)

PAGE_SIZE = 25

VERDICT_LABELS = {
    Verdict.VALID: "gültig",
    Verdict.WARNINGS: "gültig mit Warnungen",
    Verdict.INVALID: "ungültig",
    Verdict.PENDING: "noch nicht geprüft",
}
VERDICT_CLASSES = {
    Verdict.VALID: "ok",
    Verdict.WARNINGS: "warn",
    Verdict.INVALID: "error",
    Verdict.PENDING: "status-received",
}
ROUTING_LABELS = {Routing.ROUTED: "zugeordnet", Routing.UNROUTED: "nicht zugeordnet"}
STATUS_LABELS = {
    EInvoiceStatus.RECEIVED: "eingegangen, wird geprüft",
    EInvoiceStatus.ACCEPTED: "angenommen",
    EInvoiceStatus.REJECTED: "abgelehnt",
    EInvoiceStatus.DUPLICATE: "Dublette (nicht erneut verarbeitet)",
    EInvoiceStatus.FAILED: "Verarbeitung fehlgeschlagen",
}
SYNTAX_LABELS = {"ubl-invoice": "UBL", "ubl-creditnote": "UBL-Gutschrift", "cii": "CII"}
SPECIFICATION_LABELS = {
    "xrechnung-3.0": "XRechnung 3.0",
    "xrechnung-extension-3.0": "XRechnung-Extension 3.0",
    "xrechnung-cvd": "XRechnung CVD",
    "xrechnung-2.x": "XRechnung 2.x",
    "en16931": "EN 16931",
}
SEVERITY_LABELS = {"fatal": "Fehler", "warning": "Warnung", "information": "Hinweis"}


@dataclass(frozen=True)
class Row:
    """One invoice as the list and the detail page show it."""

    invoice: EInvoice
    verdict: Verdict
    format: str
    seller: str
    amount: str
    routing: str
    routed: bool
    akte_id: str | None
    aktenzeichen: str | None

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def verdict_class(self) -> str:
        return VERDICT_CLASSES[self.verdict]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(EInvoiceStatus(self.invoice.status), self.invoice.status)


@router.get("/ui/e-rechnungen", response_class=HTMLResponse)
def invoice_list(
    page: PageDep,
    session: SessionDep,
    urteil: Annotated[str | None, Query(max_length=20)] = None,
    zuordnung: Annotated[str | None, Query(max_length=20)] = None,
    seite: Annotated[int, Query(ge=1, le=100_000)] = 1,
    hochgeladen: Annotated[str | None, Query(max_length=36)] = None,
) -> HTMLResponse:
    page.scope.require(Permission.READ_RECORDS)
    verdict = _choice(Verdict, urteil)
    routing = _choice(Routing, zuordnung)
    receiving = page.container.settings.einvoice.receiving_unit
    found = browse_einvoices(
        session,
        page.scope,
        limit=PAGE_SIZE,
        offset=(seite - 1) * PAGE_SIZE,
        receiving_unit=receiving,
        verdict=verdict,
        routing=routing,
    )
    units = known_units(session)
    filings = filings_of(session, page.scope, (i.document_id or "" for i in found.items))
    rows = [_row(i, units, filings, receiving) for i in found.items]
    filters = {
        "urteil": verdict.value if verdict else None,
        "zuordnung": routing.value if routing else None,
    }
    return page.render(
        "einvoices/list.html",
        title="E-Rechnungen",
        rows=rows,
        total=found.total,
        page_number=seite,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        first=found.offset + 1,
        last=found.offset + len(rows),
        verdicts=VERDICT_LABELS,
        routings=ROUTING_LABELS,
        verdict=verdict,
        routing=routing,
        link=lambda number: _list_link(filters, number),
        uploaded=_uploaded(session, page, hochgeladen, units, receiving),
        may_upload=page.can(Permission.INTAKE),
    )


@router.get("/ui/e-rechnungen/{einvoice_id}", response_class=HTMLResponse)
def invoice_page(einvoice_id: str, page: PageDep, session: WriteSessionDep) -> HTMLResponse:
    page.scope.require(Permission.READ_RECORDS)
    invoice = get_einvoice(session, page.scope, einvoice_id)
    receiving = page.container.settings.einvoice.receiving_unit
    units = known_units(session)
    filings = filings_of(session, page.scope, [invoice.document_id or ""])
    row = _row(invoice, units, filings, receiving)
    view = invoice_view(
        session,
        page.scope,
        page.container.store,
        invoice,
        settings=page.container.settings.einvoice,
        clock=page.container.clock,
    )
    waits = invoice.status == EInvoiceStatus.ACCEPTED and invoice.org_unit == receiving
    report: dict[str, Any] = invoice.report or {}
    return page.render(
        "einvoices/detail.html",
        title=f"E-Rechnung {invoice.invoice_number or invoice.filename or invoice.id}",
        row=row,
        invoice=invoice,
        view=view,
        report=report,
        findings=_findings(report),
        kosit=report.get("kosit"),
        waits=waits,
        may_route=waits and may_route(page.scope, active_plan(session), page.container.settings),
        may_remember=bool(invoice.leitweg_valid) and page.can(Permission.MANAGE_FILE_PLAN),
        units=[(key, name) for key, name in sorted(units.items()) if key != receiving],
        receiving=f"{receiving} – {units.get(receiving, 'Rechnungseingangsstelle')}",
    )


def _choice(kind: type[_Filter], value: str | None) -> _Filter | None:
    """A filter value from the query string; anything unknown means no filter."""
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _list_link(filters: dict[str, str | None], number: int) -> str:
    query = {k: v for k, v in filters.items() if v}
    if number > 1:
        query["seite"] = str(number)
    return "/ui/e-rechnungen" + (f"?{urlencode(query)}" if query else "")


def _uploaded(
    session: Session,
    page: Page,
    einvoice_id: str | None,
    units: Mapping[str, str],
    receiving: str,
) -> Row | None:
    """The invoice just uploaded, for the message above the list (if the caller sees it)."""
    if not einvoice_id:
        return None
    try:
        invoice = get_einvoice(session, page.scope, einvoice_id)
    except NotFoundError:
        return None
    return _row(invoice, units, {}, receiving)


def _row(
    invoice: EInvoice, units: Mapping[str, str], filings: Mapping[str, Filing], receiving: str
) -> Row:
    filing = filings.get(invoice.document_id or "")
    routed = is_routed(invoice, receiving)
    if routed:
        unit = invoice.org_unit or ""
        routing = f"{unit} – {units[unit]}" if unit in units else unit
    else:
        routing = "nicht zugeordnet"
    return Row(
        invoice=invoice,
        verdict=verdict_of(invoice),
        format=format_label(invoice),
        seller=seller_of(invoice),
        amount=amount_label(invoice.payable_amount, invoice.currency),
        routing=routing,
        routed=routed,
        akte_id=filing.akte_id if filing else None,
        aktenzeichen=filing.aktenzeichen if filing else None,
    )


def verdict_of(invoice: EInvoice) -> Verdict:
    if invoice.valid is None:
        return Verdict.PENDING
    if not invoice.valid:
        return Verdict.INVALID
    warnings = (invoice.report or {}).get("warnings") or []
    return Verdict.WARNINGS if warnings else Verdict.VALID


def format_label(invoice: EInvoice) -> str:
    """A label like "XRechnung 3.0 (UBL)" or "ZUGFeRD/Factur-X EN 16931 (CII)"; "–" if unknown."""
    if invoice.syntax is None:
        return "–"
    syntax = SYNTAX_LABELS.get(invoice.syntax, invoice.syntax)
    spec = invoice.specification or ""
    if spec.startswith("factur-x") or invoice.profile:
        name = f"ZUGFeRD/Factur-X {invoice.profile or spec.removeprefix('factur-x-')}"
    else:
        name = SPECIFICATION_LABELS.get(spec, "unbekannte Spezifikation")
    return f"{name} ({syntax})"


def seller_of(invoice: EInvoice) -> str:
    seller = (invoice.data or {}).get("seller") or {}
    return str(seller.get("name") or seller.get("trading_name") or "–")


def amount_label(amount: str | None, currency: str | None) -> str:
    """German notation with the currency: "1.234,50 EUR"."""
    if amount is None:
        return "–"
    try:
        text = format_decimal(Decimal(amount), 2)
    except InvalidOperation:
        return amount
    return f"{text} {currency}" if currency else text


def _findings(report: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(id, heading, findings) per severity, errors first; messages in German."""
    groups = []
    for key, severity, heading in (
        ("errors", "fatal", "Fehler"),
        ("warnings", "warning", "Warnungen"),
    ):
        items = [
            {
                "rule": f.get("rule") or "–",
                "severity": SEVERITY_LABELS.get(str(f.get("severity")), severity),
                "message": f.get("message_de") or f.get("message") or "",
                "location": f.get("location") or "",
            }
            for f in report.get(key) or []
        ]
        groups.append((key, heading, items))
    return groups
