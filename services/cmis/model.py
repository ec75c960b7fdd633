"""The binding-independent CMIS values that services return and bindings render.

Python values of properties: ``str`` (string, id, uri, html), ``int`` (integer),
``decimal.Decimal`` (decimal), ``bool`` (boolean), timezone-aware ``datetime``
(datetime).  A property's ``values`` is a tuple (empty for "not set"), for single- and
multi-valued properties alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import IO, Any

from sqlalchemy.orm import Session

from services.access.scope import Scope
from services.ports import BlobStore, Clock, SearchIndex
from services.settings import Settings


class BaseTypeId(StrEnum):
    DOCUMENT = "cmis:document"
    FOLDER = "cmis:folder"
    RELATIONSHIP = "cmis:relationship"
    POLICY = "cmis:policy"
    ITEM = "cmis:item"
    SECONDARY = "cmis:secondary"


class PropertyType(StrEnum):
    STRING = "string"
    ID = "id"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    URI = "uri"
    HTML = "html"


class Cardinality(StrEnum):
    SINGLE = "single"
    MULTI = "multi"


class Updatability(StrEnum):
    READONLY = "readonly"
    READWRITE = "readwrite"
    WHENCHECKEDOUT = "whencheckedout"
    ONCREATE = "oncreate"


class VersioningState(StrEnum):
    NONE = "none"
    MAJOR = "major"
    MINOR = "minor"
    CHECKEDOUT = "checkedout"


@dataclass(frozen=True)
class Choice:
    display_name: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class PropertyDefinition:
    id: str
    property_type: PropertyType
    cardinality: Cardinality = Cardinality.SINGLE
    updatability: Updatability = Updatability.READONLY
    local_name: str = ""
    local_namespace: str = ""
    query_name: str = ""
    display_name: str = ""
    description: str = ""
    inherited: bool = False
    required: bool = False
    queryable: bool = True
    orderable: bool = True
    open_choice: bool = True
    default_value: tuple[Any, ...] = ()
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None
    min_value: Any = None
    max_value: Any = None
    precision: int | None = None
    """Decimal: 32 or 64 (CMIS); None for other types."""
    resolution: str | None = None
    """Datetime: ``year``, ``date`` or ``time``."""


@dataclass(frozen=True)
class TypeMutability:
    create: bool = False
    update: bool = False
    delete: bool = False


@dataclass(frozen=True)
class TypeDefinition:
    id: str
    base_id: BaseTypeId
    parent_id: str | None
    local_name: str = ""
    local_namespace: str = ""
    query_name: str = ""
    display_name: str = ""
    description: str = ""
    creatable: bool = True
    fileable: bool = True
    queryable: bool = True
    fulltext_indexed: bool = False
    included_in_supertype_query: bool = True
    controllable_policy: bool = False
    controllable_acl: bool = False
    type_mutability: TypeMutability = TypeMutability()
    versionable: bool | None = None
    """Documents only."""
    content_stream_allowed: str | None = None
    """Documents only: ``notallowed``, ``allowed`` or ``required``."""
    property_definitions: Mapping[str, PropertyDefinition] = field(default_factory=dict)
    """Own and inherited, in display order; ``inherited`` tells them apart."""
    built_in: bool = True


@dataclass(frozen=True)
class Property:
    definition: PropertyDefinition
    values: tuple[Any, ...]

    @property
    def first(self) -> Any:
        return self.values[0] if self.values else None


@dataclass(frozen=True)
class AccessControlEntry:
    principal_id: str
    permissions: tuple[str, ...]
    """``cmis:read``, ``cmis:write``, ``cmis:all``."""
    direct: bool = True


@dataclass(frozen=True)
class Acl:
    aces: tuple[AccessControlEntry, ...]
    exact: bool = True


@dataclass(frozen=True)
class Rendition:
    stream_id: str
    mime_type: str
    length: int | None
    kind: str = "cmis:rendition"
    title: str = ""


@dataclass
class CmisObject:
    object_id: str
    base_type_id: BaseTypeId
    type_id: str
    properties: dict[str, Property]
    """Keyed by property id, in display order; a filter has already been applied."""
    allowable_actions: frozenset[str] | None = None
    """``canGetProperties`` …; None when not asked for."""
    acl: Acl | None = None
    renditions: tuple[Rendition, ...] = ()
    change_token: str | None = None


@dataclass(frozen=True)
class ObjectInFolder:
    object: CmisObject
    path_segment: str | None


@dataclass(frozen=True)
class ObjectList:
    objects: Sequence[ObjectInFolder]
    has_more_items: bool
    num_items: int | None


@dataclass(frozen=True)
class ObjectParent:
    object: CmisObject
    relative_path_segment: str | None


@dataclass
class TreeNode:
    item: ObjectInFolder
    children: list[TreeNode]


@dataclass(frozen=True)
class ContentStream:
    """A content stream to send; ``chunks`` is consumed once, already cut to the range."""

    mime_type: str
    filename: str | None
    length: int
    """Bytes that ``chunks`` yields."""
    total_length: int
    offset: int
    chunks: Iterator[bytes]
    close: Callable[[], None] = lambda: None


@dataclass(frozen=True)
class IncomingContent:
    """A content stream received: spooled to a seekable file, never all in memory."""

    filename: str | None
    mime_type: str | None
    """As the client claimed it; eakte detects the real type from the bytes."""
    file: IO[bytes]
    size: int


@dataclass(frozen=True)
class OperationContext:
    filter: frozenset[str] | None = None
    """Property ids or query names to return; None for all (``*`` or not given)."""
    include_allowable_actions: bool = False
    include_acl: bool = False
    include_path_segment: bool = False
    rendition_filter: str = "cmis:none"
    order_by: str | None = None
    skip_count: int = 0
    max_items: int | None = None


@dataclass(frozen=True)
class ChangeEvent:
    object_id: str
    change_type: str
    """``created``, ``updated``, ``deleted`` or ``security``."""
    change_time: datetime
    token: str


@dataclass(frozen=True)
class QueryRow:
    """One result row of a query: values by the select list's query names or aliases."""

    properties: list[tuple[PropertyDefinition, str, tuple[Any, ...]]]
    """(definition, query name or alias as selected, values)."""
    allowable_actions: frozenset[str] | None = None
    object_id: str | None = None


@dataclass(frozen=True)
class QueryResult:
    rows: Sequence[QueryRow]
    has_more_items: bool
    num_items: int | None


@dataclass(frozen=True)
class CmisContext:
    """What every CMIS service call needs: the request's session and scope, the parts."""

    session: Session
    scope: Scope
    store: BlobStore
    search: SearchIndex
    settings: Settings
    clock: Clock
    repository_id: str
    extras: Mapping[str, Any] = field(default_factory=dict)
