"""Recording what an analysed invoice means: duplicate, rejected or accepted and routed.

An accepted invoice becomes a document whose content is the XML (the legally relevant
original; a hybrid's PDF is kept beside it as the received file) and whose rendition is
the German PDF view.  It is filed into the year's Sammelakte of the configured code, in
a Vorgang of its own that also holds its attachments (BG-24 and further files of a
hybrid PDF).  Its Leitweg-ID decides the receiving unit; an unknown or malformed one
sends it to the Rechnungseingangsstelle's review queue instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.audit.trail import SYSTEM_ACTOR, record_event
from services.classification.filing import apply_decision
from services.classification.policy import Decision, Outcome
from services.db.models import (
    Document,
    DocumentPage,
    DocumentStatus,
    EInvoice,
    EInvoiceStatus,
    FilingStatus,
    ObjectPurpose,
    RetentionRule,
    StoredObject,
)
from services.documents.versions import first_version
from services.einvoice.accounts import adoption_of
from services.einvoice.analysis import Analysis
from services.einvoice.leitweg import check_leitweg_id
from services.einvoice.record import invoice_json
from services.einvoice.retention import retention_end
from services.einvoice.routes import route_for
from services.einvoice.summary import invoice_text, invoice_title, seller_key
from services.ports import BlobRef, Clock, IndexableDocument, SearchIndex
from services.records.akten import general_akte
from services.records.file_plans import active_plan
from services.records.filing import file_document
from services.records.vorgaenge import create_vorgang
from services.settings import Settings
from services.storage.objects import minimum_protection, register_object
from services.storage.protection import mark_pending


@dataclass(frozen=True)
class StoredAttachment:
    ref: BlobRef
    filename: str
    media_type: str


@dataclass(frozen=True)
class StoredParts:
    """What the handler wrote to the store before this transaction."""

    xml: BlobRef | None
    html: BlobRef
    pdf: BlobRef
    attachments: tuple[StoredAttachment, ...]


def record_outcome(
    session: Session,
    invoice: EInvoice,
    analysis: Analysis,
    parts: StoredParts,
    *,
    search: SearchIndex,
    settings: Settings,
    clock: Clock,
) -> None:
    now = clock.now()
    _describe(invoice, analysis, parts)
    earlier = _same_business_key(session, invoice)
    if earlier is not None:
        invoice.status = EInvoiceStatus.DUPLICATE
        invoice.duplicate_of_id = earlier.id
        invoice.updated_at = now
        _audit(session, invoice, "einvoice.duplicate", clock, duplicate_of=earlier.id)
        return
    objects = _register(session, invoice, parts, settings, now)
    invoice.html_object_id = objects.html.id
    invoice.pdf_view_object_id = objects.pdf.id
    document = _invoice_document(session, invoice, analysis, objects, now)
    search.index_document(
        session,
        IndexableDocument(
            document_id=document.id,
            title=document.title,
            metadata_text=" ".join(filter(None, [invoice.invoice_number, invoice.leitweg_id])),
            pages=[page.text for page in document.pages],
        ),
    )
    invoice.document_id = document.id
    invoice.updated_at = now
    if not analysis.report.valid:
        invoice.status = EInvoiceStatus.REJECTED
        document.org_unit = settings.einvoice.receiving_unit
        _audit(session, invoice, "einvoice.rejected", clock, errors=len(analysis.report.errors))
        return
    invoice.status = EInvoiceStatus.ACCEPTED
    attachments = _attachment_documents(session, invoice, parts, objects, now)
    _route_and_file(session, invoice, [document, *attachments], settings, clock)
    _set_retention(session, invoice, [document, *attachments], settings)
    _audit(session, invoice, "einvoice.accepted", clock, org_unit=invoice.org_unit)


def _describe(invoice: EInvoice, analysis: Analysis, parts: StoredParts) -> None:
    report = analysis.report
    recognition = report.recognition
    invoice.report = report.to_dict()
    invoice.valid = report.valid
    if recognition is not None:
        invoice.syntax = recognition.syntax.value
        invoice.customization_id = recognition.customization_id
        invoice.specification = recognition.specification
        invoice.profile = recognition.profile
    if parts.xml is not None:
        invoice.xml_sha256 = parts.xml.sha256
    data = analysis.invoice
    if data is None:
        return
    invoice.data = invoice_json(data)
    invoice.invoice_number = data.number
    invoice.issue_date = data.issue_date
    invoice.currency = data.currency
    invoice.payable_amount = str(data.totals.payable) if data.totals.payable is not None else None
    invoice.seller_key = seller_key(data)
    invoice.leitweg_id = data.buyer_reference
    if data.buyer_reference:
        invoice.leitweg_valid = check_leitweg_id(data.buyer_reference).valid


def _same_business_key(session: Session, invoice: EInvoice) -> EInvoice | None:
    """An earlier invoice from the same seller with the same number and payable amount."""
    if not (invoice.seller_key and invoice.invoice_number and invoice.payable_amount):
        return None
    return session.scalar(
        select(EInvoice)
        .where(
            EInvoice.id != invoice.id,
            EInvoice.seller_key == invoice.seller_key,
            EInvoice.invoice_number == invoice.invoice_number,
            EInvoice.payable_amount == invoice.payable_amount,
            EInvoice.status.in_([EInvoiceStatus.ACCEPTED, EInvoiceStatus.REJECTED]),
        )
        .order_by(EInvoice.created_at)
        .limit(1)
    )


@dataclass(frozen=True)
class _Objects:
    xml: StoredObject
    html: StoredObject
    pdf: StoredObject
    attachments: tuple[StoredObject, ...]


def _register(
    session: Session, invoice: EInvoice, parts: StoredParts, settings: Settings, now: datetime
) -> _Objects:
    """Register the parts; without XML (a PDF that holds none) the received file is content."""
    lock = minimum_protection(settings.retention, now).retain_until

    def register(ref: BlobRef, media_type: str, purpose: ObjectPurpose) -> StoredObject:
        return register_object(
            session, ref, media_type=media_type, purpose=purpose, retain_until=lock, now=now
        )

    if parts.xml is not None:
        xml = register(parts.xml, "application/xml", ObjectPurpose.CONTENT)
    else:
        received = session.get(StoredObject, invoice.received_object_id)
        assert received is not None
        xml = received
    html = register(parts.html, "text/html", ObjectPurpose.RENDITION)
    pdf = register(parts.pdf, "application/pdf", ObjectPurpose.RENDITION)
    attachments = tuple(
        register(a.ref, a.media_type, ObjectPurpose.CONTENT) for a in parts.attachments
    )
    return _Objects(xml=xml, html=html, pdf=pdf, attachments=attachments)


def _invoice_document(
    session: Session, invoice: EInvoice, analysis: Analysis, objects: _Objects, now: datetime
) -> Document:
    text = invoice_text(analysis.invoice, analysis.report) if analysis.invoice else ""
    document = Document(
        item_id=invoice.item_id,
        part_index=0,
        first_page=1,
        last_page=1,
        title=invoice_title(analysis.invoice, invoice.filename),
        status=DocumentStatus.OCR_DONE,
        content_blob_key=objects.xml.blob_key,
        content_sha256=objects.xml.sha256,
        content_size=objects.xml.size,
        content_media_type=objects.xml.media_type,
        rendition_blob_key=objects.pdf.blob_key,
        rendition_sha256=objects.pdf.sha256,
        rendition_size=objects.pdf.size,
        rendition_is_pdfa=False,
        page_count=1,
        text_chars=len(text),
        ocr_performed=False,
        ocr_engine="einvoice",
        created_at=now,
        updated_at=now,
        pages=[DocumentPage(page_number=1, text=text)],
    )
    session.add(document)
    session.flush()
    session.add(first_version(document, objects.xml, objects.pdf, actor=SYSTEM_ACTOR, now=now))
    return document


def _attachment_documents(
    session: Session, invoice: EInvoice, parts: StoredParts, objects: _Objects, now: datetime
) -> list[Document]:
    documents = []
    for index, (part, stored) in enumerate(
        zip(parts.attachments, objects.attachments, strict=True), start=1
    ):
        document = Document(
            item_id=invoice.item_id,
            part_index=index,
            first_page=1,
            last_page=1,
            title=f"Anlage zu {invoice.invoice_number or 'Rechnung'}: {part.filename}",
            status=DocumentStatus.OCR_DONE,
            content_blob_key=stored.blob_key,
            content_sha256=stored.sha256,
            content_size=stored.size,
            content_media_type=part.media_type,
            page_count=0,
            text_chars=0,
            ocr_performed=False,
            ocr_engine="einvoice",
            created_at=now,
            updated_at=now,
        )
        session.add(document)
        session.flush()
        session.add(first_version(document, stored, None, actor=SYSTEM_ACTOR, now=now))
        documents.append(document)
    return documents


def _route_and_file(
    session: Session,
    invoice: EInvoice,
    documents: list[Document],
    settings: Settings,
    clock: Clock,
) -> None:
    """File into a Vorgang of the year's Sammelakte; unknown Leitweg-IDs go to review."""
    plan = active_plan(session)
    code = settings.einvoice.file_plan_code
    route = route_for(session, invoice.leitweg_id) if invoice.leitweg_valid else None
    invoice_document = documents[0]
    if route is None:
        invoice.org_unit = settings.einvoice.receiving_unit
        apply_decision(
            session,
            plan,
            invoice_document,
            Decision(
                method="leitweg",
                outcome=Outcome.REVIEW,
                code=code,
                confidence=None,
                threshold=None,
                reason=_unrouted_reason(invoice),
                org_unit=settings.einvoice.receiving_unit,
            ),
            model_version=None,
            clock=clock,
        )
        return
    invoice.org_unit = route.org_unit
    invoice.retention_rule = route.retention_rule
    akte = general_akte(session, plan, code, clock=clock)
    title = f"Rechnung {invoice.invoice_number or invoice.id}"
    vorgang = create_vorgang(session, akte, title, actor=SYSTEM_ACTOR, clock=clock)
    reason = f"E-Rechnung, Leitweg-ID {invoice.leitweg_id} → Organisationseinheit {route.org_unit}"
    for document in documents:
        file_document(
            session,
            document,
            akte,
            vorgang,
            status=FilingStatus.AUTO_FILED,
            reason=reason,
            actor=SYSTEM_ACTOR,
            clock=clock,
        )


def _unrouted_reason(invoice: EInvoice) -> str:
    if not invoice.leitweg_id:
        return "E-Rechnung ohne Leitweg-ID (BT-10): bitte der zuständigen Stelle zuordnen"
    if not invoice.leitweg_valid:
        return f"E-Rechnung mit fehlerhafter Leitweg-ID {invoice.leitweg_id!r} (Prüfziffer/Aufbau)"
    return f"E-Rechnung mit unbekannter Leitweg-ID {invoice.leitweg_id}: keine Zuordnung hinterlegt"


def _set_retention(
    session: Session, invoice: EInvoice, documents: list[Document], settings: Settings
) -> None:
    rule = RetentionRule(invoice.retention_rule or settings.einvoice.retention_rule)
    invoice.retention_rule = rule.value
    if invoice.issue_date is None:
        return
    end = retention_end(rule, invoice.issue_date, adoption_of(session, invoice.issue_date.year))
    for document in documents:
        document.retention_until = end
    mark_pending(documents)


def _audit(session: Session, invoice: EInvoice, action: str, clock: Clock, **extra: object) -> None:
    record_event(
        session,
        actor=SYSTEM_ACTOR,
        action=action,
        object_type="einvoice",
        object_id=invoice.id,
        details={
            "number": invoice.invoice_number,
            "seller": invoice.seller_key,
            "payable": invoice.payable_amount,
            "leitweg_id": invoice.leitweg_id,
            "specification": invoice.specification,
            "xml_sha256": invoice.xml_sha256,
            **extra,
        },
        clock=clock,
    )
