"""The OpenSearch search backend (``EAKTE_SEARCH_BACKEND=opensearch``); docs/opensearch.md.

* :mod:`.client` the client from settings, :mod:`.mapping` the index and its alias,
* :mod:`.documents` index entries from the database, :mod:`.query` search requests,
* :mod:`.outbox` change rows written in the changing transaction, :mod:`.sync` their
  delivery, :mod:`.reindex` a zero-downtime rebuild, :mod:`.index` the SearchIndex.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from services.backends.opensearch.client import make_client
from services.backends.opensearch.index import OpenSearchIndex
from services.backends.opensearch.mapping import Alias
from services.backends.opensearch.outbox import install_outbox
from services.backends.opensearch.sync import CatchUpHandler, Delivery
from services.settings import OpenSearchSettings


@dataclass
class OpenSearchBackend:
    """The index, the outbox delivery and the periodic catch-up, wired to one factory."""

    index: OpenSearchIndex
    delivery: Delivery
    catch_up: CatchUpHandler


def build_opensearch(
    settings: OpenSearchSettings, factory: sessionmaker[Session]
) -> OpenSearchBackend:
    """A client for the cluster, and every session of ``factory`` watched for changes.

    Nothing is sent yet: a cluster that is down when the service starts does not stop
    it; searches fail until it is back and the outbox keeps every change meanwhile.
    """
    alias = Alias(make_client(settings), settings.alias)
    delivery = Delivery(alias, settings, factory)
    install_outbox(factory, delivery.after_commit)
    return OpenSearchBackend(OpenSearchIndex(alias), delivery, CatchUpHandler(delivery))
