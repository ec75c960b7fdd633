"""A page of query hits as CMIS objects, then as rows of the selected properties.

The objects come from :func:`services.cmis.objects.to_objects`, the same mapping
getObject uses, so a query answers the values a client reads elsewhere; the records
are loaded a kind at a time (a few queries per page, never one per hit).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.access.visibility import akte_visible
from services.cmis import queries
from services.cmis.model import (
    CmisContext,
    CmisObject,
    OperationContext,
    PropertyDefinition,
    PropertyType,
    QueryRow,
    TypeDefinition,
)
from services.cmis.objects import to_objects
from services.cmis.query.sources import SourceKind
from services.cmis.resolve import (
    Resolved,
    ResolvedAkte,
    ResolvedFolder,
    ResolvedPlanItem,
    ResolvedVersion,
    ResolvedVorgang,
)
from services.db.models import Akte, RecordFolder, Vorgang
from services.records.file_plans import active_plan

SCORE = PropertyDefinition(
    id="SEARCH_SCORE",
    property_type=PropertyType.DECIMAL,
    query_name="SEARCH_SCORE",
    local_name="SEARCH_SCORE",
    display_name="Score",
    queryable=False,
    orderable=False,
)
"""What ``SCORE()`` answers (OpenCMIS names it SEARCH_SCORE when not aliased)."""

Selected = tuple[PropertyDefinition | None, str]
"""A select item: the property (None for SCORE()) and the name it is answered under."""


def load(ctx: CmisContext, hits: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Resolved]:
    """The records of a page of (kind, id) hits, as the caller's scope admits them."""
    session, scope = ctx.session, ctx.scope
    by_kind: dict[str, list[str]] = {}
    for kind, record_id in hits:
        by_kind.setdefault(kind, []).append(record_id)
    found: dict[tuple[str, str], Resolved] = {}
    if ids := by_kind.get(SourceKind.DOCUMENT):
        rows = queries.load_documents(session, scope, ids)
        akten = {
            a.id: a
            for a in session.scalars(
                select(Akte).where(
                    Akte.id.in_({r.document.akte_id for r in rows.values()}), akte_visible(scope)
                )
            )
        }
        for document_id, row in rows.items():
            akte = akten.get(row.document.akte_id or "")
            if akte is not None:
                found[(SourceKind.DOCUMENT, document_id)] = ResolvedVersion(
                    row.document, row.version, row.label, akte, row.checkout
                )
    if ids := by_kind.get(SourceKind.AKTE):
        for akte in session.scalars(
            select(Akte)
            .where(Akte.id.in_(ids), akte_visible(scope))
            .options(selectinload(Akte.subject_keys))
        ):
            found[(SourceKind.AKTE, akte.id)] = ResolvedAkte(akte)
    if ids := by_kind.get(SourceKind.VORGANG):
        for vorgang, akte in session.execute(
            select(Vorgang, Akte)
            .join(Akte, Akte.id == Vorgang.akte_id)
            .where(Vorgang.id.in_(ids), akte_visible(scope))
        ).all():
            found[(SourceKind.VORGANG, vorgang.id)] = ResolvedVorgang(vorgang, akte)
    if ids := by_kind.get(SourceKind.FOLDER):
        for folder, akte in session.execute(
            select(RecordFolder, Akte)
            .join(Akte, Akte.id == RecordFolder.akte_id)
            .where(RecordFolder.id.in_(ids), akte_visible(scope))
        ).all():
            found[(SourceKind.FOLDER, folder.id)] = ResolvedFolder(folder, akte)
    if codes := by_kind.get(SourceKind.PLAN):
        plan = active_plan(session)
        for code in codes:
            if code in plan:
                found[(SourceKind.PLAN, code)] = ResolvedPlanItem(plan, plan.get(code))
    return found


def rows_of(
    ctx: CmisContext,
    queried: TypeDefinition,
    selected: Sequence[Selected] | None,
    hits: Sequence[tuple[str, str, float | None]],
    *,
    include_allowable_actions: bool,
) -> list[QueryRow]:
    """Query rows for the hits, in their order; ``selected`` None means ``*``."""
    records = load(ctx, [(kind, record_id) for kind, record_id, _ in hits])
    present = [(k, i, score) for k, i, score in hits if (k, i) in records]
    wanted = (
        None if selected is None else frozenset(d.query_name for d, _ in selected if d is not None)
    )
    oc = OperationContext(filter=wanted, include_allowable_actions=include_allowable_actions)
    objects = to_objects(ctx, [records[(k, i)] for k, i, _ in present], oc)
    return [
        _row(queried, selected, obj, score)
        for obj, (_, _, score) in zip(objects, present, strict=True)
    ]


def _row(
    queried: TypeDefinition,
    selected: Sequence[Selected] | None,
    obj: CmisObject,
    score: float | None,
) -> QueryRow:
    items: Sequence[Selected] = selected or [
        (d, d.query_name) for d in queried.property_definitions.values()
    ]
    properties: list[tuple[PropertyDefinition, str, tuple[Any, ...]]] = []
    for definition, name in items:
        if definition is None:
            value = () if score is None else (Decimal(str(round(score, 6))),)
            properties.append((SCORE, name, value))
            continue
        found = obj.properties.get(definition.id)
        properties.append((definition, name, found.values if found is not None else ()))
    return QueryRow(
        properties=properties,
        allowable_actions=obj.allowable_actions,
        object_id=obj.object_id,
    )
