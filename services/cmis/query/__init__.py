"""The CMIS query language: parsed, translated into the caller's scoped SQL, paged."""

from services.cmis.query.execute import query

__all__ = ["query"]
