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
from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.access.visibility import document_visible
from services.db.models import Document


def visible_ids_sql(session: Session, scope: Scope) -> tuple[str, dict[str, Any]]:
    statement = select(Document.id).where(document_visible(scope))
    dialect_class: Any = type(session.get_bind().dialect)
    dialect = dialect_class(paramstyle="named")
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    sql, params = str(compiled), dict(compiled.params)
    for name in sorted(params, key=len, reverse=True):
        sql = sql.replace(f":{name}", f":vis_{name}")
    return sql, {f"vis_{name}": value for name, value in params.items()}
