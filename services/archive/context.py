"""What the archive services need from the container, in one value."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from services.ports import BlobStore, Clock, SearchIndex
from services.settings import Settings


@dataclass(frozen=True)
class ArchiveContext:
    factory: sessionmaker[Session]
    store: BlobStore
    search: SearchIndex
    clock: Clock
    settings: Settings
