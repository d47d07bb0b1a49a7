"""Which sources are independent: near-copies (syndicated or spun articles) count once.

Two articles are near-copies when the Jaccard overlap of their word 5-gram
shingles reaches :data:`NEAR_COPY_THRESHOLD`; groups are the connected
components of that relation (union–find). Candidate pairs come from an
inverted index of shingles, so unrelated articles are never compared.

>>> groups = independence_groups({"a": "one two three four five six seven", "b": "one two three four five six seven", "c": "x y z"})
>>> groups["a"] == groups["b"], groups["c"]
(True, 'c')
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from typing import Mapping

SHINGLE_WORDS = 5
NEAR_COPY_THRESHOLD = 0.5
_WORD = re.compile(r"[a-z0-9]+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """Hashed word n-grams of the lower-cased text."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset({zlib.crc32(" ".join(words).encode())}) if words else frozenset()
    return frozenset(zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1))


def independence_groups(texts: Mapping[str, str], threshold: float = NEAR_COPY_THRESHOLD) -> dict[str, str]:
    """Map each article id to its group's id (the smallest id in the group)."""
    sets = {article_id: shingles(text) for article_id, text in texts.items()}
    index: dict[int, list[str]] = defaultdict(list)
    for article_id, items in sets.items():
        for shingle in items:
            index[shingle].append(article_id)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in index.values():
        if 1 < len(ids) <= 50:
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    shared[(a, b) if a < b else (b, a)] += 1
    parent = {article_id: article_id for article_id in texts}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), common in shared.items():
        union = len(sets[a]) + len(sets[b]) - common
        if union and common / union >= threshold:
            root_a, root_b = find(a), find(b)
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)
    return {article_id: find(article_id) for article_id in texts}
