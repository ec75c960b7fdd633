"""Renditions: the searchable PDF/A eakte makes of every version, once it is made.

It is the rendition ``pdfa`` (kind ``cmis:rendition``, ``application/pdf``);
``getContentStream`` with that stream id answers it.  A private working copy has none.
"""

from __future__ import annotations

from services.cmis.model import CmisContext, Rendition
from services.cmis.resolve import Resolved, ResolvedVersion, resolve

PDFA_STREAM_ID = "pdfa"
PDFA_KIND = "cmis:rendition"
PDFA_MIME_TYPE = "application/pdf"


def get_renditions(ctx: CmisContext, object_id: str) -> list[Rendition]:
    return renditions_of(resolve(ctx, object_id), "*")


def renditions_of(resolved: Resolved, rendition_filter: str) -> list[Rendition]:
    """The object's renditions that ``rendition_filter`` selects (CMIS 2.2.1.2.4)."""
    if not isinstance(resolved, ResolvedVersion) or resolved.version.rendition is None:
        return []
    if not selects(rendition_filter, PDFA_KIND, PDFA_MIME_TYPE):
        return []
    stored = resolved.version.rendition
    return [
        Rendition(
            stream_id=PDFA_STREAM_ID,
            mime_type=PDFA_MIME_TYPE,
            length=stored.size,
            kind=PDFA_KIND,
            title="PDF/A",
        )
    ]


def selects(rendition_filter: str | None, kind: str, mime_type: str) -> bool:
    """Whether a filter (``cmis:none``, ``*``, kinds and MIME types, ``type/*``) selects."""
    terms = [t.strip() for t in (rendition_filter or "cmis:none").split(",") if t.strip()]
    for term in terms:
        if term in ("*", kind, mime_type):
            return True
        if term.endswith("/*") and mime_type.startswith(term[:-1]):
            return True
    return False
