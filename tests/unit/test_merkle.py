"""The RFC 4998-style hash tree: every leaf reduces to the root, nothing else does."""

from __future__ import annotations

import hashlib

import pytest

from services.evidence.merkle import MerkleError, build, reduce


def h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaves(n: int) -> list[bytes]:
    return [h(f"object {i}".encode()) for i in range(n)]


def cat_hash(*values: bytes) -> bytes:
    """The RFC 4998 rule written out: sort as binary values, concatenate, hash."""
    return hashlib.sha256(b"".join(sorted(values))).digest()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 1000])
def test_every_leaf_reduces_to_the_root(n: int) -> None:
    values = leaves(n)
    tree = build(values)
    assert tree.leaf_count == n
    for leaf, path in zip(values, tree.paths, strict=True):
        assert reduce(leaf, path) == tree.root


def test_a_single_leaf_is_its_own_root() -> None:
    (leaf,) = leaves(1)
    tree = build([leaf])
    assert tree.root == leaf
    assert tree.paths == ((),)


def test_two_leaves_by_hand() -> None:
    a, b = leaves(2)
    tree = build([a, b])
    assert tree.root == cat_hash(a, b)
    assert tree.root == hashlib.sha256(min(a, b) + max(a, b)).digest()
    assert tree.paths[0] == tree.paths[1] == ((min(a, b), max(a, b)),)


def test_three_leaves_by_hand() -> None:
    """a and b are paired; c is promoted and then paired with their parent."""
    a, b, c = leaves(3)
    ab = cat_hash(a, b)
    root = cat_hash(ab, c)
    tree = build([a, b, c])
    assert tree.root == root
    assert tree.paths[0] == (tuple(sorted((a, b))), (c,))
    assert tree.paths[1] == (tuple(sorted((a, b))), (c,))
    assert tree.paths[2] == (tuple(sorted((c, ab))),)


def test_five_leaves_by_hand() -> None:
    a, b, c, d, e = leaves(5)
    ab, cd = cat_hash(a, b), cat_hash(c, d)
    abcd = cat_hash(ab, cd)
    root = cat_hash(abcd, e)
    tree = build([a, b, c, d, e])
    assert tree.root == root
    assert tree.paths[2] == (tuple(sorted((c, d))), (ab,), (e,))
    assert tree.paths[4] == (tuple(sorted((e, abcd))),)


def test_known_vector() -> None:
    """Fixed values so that a change of the rule (order, promotion, hash) shows up.

    sha256("a") = ca97..., sha256("b") = 3e23..., sha256("c") = 2e7d...; "b" sorts before
    "a", so the parent is sha256(b || a) = 18d7...; that sorts before "c": root = sha256(ab || c).
    """
    a, b, c = h(b"a"), h(b"b"), h(b"c")
    ab = hashlib.sha256(b + a).digest()
    assert ab.hex() == "18d79cb747ea174c59f3a3b41768672526d56fecc58360a99d283d0f9b0a3cc0"
    root = hashlib.sha256(ab + c).digest()
    assert root.hex() == "aea2dd4249dcecf97ca6a1556db7f21ebd6a40bbec0243ca61b717146a08c347"
    tree = build([a, b, c])
    assert tree.root == root
    assert tree.paths == (((b, a), (c,)), ((b, a), (c,)), ((ab, c),))


def test_order_of_leaves_matters_for_the_shape_only() -> None:
    """Sorting inside a group makes (a, b) and (b, a) the same; the pairing does not."""
    a, b, c = leaves(3)
    assert build([a, b, c]).root == build([b, a, c]).root
    assert build([a, b, c]).root != build([c, a, b]).root


def test_a_changed_leaf_does_not_reduce() -> None:
    values = leaves(5)
    tree = build(values)
    other = h(b"something else")
    for path in tree.paths:
        with pytest.raises(MerkleError, match="not in the first"):
            reduce(other, path)


def test_a_changed_single_leaf_gives_another_root() -> None:
    (leaf,) = leaves(1)
    tree = build([leaf])
    assert reduce(h(b"other"), tree.paths[0]) != tree.root


@pytest.mark.parametrize("n", [2, 3, 5, 1000])
def test_a_changed_path_entry_does_not_reduce_to_the_root(n: int) -> None:
    values = leaves(n)
    tree = build(values)
    for index in (0, n // 2, n - 1):
        path = tree.paths[index]
        for level, group in enumerate(path):
            for position, value in enumerate(group):
                if value == values[index]:
                    continue  # changing the leaf itself is the test above
                flipped = bytes([value[0] ^ 1]) + value[1:]
                changed_group = group[:position] + (flipped,) + group[position + 1 :]
                changed = path[:level] + (changed_group,) + path[level + 1 :]
                assert reduce(values[index], changed) != tree.root


def test_a_dropped_or_added_level_does_not_reduce_to_the_root() -> None:
    values = leaves(5)
    tree = build(values)
    path = tree.paths[0]
    assert reduce(values[0], path[:-1]) != tree.root
    assert reduce(values[0], (*path, (h(b"x"),))) != tree.root


def test_invalid_input_is_refused() -> None:
    with pytest.raises(MerkleError):
        build([])
    with pytest.raises(MerkleError):
        build([b"short"])
    (leaf,) = leaves(1)
    with pytest.raises(MerkleError):
        reduce(leaf, ((leaf, b"short"),))
    with pytest.raises(MerkleError):
        reduce(leaf, ((),))
