"""The OpenSearch client, made from settings; opensearch-py is imported only here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.errors import ConfigurationError, StorageError
from services.settings import OpenSearchSettings

if TYPE_CHECKING:
    from opensearchpy import OpenSearch


class SearchUnavailableError(StorageError):
    """The search cluster did not answer or refused a request (HTTP 503 for callers)."""


def make_client(settings: OpenSearchSettings) -> OpenSearch:
    """A client for the configured nodes; raises when opensearch-py is not installed."""
    try:
        from opensearchpy import OpenSearch
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise ConfigurationError(
            "EAKTE_SEARCH_BACKEND=opensearch needs the Python package opensearch-py"
        ) from exc
    options: dict[str, Any] = {
        "hosts": list(settings.urls),
        "timeout": settings.timeout_seconds,
        # One retry on a broken connection (a pooled keep-alive connection that a restart
        # or network cut closed); every request is idempotent.  The outbox does the rest.
        "max_retries": 1,
        "retry_on_timeout": False,
        "verify_certs": settings.verify_certs,
        "ssl_show_warn": settings.verify_certs,
    }
    if settings.ca_certs is not None:
        options["ca_certs"] = str(settings.ca_certs)
    if settings.username is not None and settings.password is not None:
        options["http_auth"] = (settings.username, settings.password.get_secret_value())
    return OpenSearch(**options)
