"""The RDF store: an rdflib ``Dataset`` on Oxigraph, one named graph per article.

Layout of the dataset:

* ``graph:<article id>`` — everything one article says: its source node,
  the claims it makes (reified), their evidence, entity labels, and a plain
  triple for each positive claim. Rebuilding an article replaces exactly
  this graph; removing it drops it.
* ``graph:ontology`` — the vocabulary, so queries can read predicate labels,
  effects and opposite outcomes.
* ``graph:manifest`` — per article: content hash, extractor version and
  ontology digest, which the incremental build compares.
* ``graph:groups`` — which sources are near-copies of each other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rdflib import DCTERMS, PROV, RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, Namespace, URIRef

from .ingest import Article
from .normalise import EntityTerm, Evidence
from .ontology import CG, ENT, Lexicon

GRAPH = Namespace("https://claimgraph.org/graph/")
SOURCE = Namespace("https://claimgraph.org/source/")
EVIDENCE = Namespace("https://claimgraph.org/evidence/")
CLAIM = Namespace("https://claimgraph.org/claim/")
ONTOLOGY_GRAPH = GRAPH["ontology"]
MANIFEST_GRAPH = GRAPH["manifest"]
GROUPS_GRAPH = GRAPH["groups"]
SPECIAL_GRAPHS = frozenset({ONTOLOGY_GRAPH, MANIFEST_GRAPH, GROUPS_GRAPH})
PREFIXES = {"cg": CG, "ent": ENT, "src": SOURCE, "claim": CLAIM, "ev": EVIDENCE, "graph": GRAPH,
            "prov": PROV, "dcterms": DCTERMS, "skos": SKOS, "rdfs": RDFS, "rdf": RDF, "xsd": XSD}
STORE_MARKER = "claimgraph-store"


class StoreNotFound(Exception):
    """No claimgraph store at the given path (build one first)."""


@dataclass(frozen=True)
class ManifestEntry:
    article_id: str
    sha256: str
    extractor_version: str
    ontology_digest: str
    path: str


def article_graph(article_id: str) -> URIRef:
    return GRAPH[_local(article_id)]


def source_iri(article_id: str) -> URIRef:
    return SOURCE[_local(article_id)]


def _local(article_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else f"%{ord(c):02X}" for c in article_id)


def open_store(path: Path, create: bool = False) -> Dataset:
    """Open the Oxigraph-backed dataset at ``path``; ``create`` makes a new one if missing."""
    path = Path(path)
    marker = path / STORE_MARKER
    if not marker.exists():
        if not create:
            raise StoreNotFound(f"no claimgraph store at {path} (run `claimgraph build` first, or pass --store)")
        if path.exists() and any(path.iterdir()):
            raise StoreNotFound(f"{path} exists and is not a claimgraph store; choose another --store")
        path.mkdir(parents=True, exist_ok=True)
        marker.write_text("claimgraph store: an Oxigraph database; do not edit by hand\n")
    dataset = Dataset(store="Oxigraph", default_union=True)
    dataset.open(str(path / "oxigraph"))
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    return dataset


def evidence_iri(article_id: str, item: Evidence) -> URIRef:
    key = f"{article_id}\x1f{item.claim.iri}\x1f{item.start}\x1f{item.positive}"
    return EVIDENCE[hashlib.sha256(key.encode()).hexdigest()[:20]]


def article_triples(article: Article, evidence: list[Evidence], extractor: str, version: str) -> Iterator[tuple]:
    """Every triple of one article's named graph."""
    source = source_iri(article.id)
    yield source, RDF.type, CG.Source
    yield source, DCTERMS.identifier, Literal(article.id)
    yield source, CG.sha256, Literal(article.sha256)
    yield source, CG.path, Literal(article.path)
    if article.title:
        yield source, DCTERMS.title, Literal(article.title)
    if article.url:
        yield source, DCTERMS.source, Literal(article.url)
    if article.date:
        yield source, DCTERMS.date, Literal(article.date)
    for item in evidence:
        claim = item.claim
        node = evidence_iri(article.id, item)
        yield claim.iri, RDF.type, CG.Claim
        yield claim.iri, RDF.subject, claim.subject.iri
        yield claim.iri, RDF.predicate, claim.predicate
        yield from _entity_triples(claim.subject)
        if isinstance(claim.object, EntityTerm):
            object_node = claim.object.iri
            yield from _entity_triples(claim.object)
        else:
            object_node = claim.object.literal
            yield claim.iri, CG.minValue, Literal(claim.object.low, datatype=XSD.decimal)
            yield claim.iri, CG.maxValue, Literal(claim.object.high, datatype=XSD.decimal)
            yield claim.iri, CG.unit, Literal(claim.object.unit)
        yield claim.iri, RDF.object, object_node
        yield claim.iri, CG.evidence, node
        yield node, RDF.type, CG.Evidence
        yield node, PROV.wasDerivedFrom, source
        yield node, CG.polarity, CG.positive if item.positive else CG.negative
        yield node, CG.modality, CG.hedged if item.hedged else CG.asserted
        yield node, CG.sentence, Literal(item.sentence)
        yield node, CG.start, Literal(item.start)
        yield node, CG.end, Literal(item.end)
        yield node, CG.subjectText, Literal(item.subject_text)
        yield node, CG.objectText, Literal(item.object_text)
        yield node, CG.extractor, Literal(extractor)
        yield node, CG.extractorVersion, Literal(version)
        for condition in item.conditions:
            yield node, CG.condition, Literal(condition)
        if item.positive:
            yield claim.subject.iri, claim.predicate, object_node


def _entity_triples(term: EntityTerm) -> Iterator[tuple]:
    yield term.iri, RDFS.label, Literal(term.label)
    for cls in term.classes:
        yield term.iri, RDF.type, cls


def replace_article(dataset: Dataset, article: Article, evidence: list[Evidence], extractor: str, version: str,
                    ontology_digest: str) -> None:
    """Replace one article's named graph and manifest entry with freshly extracted content."""
    graph_iri = article_graph(article.id)
    dataset.remove_graph(graph_iri)
    graph = dataset.graph(graph_iri)
    graph.addN((s, p, o, graph) for s, p, o in article_triples(article, evidence, extractor, version))
    _write_manifest_entry(dataset, ManifestEntry(article.id, article.sha256, version, ontology_digest, article.path))


def remove_article(dataset: Dataset, article_id: str) -> None:
    """Drop an article's graph and its manifest entry."""
    dataset.remove_graph(article_graph(article_id))
    dataset.graph(MANIFEST_GRAPH).remove((source_iri(article_id), None, None))


def _write_manifest_entry(dataset: Dataset, entry: ManifestEntry) -> None:
    manifest = dataset.graph(MANIFEST_GRAPH)
    source = source_iri(entry.article_id)
    manifest.remove((source, None, None))
    manifest.addN((source, p, o, manifest) for p, o in (
        (DCTERMS.identifier, Literal(entry.article_id)),
        (CG.sha256, Literal(entry.sha256)),
        (CG.extractorVersion, Literal(entry.extractor_version)),
        (CG.ontologyDigest, Literal(entry.ontology_digest)),
        (CG.path, Literal(entry.path)),
    ))


def read_manifest(dataset: Dataset) -> dict[str, ManifestEntry]:
    """What the store was built from: article id → manifest entry."""
    manifest = dataset.graph(MANIFEST_GRAPH)
    entries = {}
    for source in set(manifest.subjects(DCTERMS.identifier, None)):
        def value(p: URIRef) -> str:
            return str(manifest.value(source, p) or "")
        article_id = value(DCTERMS.identifier)
        entries[article_id] = ManifestEntry(article_id, value(CG.sha256), value(CG.extractorVersion),
                                            value(CG.ontologyDigest), value(CG.path))
    return entries


def write_ontology(dataset: Dataset, lexicon: Lexicon) -> None:
    """Copy the vocabulary into its named graph so SPARQL can use labels, effects and opposites."""
    dataset.remove_graph(ONTOLOGY_GRAPH)
    graph = dataset.graph(ONTOLOGY_GRAPH)
    graph.addN((s, p, o, graph) for s, p, o in lexicon.graph)


def write_groups(dataset: Dataset, groups: dict[str, str]) -> None:
    """Record each source's independence group (near-copies share one)."""
    dataset.remove_graph(GROUPS_GRAPH)
    graph = dataset.graph(GROUPS_GRAPH)
    graph.addN((source_iri(a), CG.independenceGroup, source_iri(g), graph) for a, g in groups.items())


def triple_count(dataset: Dataset) -> int:
    return len(dataset)


def copy_graph(dataset: Dataset) -> Graph:
    """All quads as a plain rdflib Dataset in memory (for export)."""
    memory = Dataset()
    for prefix, namespace in PREFIXES.items():
        memory.bind(prefix, namespace)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        memory.add((s, p, o, g))
    return memory
