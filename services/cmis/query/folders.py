"""IN_FOLDER, IN_TREE and ``cmis:parentId`` as conditions on each source."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, false, select, true
from sqlalchemy.orm import Session

from file_plan import FilePlan
from services.access.scope import Scope
from services.access.visibility import akte_visible
from services.cmis.errors import InvalidArgument, ObjectNotFound
from services.cmis.ids import IdKind, ParsedId, parse_object_id
from services.cmis.query.sources import Expr, Source, SourceKind
from services.db.models import Akte, Document, FilePlanEntry, RecordFolder, Vorgang
from services.records.file_plans import active_plan


def folder_id(text: str, position: int) -> ParsedId:
    """A folder's id from a query; a document's or a malformed id is an invalid argument."""
    try:
        parsed = parse_object_id(text)
    except ObjectNotFound:
        raise InvalidArgument(
            f"Query: {text!r} at position {position + 1} is not a folder id"
        ) from None
    if parsed.kind is IdKind.DOCUMENT:
        raise InvalidArgument(f"Query: {text!r} at position {position + 1} is not a folder id")
    return parsed


@dataclass
class FolderConditions:
    session: Session
    scope: Scope
    _plan: FilePlan | None = field(default=None, init=False)

    @property
    def plan(self) -> FilePlan:
        if self._plan is None:
            self._plan = active_plan(self.session)
        return self._plan

    def _codes_below(self, parsed: ParsedId, *, direct: bool) -> list[str]:
        if parsed.kind is IdKind.ROOT:
            roots = self.plan.roots()
            return [i.code for i in roots] if direct else [i.code for i in self.plan.items]
        if parsed.key not in self.plan:
            return []
        if direct:
            return [i.code for i in self.plan.children(parsed.key)]
        return [i.code for i in self.plan.subtree(parsed.key)]

    def in_folder(self, source: Source, parsed: ParsedId) -> Expr:
        """Objects of ``source`` directly in the folder ``parsed``."""
        kind, key = source.kind, parsed.key
        if kind is SourceKind.PLAN:
            if parsed.kind in (IdKind.ROOT, IdKind.PLAN):
                return FilePlanEntry.code.in_(self._codes_below(parsed, direct=True))
            return false()
        if parsed.kind is IdKind.PLAN:
            return Akte.file_plan_code == key if kind is SourceKind.AKTE else false()
        if parsed.kind is IdKind.AKTE:
            if kind is SourceKind.VORGANG:
                return Vorgang.akte_id == key
            if kind is SourceKind.FOLDER:
                return and_(
                    RecordFolder.akte_id == key,
                    RecordFolder.vorgang_id.is_(None),
                    RecordFolder.parent_id.is_(None),
                )
            if kind is SourceKind.DOCUMENT:
                return and_(
                    Document.akte_id == key,
                    Document.vorgang_id.is_(None),
                    Document.folder_id.is_(None),
                )
        if parsed.kind is IdKind.VORGANG:
            if kind is SourceKind.FOLDER:
                return and_(RecordFolder.vorgang_id == key, RecordFolder.parent_id.is_(None))
            if kind is SourceKind.DOCUMENT:
                return and_(Document.vorgang_id == key, Document.folder_id.is_(None))
        if parsed.kind is IdKind.FOLDER:
            if kind is SourceKind.FOLDER:
                return RecordFolder.parent_id == key
            if kind is SourceKind.DOCUMENT:
                return Document.folder_id == key
        return false()

    def in_tree(self, source: Source, parsed: ParsedId) -> Expr:
        """Objects of ``source`` anywhere below the folder ``parsed``."""
        kind, key = source.kind, parsed.key
        if parsed.kind is IdKind.ROOT:
            return true()
        if parsed.kind is IdKind.PLAN:
            codes = self._codes_below(parsed, direct=False)
            if kind is SourceKind.PLAN:
                return FilePlanEntry.code.in_([c for c in codes if c != key])
            if kind is SourceKind.DOCUMENT:
                return Document.akte_id.in_(select(Akte.id).where(Akte.file_plan_code.in_(codes)))
            return Akte.file_plan_code.in_(codes)
        if parsed.kind is IdKind.AKTE:
            column = {
                SourceKind.VORGANG: Vorgang.akte_id,
                SourceKind.FOLDER: RecordFolder.akte_id,
                SourceKind.DOCUMENT: Document.akte_id,
            }.get(kind)
            return column == key if column is not None else false()
        if parsed.kind is IdKind.VORGANG:
            if kind is SourceKind.FOLDER:
                return RecordFolder.vorgang_id == key
            if kind is SourceKind.DOCUMENT:
                return Document.vorgang_id == key
            return false()
        below = self._folders_below(key)
        if kind is SourceKind.FOLDER:
            return RecordFolder.id.in_(below)
        if kind is SourceKind.DOCUMENT:
            return Document.folder_id.in_([key, *below])
        return false()

    def _folders_below(self, folder_id: str) -> list[str]:
        """Ids of the visible folders below ``folder_id`` (its Akte's folders, walked)."""
        akte_of = select(RecordFolder.akte_id).where(RecordFolder.id == folder_id)
        rows = self.session.execute(
            select(RecordFolder.id, RecordFolder.parent_id)
            .join(Akte, Akte.id == RecordFolder.akte_id)
            .where(RecordFolder.akte_id.in_(akte_of), akte_visible(self.scope))
        ).all()
        children: dict[str, list[str]] = {}
        for row in rows:
            if row.parent_id is not None:
                children.setdefault(row.parent_id, []).append(row.id)
        found: list[str] = []
        pending = list(children.get(folder_id, []))
        while pending:
            current = pending.pop()
            found.append(current)
            pending.extend(children.get(current, []))
        return found
