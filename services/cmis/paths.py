"""Names and paths of CMIS folders, and finding an object by its path.

Root ``/``; plan items nest by the plan's hierarchy and are named ``<code> <title>``;
Akten below their plan item, then Vorgänge, folders and documents by their names.  A
segment may also be a plan code (``/32.10.01`` finds that item wherever it sits) and,
below a plan item, an Aktenzeichen with ``/`` written as ``-``.  Among siblings of the
same name the oldest wins.
"""

from __future__ import annotations

from file_plan import FilePlan, FilePlanItem
from services.cmis import queries, version_queries
from services.cmis.errors import InvalidArgument, ObjectNotFound
from services.cmis.model import CmisContext
from services.cmis.resolve import (
    Resolved,
    ResolvedAkte,
    ResolvedFolder,
    ResolvedPlanItem,
    ResolvedRoot,
    ResolvedVersion,
    ResolvedVorgang,
    place_of,
    require_read,
)
from services.db.models import Akte, RecordFolder, Vorgang
from services.records.file_plans import active_plan


def cmis_name(text: str) -> str:
    """A record's title as a CMIS name: a ``/`` would split the path, so it becomes ``-``."""
    return text.replace("/", "-")


def plan_item_name(item: FilePlanItem) -> str:
    return cmis_name(f"{item.code} {item.title}")


def plan_item_path(plan: FilePlan, code: str) -> str:
    chain = (*plan.ancestors(code), plan.get(code))
    return "/" + "/".join(plan_item_name(item) for item in chain)


def akte_path(plan: FilePlan, akte: Akte) -> str:
    return f"{plan_item_path(plan, akte.file_plan_code)}/{cmis_name(akte.title)}"


def vorgang_path(plan: FilePlan, vorgang: Vorgang, akte: Akte) -> str:
    return f"{akte_path(plan, akte)}/{cmis_name(vorgang.title)}"


def folder_path(ctx: CmisContext, plan: FilePlan, folder: RecordFolder, akte: Akte) -> str:
    """The path of a folder below an Akte: its Akte's (or Vorgang's) path and the chain."""
    chain = queries.folder_chain(ctx.session, folder)
    top = chain[0]
    if top.vorgang_id is not None:
        vorgang = queries.vorgang_of_folder(ctx.session, top)
        base = vorgang_path(plan, vorgang, akte)
    else:
        base = akte_path(plan, akte)
    return base + "".join(f"/{cmis_name(f.name)}" for f in chain)


def resolve_path(ctx: CmisContext, path: str) -> Resolved:
    """The object at ``path`` (absolute); ObjectNotFound when a segment names nothing."""
    require_read(ctx)
    if not path.startswith("/"):
        raise InvalidArgument("a path must start with '/'")
    segments = [s for s in path.split("/") if s]
    plan = active_plan(ctx.session)
    current: Resolved = ResolvedRoot(plan)
    for segment in segments:
        current = _child_named(ctx, plan, current, segment, path)
    return current


def _child_named(
    ctx: CmisContext, plan: FilePlan, parent: Resolved, segment: str, path: str
) -> Resolved:
    session, scope = ctx.session, ctx.scope
    if isinstance(parent, ResolvedRoot | ResolvedPlanItem):
        item = _plan_child(plan, parent, segment)
        if item is not None:
            return ResolvedPlanItem(plan, item)
        if isinstance(parent, ResolvedPlanItem) and parent.is_leaf:
            akte = queries.akte_named(session, scope, parent.item.code, segment)
            if akte is not None:
                return ResolvedAkte(akte)
    elif isinstance(parent, ResolvedAkte | ResolvedVorgang | ResolvedFolder):
        found = queries.child_named(session, scope, place_of(parent), segment)
        if isinstance(found, Vorgang):
            return ResolvedVorgang(found, parent.akte)
        if isinstance(found, RecordFolder):
            return ResolvedFolder(found, parent.akte)
        if found is not None:
            version = version_queries.current_version(session, found)
            if version is not None:
                label = version_queries.labels_of(session, [version])[version.id]
                checkout = version_queries.checkout_of(session, found)
                return ResolvedVersion(found, version, label, parent.akte, checkout)
    raise ObjectNotFound(f"no object at path {path!r}")


def _plan_child(
    plan: FilePlan, parent: ResolvedRoot | ResolvedPlanItem, segment: str
) -> FilePlanItem | None:
    children = plan.roots() if isinstance(parent, ResolvedRoot) else plan.children(parent.item.code)
    for child in children:
        if plan_item_name(child) == segment:
            return child
    if segment not in plan:
        return None
    item = plan.get(segment)
    if isinstance(parent, ResolvedRoot):
        return item
    below = any(a.code == parent.item.code for a in plan.ancestors(segment))
    return item if below else None
