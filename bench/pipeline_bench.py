"""Extraction overhead: a whole build against plain ``nlp.pipe`` with the same model, stage by stage.

All timings in one process with the model already loaded (model start-up is
excluded from every figure here; the CLI figures in :mod:`bench.incremental_bench`
include it), after one untimed pass of the parser over the texts, since the
first pass over unseen words is slower and would favour whoever runs second.
Two limits are measured:

* ``nlp.pipe`` over the article texts as ingested — what a naive design parses;
* ``nlp.pipe`` over the statement blocks the build actually parses — the
  physical limit of this design (headings and list headers are never parsed).

The stage breakdown calls the stage functions in the order ``pipeline/build.py``
calls them, each stage over the whole batch, so the slowest one stands out.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.build import build
from pipeline.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_claims
from pipeline.extract.statements import statement_blocks
from pipeline.independence import independence_groups
from pipeline.ingest import read_articles
from pipeline.nlp import load_model, model_name, parse
from pipeline.normalise import normalise
from pipeline.ontology import load_lexicon
from pipeline.store import ManifestEntry, article_nquads, open_store, read_manifest, write_articles, write_groups, write_ontology


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds of one measured step (CPU time barely notices other busy processes)."""

    wall: float
    cpu: float


class Stopwatch:
    """Measures wall-clock and process CPU time from its creation (or last :meth:`lap`)."""

    def __init__(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self) -> Timing:
        """The time since the previous lap, and start a new one."""
        wall, cpu = time.perf_counter(), time.process_time()
        timing = Timing(wall - self._wall, cpu - self._cpu)
        self._wall, self._cpu = wall, cpu
        return timing


def pipe_time(texts: list[str]) -> Timing:
    """Time plain ``nlp.pipe`` over ``texts`` with the configured model (loaded beforehand)."""
    nlp = load_model(model_name())
    watch = Stopwatch()
    for _ in parse(texts, nlp):
        pass
    return watch.lap()


def stage_times(folder: Path, store_path: Path) -> dict[str, Timing]:
    """Run the build's stages one after another over all articles in ``folder``; time per stage."""
    nlp, lexicon = load_model(model_name()), load_lexicon()
    times: dict[str, Timing] = {}
    watch = Stopwatch()
    articles = read_articles([folder]).articles
    times["ingest"] = watch.lap()

    dataset = open_store(store_path, create=True)
    read_manifest(dataset)
    write_ontology(dataset, lexicon)
    times["store open + ontology"] = watch.lap()

    blocks = {article.id: statement_blocks(article.text) for article in articles}
    times["statement blocks"] = watch.lap()

    docs = iter(list(parse((block.text for article in articles for block in blocks[article.id]), nlp)))
    times["parse (nlp.pipe)"] = watch.lap()

    mentions = {article.id: extract_claims([(block, next(docs)) for block in blocks[article.id]], lexicon)
                for article in articles}
    times["extract"] = watch.lap()

    evidence = {article_id: normalise(found, lexicon) for article_id, found in mentions.items()}
    times["normalise"] = watch.lap()

    write_articles(dataset, [
        (article.id, article_nquads(article, evidence[article.id], EXTRACTOR_NAME, EXTRACTOR_VERSION),
         ManifestEntry(article.id, article.sha256, EXTRACTOR_VERSION, lexicon.digest, article.path))
        for article in articles])
    times["store write"] = watch.lap()

    groups = independence_groups({article.id: article.text for article in articles})
    times["independence groups"] = watch.lap()

    write_groups(dataset, groups)
    dataset.close()
    times["store groups + close"] = watch.lap()
    return times


def measure_overhead(folder: Path) -> dict:
    """Build ``folder`` into a fresh store and compare with plain ``nlp.pipe``, in one process.

    The parse limit is timed before and after the build and averaged, so drift in
    the machine's load does not favour either side.
    """
    load_lexicon()
    articles = read_articles([folder]).articles
    block_texts = [block.text for article in articles for block in statement_blocks(article.text)]
    pipe_time(block_texts)  # untimed: the first pass over new words fills the model's vocabulary caches
    with tempfile.TemporaryDirectory() as scratch:
        pipe_articles = pipe_time([article.text for article in articles])
        before = pipe_time(block_texts)
        watch = Stopwatch()
        build([folder], Path(scratch) / "build")
        build_time = watch.lap()
        after = pipe_time(block_texts)
        stages = stage_times(folder, Path(scratch) / "stages")
    return {
        "articles": len(articles),
        "words": sum(len(article.text.split()) for article in articles),
        "pipe_articles": pipe_articles,
        "pipe_blocks": Timing((before.wall + after.wall) / 2, (before.cpu + after.cpu) / 2),
        "build": build_time,
        "stages": stages,
    }
