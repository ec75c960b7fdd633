"""Content changes (CMIS getContentChanges) read from eakte's audit trail.

Every change to a record is an audit event already, so the change log is the trail:
the change log token is the event's id, the change type follows from its action, and
the caller sees the events of the objects they can see (an event of a document in an
Akte shared with them, not of one in another unit).  Reads are not changes.
Objects are named by their CMIS ids (documents by their version series).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, not_, or_, select, true

from services.access.scope import Scope
from services.access.visibility import akte_visible, document_visible
from services.cmis.errors import InvalidArgument
from services.cmis.ids import akte_object_id, folder_object_id, vorgang_object_id
from services.cmis.model import ChangeEvent, CmisContext
from services.cmis.resolve import require_read
from services.cmis.types.service import page_size
from services.db.models import Akte, AuditEvent, Document, RecordFolder, Vorgang
from services.db.pagination import MAX_SQL_INT

OBJECT_TYPES = ("document", "akte", "vorgang", "folder")
_SECURITY = ("akte.shared", "akte.share_revoked")
_DELETED = ("document.destroyed",)


def change_type(action: str) -> str:
    """``created``, ``updated``, ``deleted`` or ``security`` for an audit action."""
    if action.endswith(".created"):
        return "created"
    if action.endswith(".deleted") or action in _DELETED:
        return "deleted"
    if action in _SECURITY or action.endswith(".confidentiality_changed"):
        return "security"
    return "updated"


def _object_id(object_type: str, record_id: str) -> str:
    if object_type == "akte":
        return akte_object_id(record_id)
    if object_type == "vorgang":
        return vorgang_object_id(record_id)
    if object_type == "folder":
        return folder_object_id(record_id)
    return record_id


def change_visible(scope: Scope) -> ColumnElement[bool]:
    """Events of the documents, Akten, Vorgänge and folders the caller can see."""
    if scope.sees_everything:
        return true()
    documents = select(Document.id).where(document_visible(scope), Document.akte_id.is_not(None))
    akten = select(Akte.id).where(akte_visible(scope))
    vorgaenge = select(Vorgang.id).where(Vorgang.akte_id.in_(akten))
    folders = select(RecordFolder.id).where(RecordFolder.akte_id.in_(akten))
    return or_(
        and_(AuditEvent.object_type == "document", AuditEvent.object_id.in_(documents)),
        and_(AuditEvent.object_type == "akte", AuditEvent.object_id.in_(akten)),
        and_(AuditEvent.object_type == "vorgang", AuditEvent.object_id.in_(vorgaenge)),
        and_(AuditEvent.object_type == "folder", AuditEvent.object_id.in_(folders)),
    )


def _changes(scope: Scope) -> list[ColumnElement[bool]]:
    return [
        AuditEvent.object_type.in_(OBJECT_TYPES),
        not_(AuditEvent.action.endswith(".read")),
        change_visible(scope),
    ]


def _token(raw: str | None) -> int:
    if raw is None or raw.strip() == "":
        return 0
    try:
        value = int(raw)
    except ValueError:
        raise InvalidArgument(f"changeLogToken {raw!r} is not a token of this repository") from None
    if not 0 <= value <= MAX_SQL_INT:
        raise InvalidArgument(f"changeLogToken {raw!r} is not a token of this repository")
    return value


def latest_change_token(ctx: CmisContext) -> str | None:
    """The token of the newest change the caller can see (None: none yet)."""
    newest = ctx.session.scalar(
        select(AuditEvent.id).where(*_changes(ctx.scope)).order_by(AuditEvent.id.desc()).limit(1)
    )
    return None if newest is None else str(newest)


def content_changes(
    ctx: CmisContext, change_log_token: str | None, *, max_items: int | None
) -> tuple[list[ChangeEvent], str | None, bool]:
    """Changes from ``change_log_token`` on (that event first), the last token, has more."""
    require_read(ctx)
    start = _token(change_log_token)
    size = page_size(ctx, max_items)
    events = ctx.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.id >= start, *_changes(ctx.scope))
        .order_by(AuditEvent.id)
        .limit(size + 1)
    ).all()
    more = len(events) > size
    changes = [
        ChangeEvent(
            object_id=_object_id(event.object_type, event.object_id),
            change_type=change_type(event.action),
            change_time=event.occurred_at,
            token=str(event.id),
        )
        for event in events[:size]
    ]
    if changes:
        latest: str | None = changes[-1].token
    else:
        latest = change_log_token if change_log_token else latest_change_token(ctx)
    return changes, latest, more
