"""Navigation services: objects by id and path, children, trees, parents, check-outs.

Children of a folder are ordered and paged in SQL; only the page's records are loaded
(with their client-defined properties in one go).  Plan items are listed from the
active plan; below a plan item only the Akten the caller sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from file_plan import FilePlanItem
from services.cmis import queries
from services.cmis.errors import Constraint, InvalidArgument
from services.cmis.ids import akte_object_id, folder_object_id, plan_object_id, vorgang_object_id
from services.cmis.model import (
    CmisContext,
    CmisObject,
    ObjectInFolder,
    ObjectList,
    ObjectParent,
    OperationContext,
    TreeNode,
)
from services.cmis.objects import path_of, to_object, to_objects
from services.cmis.paths import cmis_name, plan_item_name, resolve_path
from services.cmis.queries import Order
from services.cmis.resolve import (
    Resolved,
    ResolvedAkte,
    ResolvedFolder,
    ResolvedFolderLike,
    ResolvedPlanItem,
    ResolvedPwc,
    ResolvedRoot,
    ResolvedVersion,
    ResolvedVorgang,
    place_of,
    require_read,
    resolve,
    resolve_folder,
)
from services.records.file_plans import active_plan

DEFAULT_ORDER: Order = (("cmis:baseTypeId", False), ("cmis:name", False))
"""Folders before documents, each by name (the order file browsers show)."""


def get_object(ctx: CmisContext, object_id: str, oc: OperationContext) -> CmisObject:
    return to_object(ctx, resolve(ctx, object_id), oc)


def get_object_by_path(ctx: CmisContext, path: str, oc: OperationContext) -> CmisObject:
    return to_object(ctx, resolve_path(ctx, path), oc)


def get_children(ctx: CmisContext, folder_id: str, oc: OperationContext) -> ObjectList:
    parent = resolve_folder(ctx, folder_id)
    order = parse_order(oc.order_by)
    limit, offset = window(ctx, oc)
    children, total = _children(ctx, parent, order, limit, offset, folders_only=False)
    objects = _in_folder(ctx, parent, children, oc)
    return ObjectList(objects, has_more_items=offset + len(objects) < total, num_items=total)


def get_descendants(
    ctx: CmisContext,
    folder_id: str,
    depth: int,
    oc: OperationContext,
    *,
    folders_only: bool,
) -> list[TreeNode]:
    """The tree below a folder, ``depth`` levels (-1: all); folder tree with ``folders_only``."""
    if depth == 0 or depth < -1:
        raise InvalidArgument("depth must be -1 or at least 1")
    parent = resolve_folder(ctx, folder_id)
    order = parse_order(oc.order_by)
    budget = _TreeBudget(ctx.settings.cmis.max_tree_objects)
    return _tree(ctx, parent, depth, order, oc, folders_only, budget)


def get_folder_parent(ctx: CmisContext, folder_id: str, oc: OperationContext) -> CmisObject:
    folder = resolve_folder(ctx, folder_id)
    if isinstance(folder, ResolvedRoot):
        raise InvalidArgument("the root folder has no parent")
    return to_object(ctx, resolve(ctx, parent_id(folder)), oc)


def get_object_parents(
    ctx: CmisContext, object_id: str, oc: OperationContext
) -> list[ObjectParent]:
    """The one parent of a filed object (eakte files each object once); none for the root."""
    resolved = resolve(ctx, object_id)
    if isinstance(resolved, ResolvedRoot):
        return []
    parent = to_object(ctx, resolve(ctx, parent_id(resolved)), oc)
    segment = _segment(resolved) if oc.include_path_segment else None
    return [ObjectParent(parent, segment)]


def get_checked_out_docs(
    ctx: CmisContext, folder_id: str | None, oc: OperationContext
) -> ObjectList:
    """Private working copies the caller can see, in ``folder_id`` if given."""
    require_read(ctx)
    limit, offset = window(ctx, oc)
    if folder_id is None:
        place = None
    else:
        folder = resolve_folder(ctx, folder_id)
        if not isinstance(folder, ResolvedAkte | ResolvedVorgang | ResolvedFolder):
            return ObjectList((), has_more_items=False, num_items=0)
        place = place_of(folder)
    ids, total = queries.checked_out_page(ctx.session, ctx.scope, place, limit=limit, offset=offset)
    rows = queries.load_documents(ctx.session, ctx.scope, ids)
    pwcs: list[Resolved] = []
    for document_id in ids:
        row = rows.get(document_id)
        if row is not None and row.checkout is not None and row.document.akte is not None:
            pwcs.append(
                ResolvedPwc(row.document, row.checkout, row.version, row.label, row.document.akte)
            )
    objects = [
        ObjectInFolder(obj, _segment(r) if oc.include_path_segment else None)
        for r, obj in zip(pwcs, to_objects(ctx, pwcs, oc), strict=True)
    ]
    return ObjectList(objects, has_more_items=offset + len(objects) < total, num_items=total)


def parent_id(resolved: Resolved) -> str:
    """The object id of the folder an object (not the root) is filed in."""
    if isinstance(resolved, ResolvedPlanItem):
        parent = resolved.item.parent
        return plan_object_id(parent) if parent else "root"
    if isinstance(resolved, ResolvedAkte):
        return plan_object_id(resolved.akte.file_plan_code)
    if isinstance(resolved, ResolvedVorgang):
        return akte_object_id(resolved.akte.id)
    if isinstance(resolved, ResolvedFolder):
        folder = resolved.folder
        if folder.parent_id is not None:
            return folder_object_id(folder.parent_id)
        if folder.vorgang_id is not None:
            return vorgang_object_id(folder.vorgang_id)
        return akte_object_id(folder.akte_id)
    if isinstance(resolved, ResolvedVersion | ResolvedPwc):
        document = resolved.document
        if document.folder_id is not None:
            return folder_object_id(document.folder_id)
        if document.vorgang_id is not None:
            return vorgang_object_id(document.vorgang_id)
        return akte_object_id(resolved.akte.id)
    raise InvalidArgument("the root folder has no parent")


def window(ctx: CmisContext, oc: OperationContext) -> tuple[int, int]:
    """(limit, offset) of a page: maxItems defaulted and capped, skipCount checked."""
    if oc.skip_count < 0:
        raise InvalidArgument("skipCount must not be negative")
    settings = ctx.settings.cmis
    wanted = settings.max_items_default if oc.max_items is None else oc.max_items
    if wanted < 0:
        raise InvalidArgument("maxItems must not be negative")
    return min(wanted, settings.max_items_limit), oc.skip_count


def parse_order(order_by: str | None) -> Order:
    """``cmis:name ASC,cmis:creationDate DESC`` as (property, descending) pairs."""
    if order_by is None or not order_by.strip():
        return DEFAULT_ORDER
    order = []
    for term in order_by.split(","):
        parts = term.split()
        if not parts:
            continue
        direction = parts[1].upper() if len(parts) > 1 else "ASC"
        if (
            parts[0] not in queries.SORT_COLUMNS
            or direction not in ("ASC", "DESC")
            or len(parts) > 2
        ):
            supported = ", ".join(queries.SORT_COLUMNS)
            raise InvalidArgument(f"cannot order by {term.strip()!r}; supported: {supported}")
        order.append((parts[0], direction == "DESC"))
    return tuple(order)


def _children(
    ctx: CmisContext,
    parent: ResolvedFolderLike,
    order: Order,
    limit: int | None,
    offset: int,
    *,
    folders_only: bool,
) -> tuple[list[Resolved], int]:
    session, scope = ctx.session, ctx.scope
    if isinstance(parent, ResolvedRoot | ResolvedPlanItem):
        plan = parent.plan
        items = (
            plan.roots() if isinstance(parent, ResolvedRoot) else plan.children(parent.item.code)
        )
        if items:
            ordered = _order_plan_items(list(items), order)
            end = None if limit is None else offset + limit
            page: list[Resolved] = [ResolvedPlanItem(plan, i) for i in ordered[offset:end]]
            return page, len(items)
        if isinstance(parent, ResolvedRoot):
            return [], 0
        akten, total = queries.akten_page(
            session, scope, parent.item.code, order=order, limit=limit, offset=offset
        )
        return [ResolvedAkte(akte) for akte in akten], total
    akte = parent.akte
    rows, total = queries.children_page(
        session,
        scope,
        place_of(parent),
        order=order,
        limit=limit,
        offset=offset,
        folders_only=folders_only,
    )
    vorgaenge = queries.load_vorgaenge(session, scope, [r.id for r in rows if r.kind == "vorgang"])
    folders = queries.load_folders(session, scope, [r.id for r in rows if r.kind == "folder"])
    documents = queries.load_documents(session, scope, [r.id for r in rows if r.kind == "document"])
    children: list[Resolved] = []
    for row in rows:
        if row.kind == "vorgang" and row.id in vorgaenge:
            children.append(ResolvedVorgang(vorgaenge[row.id], akte))
        elif row.kind == "folder" and row.id in folders:
            children.append(ResolvedFolder(folders[row.id], akte))
        elif row.kind == "document" and row.id in documents:
            d = documents[row.id]
            children.append(ResolvedVersion(d.document, d.version, d.label, akte, d.checkout))
    return children, total


def _order_plan_items(items: list[FilePlanItem], order: Order) -> list[FilePlanItem]:
    """Plan items in plan order, or by name when the order asks for names."""
    for prop, descending in order:
        if prop == "cmis:name":
            return sorted(items, key=plan_item_name, reverse=descending)
    return items


def _in_folder(
    ctx: CmisContext, parent: ResolvedFolderLike, children: Sequence[Resolved], oc: OperationContext
) -> list[ObjectInFolder]:
    base = path_of(ctx, active_plan(ctx.session), parent) or "/"
    paths = [
        None
        if isinstance(child, ResolvedVersion | ResolvedPwc)
        else f"{base.rstrip('/')}/{_segment(child)}"
        for child in children
    ]
    objects = to_objects(ctx, children, oc, paths=paths)
    return [
        ObjectInFolder(obj, _segment(child) if oc.include_path_segment else None)
        for child, obj in zip(children, objects, strict=True)
    ]


class _TreeBudget:
    """How many more objects a tree answer may hold.

    Without a bound, depth -1 on the root would load every record the caller can see.
    """

    def __init__(self, limit: int) -> None:
        self.limit = self.left = limit

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise Constraint(
                f"the tree holds more than {self.limit} objects "
                "(EAKTE_CMIS__MAX_TREE_OBJECTS); ask for less depth or page with getChildren"
            )


def _tree(
    ctx: CmisContext,
    parent: ResolvedFolderLike,
    depth: int,
    order: Order,
    oc: OperationContext,
    folders_only: bool,
    budget: _TreeBudget,
) -> list[TreeNode]:
    children, _ = _children(ctx, parent, order, budget.left + 1, 0, folders_only=folders_only)
    budget.spend(len(children))
    if folders_only:
        children = [c for c in children if not isinstance(c, ResolvedVersion | ResolvedPwc)]
    nodes = []
    for item in _in_folder(ctx, parent, children, oc):
        nodes.append(TreeNode(item, []))
    if depth == 1:
        return nodes
    for child, node in zip(children, nodes, strict=True):
        if not isinstance(child, ResolvedVersion | ResolvedPwc):
            node.children = _tree(
                ctx, child, depth - 1 if depth > 0 else -1, order, oc, folders_only, budget
            )
    return nodes


def _segment(resolved: Resolved) -> str:
    if isinstance(resolved, ResolvedRoot):
        return ""
    if isinstance(resolved, ResolvedPlanItem):
        return plan_item_name(resolved.item)
    if isinstance(resolved, ResolvedAkte):
        return cmis_name(resolved.akte.title)
    if isinstance(resolved, ResolvedVorgang):
        return cmis_name(resolved.vorgang.title)
    if isinstance(resolved, ResolvedFolder):
        return cmis_name(resolved.folder.name)
    return cmis_name(resolved.document.title)
