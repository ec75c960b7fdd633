"""The caller's visibility as an SQL fragment the search backends embed in their queries.

Search backends write their ranking SQL by hand (FTS5 ``MATCH``, ``ts_rank_cd``); the
visibility rule comes from :mod:`services.access.visibility` as a SQLAlchemy expression.
This renders ``SELECT documents.id FROM documents WHERE <rule>`` with named parameters
(prefixed ``vis_``) so that both compose into one statement: counts and pages are taken
over visible documents only, never filtered afterwards.  The caller's search filters
(:mod:`services.search.filters`) join the rule in the same statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultDialect

from services.access.scope import Scope
from services.access.visibility import document_visible
from services.db.models import Document
from services.search.filters import NO_FILTERS, SearchFilters

ALL_VISIBLE = "1 = 1"
"""The condition for a caller who sees everything and filters nothing."""


def visibility_condition(
    scope: Scope,
    column: str,
    filters: SearchFilters = NO_FILTERS,
    dialect: Dialect | None = None,
) -> tuple[str, dict[str, Any]]:
    """``<column> IN (visible document ids passing the filters)``, or ``1 = 1``.

    Callers that see every unit at every level (admins with the highest clearance) and
    filter nothing skip the rule entirely: building the set of all ids would cost them
    more than the search.  ``dialect`` (the session's) converts typed values such as the
    filters' times into what the driver stores; without it values pass unconverted.
    """
    conditions = filters.conditions()
    if scope.sees_everything and not conditions:
        return ALL_VISIBLE, {}
    statement = select(Document.id).where(document_visible(scope), *conditions)
    # The generic dialect: plain ``:name`` parameters without the driver's type casts
    # (psycopg's ``:x::VARCHAR`` would not survive ``text()``); the rule is plain SQL.
    compiled = statement.compile(
        dialect=DefaultDialect(paramstyle="named"), compile_kwargs={"render_postcompile": True}
    )
    sql, params = str(compiled), dict(compiled.params)
    if dialect is not None:
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None and params.get(name) is not None:
                params[name] = processor(params[name])
    for name in sorted(params, key=len, reverse=True):
        sql = sql.replace(f":{name}", f":vis_{name}")
    return f"{column} IN ({sql})", {f"vis_{name}": value for name, value in params.items()}
