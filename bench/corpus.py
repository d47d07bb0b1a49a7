"""A deterministic synthetic corpus recombined from the example articles.

Article ``i`` depends only on ``(seed, i)``: ``synthetic_corpus(n + 1)`` holds
the ``n`` articles of ``synthetic_corpus(n)`` plus one, which is what an
incremental-build benchmark needs. Each article is a title and a few sections
(a heading, then a run of consecutive sentences from one example paragraph or
a short list of example list items), so pronouns still find their antecedents.
About one article in ten is a near-copy of an earlier one (one sentence
changed), like syndicated content, so the independence grouping has work to do.
Every article has a unique id (its file stem) and a unique text.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> paths = synthetic_corpus(3, folder)
>>> [p.name for p in paths]
['article-00000.txt', 'article-00001.txt', 'article-00002.txt']
>>> paths[0].read_text() == synthetic_corpus(1, Path(tempfile.mkdtemp()))[0].read_text()
True
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.extract.statements import is_statement
from pipeline.ingest import read_articles
from pipeline.resources import example_corpus_dir

NEAR_COPY_SHARE = 0.1
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass(frozen=True)
class _Pool:
    """The example corpus cut into reusable pieces."""

    headings: tuple[str, ...]
    paragraphs: tuple[tuple[str, ...], ...]
    items: tuple[str, ...]


@lru_cache(maxsize=1)
def _pool() -> _Pool:
    headings: list[str] = []
    paragraphs: list[tuple[str, ...]] = []
    items: list[str] = []
    for article in read_articles([example_corpus_dir()]).articles:
        for line in article.text.split("\n"):
            if line.startswith("- "):
                items.append(line[2:])
            elif is_statement(line):
                paragraphs.append(tuple(_SENTENCE_BREAK.split(line)))
            else:
                headings.append(line)
    return _Pool(tuple(dict.fromkeys(headings)), tuple(dict.fromkeys(paragraphs)), tuple(dict.fromkeys(items)))


def _fresh_text(rng: random.Random, index: int) -> str:
    pool = _pool()
    lines = [f"{rng.choice(pool.headings)} (part {index})"]
    for _ in range(rng.randint(4, 8)):
        lines.append(rng.choice(pool.headings))
        if rng.random() < 0.25:
            lines.extend(f"- {item}" for item in rng.sample(pool.items, rng.randint(2, 4)))
        else:
            paragraph = rng.choice(pool.paragraphs)
            start = rng.randrange(len(paragraph))
            lines.append(" ".join(paragraph[start : start + rng.randint(2, 6)]))
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=4096)
def article_text(index: int, seed: int = 0) -> str:
    """The text of synthetic article ``index``: a function of ``(seed, index)`` only."""
    rng = random.Random(f"{seed}:{index}")
    if index == 0 or rng.random() >= NEAR_COPY_SHARE:
        return _fresh_text(rng, index)
    original = article_text(rng.randrange(index), seed).split("\n")
    original[0] = f"{original[0].rsplit(' (part ', 1)[0]} (part {index})"
    statements = [i for i, line in enumerate(original) if is_statement(line.removeprefix("- "))]
    replaced = rng.choice(statements)
    prefix = "- " if original[replaced].startswith("- ") else ""
    paragraph = rng.choice(_pool().paragraphs)
    original[replaced] = prefix + rng.choice(paragraph)
    return "\n".join(original)


def synthetic_corpus(n: int, folder: Path, seed: int = 0) -> list[Path]:
    """Write ``n`` synthetic articles (``article-00000.txt`` …) into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(n):
        path = folder / f"article-{index:05d}.txt"
        path.write_text(article_text(index, seed))
        paths.append(path)
    return paths


def word_count(paths: list[Path]) -> int:
    """Whitespace-separated words in the files: the unit of the throughput figures."""
    return sum(len(path.read_text().split()) for path in paths)
