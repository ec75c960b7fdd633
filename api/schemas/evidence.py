"""Evidence records as the API returns them (the same JSON ``eakte evidence export`` writes).

Times and days stay the strings of the exported record, so an API download and a CLI
export of the same object are the same document.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class EvidenceObjectOut(BaseModel):
    id: int
    key: str
    version_id: str | None
    sha256: str = Field(description="SHA-256 of the content, hex: the leaf of the tree")
    size: int
    media_type: str
    purpose: str
    stored_at: str


class EvidenceTreeOut(BaseModel):
    day: str = Field(description="UTC day whose new content the tree covers (YYYY-MM-DD)")
    root: str = Field(description="root hash, hex")
    leaf_count: int
    leaf_index: int
    sealed_at: str


class EvidenceAnchorOut(BaseModel):
    name: str | None = Field(description="named object in the write-once store")
    version_id: str | None


class EvidenceTimestampOut(BaseModel):
    tsa_url: str | None
    token: str = Field(description="RFC 3161 TimeStampToken over the root, DER, base64")


class EvidenceDocumentOut(BaseModel):
    id: str
    version: int
    part: str


class EvidenceRecordOut(BaseModel):
    format: str
    version: int
    hash_algorithm: str
    hash_algorithm_oid: str
    object: EvidenceObjectOut
    tree: EvidenceTreeOut
    reduced_hash_tree: list[list[str]] = Field(
        description="RFC 4998 partial hash trees, hex; the first holds the object's hash. "
        "Sort each group as binary values, concatenate, hash; add the result to the next "
        "group; the last hash is the root."
    )
    anchor: EvidenceAnchorOut
    timestamp: EvidenceTimestampOut | None
    document: EvidenceDocumentOut | None = None
