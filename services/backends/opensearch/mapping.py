"""The index: its settings and mapping, physical names behind the alias, creation.

Words are analysed in Python (:mod:`.documents`), not by OpenSearch: the text fields hold
Snowball stems separated by spaces, with ``_`` for a stop word (positions stay intact for
phrases), and are split at whitespace only.  The same terms on every cluster, real
OpenSearch or the in-memory osmem used in tests, and the same as the SQL backends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from services.backends.opensearch.client import SearchUnavailableError

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

TEXT_FIELDS = {"title": 5.0, "metadata": 2.0, "body": 1.0, "parts": 0.5}
"""Searched fields and their boosts: the SQL backends' column weights."""

MAX_RESULT_WINDOW = 10_000
"""OpenSearch's default ``index.max_result_window``: pages end there."""

_TERMS = {"type": "text", "analyzer": "eakte_terms", "norms": True}
_KEYWORD = {"type": "keyword"}


def index_body(*, loading: bool = False) -> dict[str, Any]:
    """Settings and mapping of a physical index (``loading``: no refresh while bulk loading)."""
    settings: dict[str, Any] = {
        "number_of_shards": 1,
        "analysis": {"analyzer": {"eakte_terms": {"type": "custom", "tokenizer": "whitespace"}}},
    }
    if loading:
        settings["refresh_interval"] = "-1"
    return {
        "settings": settings,
        "mappings": {
            "dynamic": "strict",
            "_source": {"enabled": False},
            "properties": {
                **{name: _TERMS for name in TEXT_FIELDS},
                "document_id": _KEYWORD,
                "org_unit": _KEYWORD,
                "confidentiality": _KEYWORD,
                "akte_id": _KEYWORD,
                "akte_confidentiality": _KEYWORD,
                "plan_codes": _KEYWORD,
                "aktenzeichen": _KEYWORD,
                "filing_status": _KEYWORD,
                "filed": {"type": "boolean"},
                "received_at": {"type": "date"},
            },
        },
    }


def physical_name(alias: str, now: datetime | None = None) -> str:
    """A new physical index name behind ``alias``, ordered by creation time."""
    moment = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S%f")
    return f"{alias}-{moment}"


def indices_of(client: OpenSearch, alias: str) -> list[str]:
    """The physical indices the alias points to (one, except during a broken switch)."""
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias))


def ensure_index(client: OpenSearch, alias: str) -> str:
    """The index behind ``alias``; creates a first, empty one when there is none."""
    existing = indices_of(client, alias)
    if existing:
        return existing[-1]
    name = physical_name(alias)
    body = index_body()
    body["aliases"] = {alias: {}}
    client.indices.create(index=name, body=body)
    return name


class Alias:
    """The alias of one deployment; creates its first index once, when first needed.

    Lazily, so that a cluster that is down when the service starts does not stop it, and
    never by writing to the bare alias name (OpenSearch would create a plain index with
    a guessed mapping under that name).
    """

    def __init__(self, client: OpenSearch, name: str) -> None:
        self.client = client
        self.name = name
        self._ready = False

    def ensure(self) -> None:
        if self._ready:
            return
        try:
            ensure_index(self.client, self.name)
        except Exception as exc:  # opensearch-py's transport and HTTP errors
            raise SearchUnavailableError(f"OpenSearch index {self.name}: {exc}") from exc
        self._ready = True
