"""Which sources are independent: near-copies (syndicated or spun articles) count once.

Two articles are near-copies when the Jaccard overlap of their word 5-gram
shingles reaches :data:`NEAR_COPY_THRESHOLD`; groups are the connected
components of that relation (union–find).

Pairs worth comparing come from MinHash locality-sensitive hashing (Broder
1997; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3):
each article gets a signature of :data:`BANDS` × :data:`ROWS` min-hashes, and
two articles are compared (exactly, on their shingle sets) when one band of
their signatures is equal. A pair at exactly the threshold shares a band with
probability 1 − (1 − 0.5³)⁴² ≈ 99.6%, a pair at 0.6 with 99.99%; unrelated
pairs are never compared, however common their shingles. Whether a pair is
compared depends on the two articles only, so grouping the corpus at once and
regrouping after a change (:func:`near_copy_pairs` with ``among``) agree.

A build keeps each article's :class:`Fingerprint` in the store (:func:`pack`,
:func:`unpack`), so regrouping never re-reads unchanged files.

>>> groups = independence_groups({"a": "one two three four five six seven", "b": "one two three four five six seven", "c": "x y z"})
>>> groups["a"] == groups["b"], groups["c"]
(True, 'c')
"""

from __future__ import annotations

import base64
import re
import sys
import zlib
from array import array
from dataclasses import dataclass
from functools import cached_property
from typing import Collection, Iterable, Mapping

import numpy as np

SHINGLE_WORDS = 5
NEAR_COPY_THRESHOLD = 0.5
BANDS, ROWS = 42, 3
_WORD = re.compile(r"[a-z0-9]+")
_PRIME = np.uint64(4_294_967_311)  # the first prime above 2**32
_HASH_A = np.random.default_rng(20240611).integers(1, 2**31, BANDS * ROWS, dtype=np.uint64)
_HASH_B = np.random.default_rng(20240612).integers(0, 2**31, BANDS * ROWS, dtype=np.uint64)


@dataclass(eq=False)
class Fingerprint:
    """An article's MinHash signature and its shingle set.

    A fingerprint read back from the manifest keeps its shingles packed until a candidate pair needs them:
    regrouping after one new article then unpacks a handful of sets, not thousands.
    """

    signature: bytes  # BANDS * ROWS min-hashes, 32-bit little-endian
    known_shingles: frozenset[int] | None = None
    packed_shingles: str = ""

    @cached_property
    def shingles(self) -> frozenset[int]:
        return self.known_shingles if self.known_shingles is not None else frozenset(unpack(self.packed_shingles))


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """Hashed word n-grams of the lower-cased text."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset({zlib.crc32(" ".join(words).encode())}) if words else frozenset()
    return frozenset(zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1))


def fingerprint(text: str) -> Fingerprint:
    """The shingles of ``text`` and their min-hashes (an empty text has an empty signature)."""
    items = shingles(text)
    if not items:
        return Fingerprint(b"", known_shingles=items)
    values = np.fromiter(items, dtype=np.uint64, count=len(items))
    hashes = (values[:, None] * _HASH_A[None, :] + _HASH_B[None, :]) % _PRIME
    return Fingerprint(hashes.min(axis=0).astype("<u4").tobytes(), known_shingles=items)


def pack(items: Iterable[int]) -> str:
    """A compact text form of 32-bit integers (shingles, signatures), for the build manifest.

    >>> unpack(pack([3, 1, 2**32 - 1]))
    (3, 1, 4294967295)
    """
    return base64.b64encode(array("I", items).tobytes()).decode("ascii")


def unpack(text: str) -> tuple[int, ...]:
    """The integers :func:`pack` wrote, in order."""
    values = array("I")
    values.frombytes(base64.b64decode(text))
    return tuple(values)


def pack_signature(signature: bytes) -> str:
    """A signature's little-endian bytes in :func:`pack`'s text form (the inverse of :func:`packed_signature`)."""
    values = array("I")
    values.frombytes(signature)
    if sys.byteorder == "big":
        values.byteswap()
    return pack(values)


def packed_signature(text: str) -> bytes:
    """A signature :func:`pack` wrote, back as little-endian bytes (what :class:`Fingerprint` holds).

    >>> packed_signature(pack([1, 2])) == (1).to_bytes(4, "little") + (2).to_bytes(4, "little")
    True
    >>> packed_signature(pack_signature(b"abcdefgh"))
    b'abcdefgh'
    
    """
    values = array("I")
    values.frombytes(base64.b64decode(text))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tobytes()


def independence_groups(texts: Mapping[str, str], threshold: float = NEAR_COPY_THRESHOLD) -> dict[str, str]:
    """Map each article id to its group's id (the smallest id in the group)."""
    prints = {article_id: fingerprint(text) for article_id, text in texts.items()}
    return groups_from_pairs(prints, near_copy_pairs(prints, threshold=threshold))


def near_copy_pairs(
    prints: Mapping[str, Fingerprint], among: Collection[str] | None = None, threshold: float = NEAR_COPY_THRESHOLD
) -> set[tuple[str, str]]:
    """Near-copy pairs ``(a, b)``, ``a < b``; with ``among``, only pairs with at least one member in it.

    Candidates share one band of their signatures. Each band's rows are hashed to one 64-bit key and
    grouped by it with ``numpy.unique``; only groups holding a wanted article are visited, and their
    members compared exactly (a rare key collision only adds a candidate the exact check rejects).
    """
    ids = [article_id for article_id, found in prints.items() if len(found.signature) == 4 * BANDS * ROWS]
    wanted = set(ids) if among is None else set(ids).intersection(among)
    if not wanted:
        return set()
    rows = np.frombuffer(b"".join(prints[a].signature for a in ids), dtype="<u4").reshape(len(ids), BANDS, ROWS)
    keys = np.zeros((len(ids), BANDS), dtype=np.uint64)
    for row in range(ROWS):
        keys = keys * np.uint64(0x100000001B3) ^ rows[:, :, row].astype(np.uint64)
    is_wanted = np.fromiter((a in wanted for a in ids), dtype=bool, count=len(ids))
    candidates = set()
    for band in range(BANDS):
        _, group, sizes = np.unique(keys[:, band], return_inverse=True, return_counts=True)
        holding_wanted = np.bincount(group, weights=is_wanted, minlength=len(sizes)) > 0
        members_by_group = np.argsort(group, kind="stable")
        starts = np.cumsum(sizes) - sizes
        for shared in np.flatnonzero((sizes > 1) & holding_wanted):
            members = [ids[i] for i in members_by_group[starts[shared] : starts[shared] + sizes[shared]]]
            for a in wanted.intersection(members):
                candidates.update((a, b) if a < b else (b, a) for b in members if b != a)
    pairs = set()
    for a, b in candidates:
        set_a, set_b = prints[a].shingles, prints[b].shingles
        common = len(set_a & set_b)
        if common >= threshold * (len(set_a) + len(set_b) - common):
            pairs.add((a, b))
    return pairs


def groups_from_pairs(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components of the near-copy relation: id → smallest id of its component.

    >>> groups_from_pairs(["c", "b", "a", "d"], [("b", "c"), ("a", "c")])
    {'c': 'a', 'b': 'a', 'a': 'a', 'd': 'd'}
    """
    parent = {article_id: article_id for article_id in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {article_id: find(article_id) for article_id in parent}
