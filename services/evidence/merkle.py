"""A binary hash tree over SHA-256 leaves with RFC 4998 reduced hash trees.

RFC 4998 (Evidence Record Syntax, §4.2/§4.3) sorts the hashes of each group as binary
values and hashes their concatenation.  A proof therefore needs no left/right flags: it
is a list of *partial hash trees* (groups of hashes), and anyone can recompute the root
with nothing but SHA-256.  That keeps evidence checkable decades later without eakte.

Shape of the tree: leaves are paired in the order given (callers use a stable order,
e.g. the database id); a level with an odd count promotes its last node unchanged to the
next level.  The reduced hash tree of a leaf lists, for every level at which the leaf's
branch is actually hashed, the group of hashes that is concatenated there: the first
group holds the leaf itself and its sibling, each later group only the sibling (the
verifier adds the hash it computed).  Levels at which the branch is only promoted leave
no group.  A tree of one leaf has an empty reduced hash tree and its root is the leaf
(RFC 4998 allows omitting the reduced hash tree for a single object).

Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

HASH_ALGORITHM = "sha-256"
HASH_OID = "2.16.840.1.101.3.4.2.1"
DIGEST_SIZE = 32

PartialHashtree = tuple[bytes, ...]
ReducedHashtree = tuple[PartialHashtree, ...]


class MerkleError(ValueError):
    """A hash tree or reduced hash tree that cannot be built or reduced."""


@dataclass(frozen=True)
class HashTree:
    root: bytes
    paths: tuple[ReducedHashtree, ...]
    """The reduced hash tree of each leaf, in leaf order."""

    @property
    def leaf_count(self) -> int:
        return len(self.paths)


def hash_group(hashes: Sequence[bytes]) -> bytes:
    """SHA-256 over the hashes sorted as binary values and concatenated (RFC 4998 §4.2)."""
    return hashlib.sha256(b"".join(sorted(hashes))).digest()


def build(leaves: Sequence[bytes]) -> HashTree:
    """Build the tree over ``leaves`` (32-byte SHA-256 values) and every leaf's proof."""
    if not leaves:
        raise MerkleError("a hash tree needs at least one leaf")
    for leaf in leaves:
        _check_digest(leaf)
    paths: list[list[PartialHashtree]] = [[] for _ in leaves]
    positions = list(range(len(leaves)))  # each leaf's branch: its index in the current level
    level = list(leaves)
    while len(level) > 1:
        for leaf_index, position in enumerate(positions):
            sibling = position ^ 1
            if sibling >= len(level):
                continue  # promoted: nothing is hashed for this branch at this level
            path = paths[leaf_index]
            if path:
                path.append((level[sibling],))
            else:
                # Promotion never changes a value, so the node is still the leaf itself.
                path.append(tuple(sorted((leaves[leaf_index], level[sibling]))))
        level = _next_level(level)
        positions = [position // 2 for position in positions]
    return HashTree(root=level[0], paths=tuple(tuple(path) for path in paths))


def reduce(leaf: bytes, path: Sequence[Sequence[bytes]]) -> bytes:
    """Compute the root that ``path`` leads to from ``leaf`` (RFC 4998 §4.3).

    Raises :class:`MerkleError` when the leaf is not in the first group or a value is not
    a SHA-256 digest; the caller compares the result with the root it trusts.
    """
    _check_digest(leaf)
    for group in path:
        if not group:
            raise MerkleError("a partial hash tree is empty")
        for value in group:
            _check_digest(value)
    if not path:
        return leaf
    if leaf not in path[0]:
        raise MerkleError("the hash is not in the first partial hash tree")
    current = hash_group(path[0])
    for group in path[1:]:
        current = hash_group([*group, current])
    return current


def _next_level(level: Sequence[bytes]) -> list[bytes]:
    pairs = [hash_group(level[i : i + 2]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        pairs.append(level[-1])
    return pairs


def _check_digest(value: bytes) -> None:
    if not isinstance(value, bytes) or len(value) != DIGEST_SIZE:
        raise MerkleError(f"not a SHA-256 digest: {value!r:.80}")
