"""Store: load time and agreement/conflict query latency, Oxigraph against rdflib's in-memory store.

The graphs are synthetic but follow the claim model exactly: the example
corpus is extracted once, then its articles are cloned round after round under
new ids and written with :func:`pipeline.store.article_quads` (the function
the build uses), until the store holds the requested number of triples. In each
round about half of the entities are swapped for one of a growing set of
variants (so claims and entities keep multiplying, while the popular ones stay
shared, as in a real corpus) and one piece of evidence in twenty flips its
polarity (so there are polarity conflicts to find). The ontology and the
independence groups are written as the build writes them.

Oxigraph is loaded the way the build writes it (each article's graph as N-Quads
into ``pyoxigraph.Store.load``), rdflib's memory store with ``Graph.addN``; both
are then queried through rdflib's ``Dataset.query`` over the union of graphs.
Each query runs as shipped in ``queries/``.

One measurement runs in a child process (``python -m bench.store_bench
--backend oxigraph --triples 100000``) that prints one JSON line per result, so
the parent can stop a query that runs past its deadline: see :func:`measure_store`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, URIRef

from pipeline.workers import extract_articles
from pipeline.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION
from pipeline.independence import independence_groups
from pipeline.ingest import Article, read_articles
from pipeline.normalise import Claim, EntityTerm, Evidence, claim_iri
from pipeline.ontology import load_lexicon
from pipeline.reason import query_text
from pipeline.resources import example_corpus_dir
from pipeline.store import GROUPS_GRAPH, ONTOLOGY_GRAPH, article_nquads, article_quads, source_iri, write_ontology

QUERIES = ("agreements", "conflicts-polarity", "conflicts-opposing", "conflicts-value")
BACKENDS = ("oxigraph", "memory")
FLIP_SHARE = 0.05
# Cheap queries first, the shipped conflict queries last: they are the ones that may miss their deadline.
MEASURED = ("agreements", "conflicts-polarity", "conflicts-opposing", "conflicts-value")


def sparql(name: str) -> str:
    """The text of a measured query of ``queries/``."""
    return query_text(name)


def _variant(term: EntityTerm, variants: dict[URIRef, EntityTerm]) -> EntityTerm:
    return variants.get(term.iri, term)


def _clone(evidence: list[Evidence], rng: random.Random, round_number: int) -> list[Evidence]:
    """One article's evidence with about half its entities renamed and a few polarities flipped."""
    entities = {term.iri: term for item in evidence for term in (item.claim.subject, item.claim.object)
                if isinstance(term, EntityTerm)}
    variants = {}
    for iri in sorted(entities):
        if rng.random() < 0.5:
            suffix = f"_v{rng.randrange(1 + round_number // 2)}"
            term = entities[iri]
            variants[iri] = dataclasses.replace(term, iri=URIRef(iri + suffix), label=term.label + suffix.replace("_", " "))
    out = []
    for item in evidence:
        subject = _variant(item.claim.subject, variants)
        obj = _variant(item.claim.object, variants) if isinstance(item.claim.object, EntityTerm) else item.claim.object
        node = obj.iri if isinstance(obj, EntityTerm) else obj.literal
        claim = Claim(claim_iri(subject.iri, item.claim.predicate, node), subject, item.claim.predicate, obj)
        positive = item.positive != (rng.random() < FLIP_SHARE)
        out.append(dataclasses.replace(item, claim=claim, positive=positive))
    return out


def synthetic_articles(triples: int, seed: int = 0) -> Iterator[tuple[Article, list[Evidence]]]:
    """Cloned example articles with their evidence, until their graphs hold about ``triples`` triples."""
    articles = read_articles([example_corpus_dir()]).articles
    evidence = extract_articles(articles)
    rng = random.Random(seed)
    total, round_number = 0, 0
    while total < triples:
        for article in articles:
            clone = dataclasses.replace(article, id=f"{article.id}-{round_number:05d}")
            cloned = _clone(evidence[article.id], rng, round_number)
            total += len(set(article_quads(clone, cloned, EXTRACTOR_NAME, EXTRACTOR_VERSION)))
            yield clone, cloned
            if total >= triples:
                return
        round_number += 1


def _groups(ids: list[str]) -> dict[str, str]:
    """Independence groups of the clones: near-copies among the originals stay near-copies in each round."""
    articles = read_articles([example_corpus_dir()]).articles
    base = independence_groups({article.id: article.text for article in articles})
    return {clone: f"{base[clone[:-6]]}{clone[-6:]}" for clone in ids}


def _load(backend: str, folder: Path, triples: int) -> tuple[Dataset, float, int]:
    """A dataset of ``backend`` holding about ``triples`` synthetic triples, the seconds loading took, and its quads."""
    clones = list(synthetic_articles(triples))
    lexicon = load_lexicon()
    group_quads = [(source_iri(a), URIRef("https://claimgraph.org/ns#independenceGroup"), source_iri(g))
                   for a, g in _groups([article.id for article, _ in clones]).items()]
    if backend == "oxigraph":
        rendered = [article_nquads(article, evidence, EXTRACTOR_NAME, EXTRACTOR_VERSION) for article, evidence in clones]
        start = time.perf_counter()
        store = ox.Store(str(folder / "oxigraph"))
        for nquads in rendered:
            store.load(nquads, format=ox.RdfFormat.N_QUADS)
        dataset = Dataset(store=OxigraphStore(store=store), default_union=True)
    else:
        rendered = [list(article_quads(article, evidence, EXTRACTOR_NAME, EXTRACTOR_VERSION)) for article, evidence in clones]
        start = time.perf_counter()
        dataset = Dataset(default_union=True)
        for content in rendered:
            dataset.addN((s, p, o, dataset.graph(g)) for s, p, o, g in content)
    if backend == "oxigraph":
        write_ontology(dataset, lexicon)
    else:  # write_ontology writes to Oxigraph only; the same triples, by hand
        ontology = dataset.graph(ONTOLOGY_GRAPH)
        ontology.addN((s, p, o, ontology) for s, p, o in lexicon.graph)
    groups = dataset.graph(GROUPS_GRAPH)
    groups.addN((s, p, o, groups) for s, p, o in group_quads)
    seconds = time.perf_counter() - start
    quads = len(lexicon.graph) + len(group_quads) + len(
        {quad for article, evidence in clones for quad in article_quads(article, evidence, EXTRACTOR_NAME, EXTRACTOR_VERSION)})
    return dataset, seconds, quads


def run_child(backend: str, triples: int, queries: list[str]) -> None:
    """Load, then time each query; print one JSON line per result (what the parent reads)."""
    with tempfile.TemporaryDirectory() as scratch:
        dataset, load, quads = _load(backend, Path(scratch), triples)
        print(json.dumps({"load": load, "triples": quads}), flush=True)
        dataset.query("ASK { ?s ?p ?o }").askAnswer  # the SPARQL parser's one-off start-up is not a query's cost
        for name in queries:
            start = time.perf_counter()
            rows = len(list(dataset.query(sparql(name))))
            print(json.dumps({"query": name, "seconds": time.perf_counter() - start, "rows": rows}), flush=True)


def measure_store(backend: str, triples: int, deadline: float, queries: tuple[str, ...] = MEASURED) -> dict:
    """Load time and query latency (seconds; ``None`` when a query passed ``deadline`` seconds and was stopped).

    A query that misses its deadline is stopped with its child process; the next child reloads
    the store and goes on with the queries after it.
    """
    result: dict = {"backend": backend, "latency": {}, "rows": {}}
    remaining = list(queries)
    while remaining:
        command = [sys.executable, "-m", "bench.store_bench", "--backend", backend, "--triples", str(triples),
                   "--queries", *remaining]
        child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        lines: list[dict] = []
        reader = threading.Thread(target=lambda: lines.extend(json.loads(line) for line in child.stdout), daemon=True)
        reader.start()
        seen, last_line_at = 0, None
        while reader.is_alive():
            reader.join(0.05)
            if len(lines) != seen:
                seen, last_line_at = len(lines), time.perf_counter()
            if last_line_at is not None and time.perf_counter() - last_line_at > deadline:
                child.kill()
                break
        child.wait()
        if not lines:
            raise RuntimeError(f"store benchmark child failed before loading: {' '.join(command)}")
        for line in lines:
            if "load" in line:
                result.setdefault("load", line["load"])
                result.setdefault("triples", line["triples"])
            else:
                result["latency"][line["query"]] = line["seconds"]
                result["rows"][line["query"]] = line["rows"]
        done = [line["query"] for line in lines if "query" in line]
        if len(done) < len(remaining):
            result["latency"][remaining[len(done)]] = None
        remaining = remaining[len(done) + 1 :]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=BACKENDS, required=True)
    parser.add_argument("--triples", type=int, required=True)
    parser.add_argument("--queries", nargs="+", choices=MEASURED, default=list(MEASURED))
    args = parser.parse_args()
    run_child(args.backend, args.triples, args.queries)


if __name__ == "__main__":
    main()
