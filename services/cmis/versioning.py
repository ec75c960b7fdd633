"""checkOut, checkIn, cancelCheckOut, getAllVersions and getObjectOfLatestVersion.

A check-out opens a private working copy (``<uuid>;pwc``) in :class:`DocumentCheckout`:
its content starts as the current version's and changes only there (setContentStream
on the PWC).  Check-in makes the PWC the next version, labelled ``major+1.0`` or
``major.minor+1``; cancelling drops it (its stored content, write-once like all content,
is left to the orphan sweep).  Properties belong to the version series (see
:mod:`services.cmis.update`), so property changes on the PWC apply at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.audit.trail import record_event
from services.cmis import version_queries
from services.cmis.content import discard_appended
from services.cmis.documents import (
    accept_content,
    add_labelled_version,
    next_label,
    register_content,
    start_checkout,
)
from services.cmis.errors import Constraint, ObjectNotFound, Versioning
from services.cmis.folders import place_of_document, require_write
from services.cmis.ids import pwc_object_id, version_object_id
from services.cmis.model import CmisContext, CmisObject, IncomingContent, OperationContext
from services.cmis.navigation import get_object
from services.cmis.objects import to_objects
from services.cmis.resolve import (
    Resolved,
    ResolvedPwc,
    ResolvedVersion,
    resolve_document,
)
from services.cmis.update import apply_properties
from services.db.models import DocumentCheckout, ObjectPurpose, StoredObject

Raw = Mapping[str, Sequence[str]]


def check_out(ctx: CmisContext, object_id: str) -> CmisObject:
    """Check the document out; answers its private working copy."""
    resolved = resolve_document(ctx, object_id)
    if resolved.checkout is not None:
        raise Versioning("the document is already checked out")
    assert isinstance(resolved, ResolvedVersion)
    if not resolved.is_latest:
        raise Versioning("only the latest version can be checked out")
    require_write(ctx.scope, resolved.akte)
    place_of_document(ctx.session, resolved.document, resolved.akte).ensure_open()
    start_checkout(ctx.session, resolved.document, actor=ctx.scope.actor, clock=ctx.clock)
    return get_object(ctx, pwc_object_id(resolved.document.id), OperationContext())


def cancel_check_out(ctx: CmisContext, object_id: str) -> None:
    """Drop the private working copy; the document stays as it was checked out."""
    resolved = resolve_document(ctx, object_id)
    checkout = _checkout(resolved)
    require_write(ctx.scope, resolved.akte)
    ctx.session.delete(checkout)
    ctx.session.flush()
    discard_appended(ctx, resolved.document.id)
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action="cmis.check_out_cancelled",
        object_type="document",
        object_id=resolved.document.id,
        details={"via": "cmis", "checked_out_by": checkout.checked_out_by},
        clock=ctx.clock,
    )


def check_in(
    ctx: CmisContext,
    object_id: str,
    *,
    major: bool,
    properties: Raw,
    content: IncomingContent | None,
    comment: str | None,
) -> CmisObject:
    """The working copy (with ``content`` and ``properties`` if given) as the next version."""
    resolved = resolve_document(ctx, object_id)
    checkout = _checkout(resolved)
    document = resolved.document
    require_write(ctx.scope, resolved.akte)
    place_of_document(ctx.session, document, resolved.akte).ensure_open()
    now = ctx.clock.now()
    if content is not None:
        accepted = accept_content(ctx.store, content, settings=ctx.settings, clock=ctx.clock)
        stored: StoredObject | None = register_content(
            ctx.session, accepted, purpose=ObjectPurpose.CONTENT, settings=ctx.settings, now=now
        )
        filename = accepted.filename
    elif checkout.content_changed:
        stored = (
            ctx.session.get(StoredObject, checkout.content_object_id)
            if checkout.content_object_id is not None
            else None
        )
        filename = checkout.content_filename
    else:
        stored, filename = resolved.version.content, None
    if stored is None:
        raise Constraint("a document needs content; set the working copy's content first")
    if properties:
        apply_properties(ctx, resolved, properties)
    current = version_queries.current_version(ctx.session, document)
    assert current is not None, "a document always has its current version"
    label = next_label(version_queries.labels_of(ctx.session, [current])[current.id], major=major)
    version = add_labelled_version(
        ctx.session,
        document,
        stored,
        label=label,
        comment=comment,
        filename=filename,
        actor=ctx.scope.actor,
        settings=ctx.settings,
        clock=ctx.clock,
    )
    ctx.session.delete(checkout)
    ctx.session.flush()
    discard_appended(ctx, document.id)
    record_event(
        ctx.session,
        actor=ctx.scope.actor,
        action="cmis.checked_in",
        object_type="document",
        object_id=document.id,
        details={
            "via": "cmis",
            "version": version.number,
            "version_label": label.text,
            "major": major,
            "comment": comment,
        },
        clock=ctx.clock,
    )
    return get_object(
        ctx, version_object_id(document.id, label.major, label.minor), OperationContext()
    )


def get_all_versions(ctx: CmisContext, object_id: str, oc: OperationContext) -> list[CmisObject]:
    """Every version of the series, newest first; the working copy first when there is one."""
    resolved = resolve_document(ctx, object_id)
    document, akte = resolved.document, resolved.akte
    checkout = version_queries.checkout_of(ctx.session, document)
    versions = version_queries.versions_newest_first(ctx.session, document)
    labels = version_queries.labels_of(ctx.session, versions)
    items: list[Resolved] = []
    if checkout is not None and versions:
        current = versions[0]
        items.append(ResolvedPwc(document, checkout, current, labels[current.id], akte))
    items.extend(ResolvedVersion(document, v, labels[v.id], akte, checkout) for v in versions)
    return to_objects(ctx, items, oc)


def get_object_of_latest_version(
    ctx: CmisContext, object_id: str, *, major: bool, oc: OperationContext
) -> CmisObject:
    """The latest version of the series (``major``: the latest major version)."""
    resolved = resolve_document(ctx, object_id)
    document = resolved.document
    number = (
        version_queries.latest_major_number(ctx.session, document)
        if major
        else document.current_version
    )
    version = next(
        (
            v
            for v in version_queries.versions_newest_first(ctx.session, document)
            if v.number == number
        ),
        None,
    )
    if version is None:
        raise ObjectNotFound(f"document {document.id} has no major version")
    label = version_queries.labels_of(ctx.session, [version])[version.id]
    checkout = version_queries.checkout_of(ctx.session, document)
    latest = ResolvedVersion(document, version, label, resolved.akte, checkout)
    return to_objects(ctx, [latest], oc)[0]


def _checkout(resolved: Resolved) -> DocumentCheckout:
    checkout = resolved.checkout if isinstance(resolved, ResolvedVersion | ResolvedPwc) else None
    if checkout is None:
        raise Versioning("the document is not checked out")
    return checkout
