"""The caller's visibility as an SQL fragment the search backends embed in their queries.

Search backends write their ranking SQL by hand (FTS5 ``MATCH``, ``ts_rank_cd``); the
visibility rule comes from :mod:`services.access.visibility` as a SQLAlchemy expression.
This renders ``SELECT documents.id FROM documents WHERE <rule>`` with named parameters
(prefixed ``vis_``) so that both compose into one statement: counts and pages are taken
over visible documents only, never filtered afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine.default import DefaultDialect

from services.access.scope import Scope
from services.access.visibility import document_visible
from services.db.models import Document


def visibility_condition(scope: Scope, column: str) -> tuple[str, dict[str, Any]]:
    """``<column> IN (visible document ids)``, or ``1 = 1`` for a scope that sees all.

    Callers that see every unit at every level (admins with the highest clearance) skip
    the rule entirely: building the set of all ids would cost them more than the search.
    """
    if scope.sees_everything:
        return "1 = 1", {}
    statement = select(Document.id).where(document_visible(scope))
    # The generic dialect: plain ``:name`` parameters without the driver's type casts
    # (psycopg's ``:x::VARCHAR`` would not survive ``text()``); the rule is plain SQL.
    compiled = statement.compile(
        dialect=DefaultDialect(paramstyle="named"), compile_kwargs={"render_postcompile": True}
    )
    sql, params = str(compiled), dict(compiled.params)
    for name in sorted(params, key=len, reverse=True):
        sql = sql.replace(f":{name}", f":vis_{name}")
    return f"{column} IN ({sql})", {f"vis_{name}": value for name, value in params.items()}
