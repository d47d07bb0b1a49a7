"""The RDF store: an rdflib ``Dataset`` on Oxigraph, one named graph per article.

Layout of the dataset:

* ``graph:<article id>`` — everything one article says: its source node,
  the claims it makes (reified), their evidence, entity labels, and a plain
  triple for each positive claim. Rebuilding an article replaces exactly
  this graph; removing it drops it.
* ``graph:ontology`` — the vocabulary, so queries can read predicate labels,
  effects and opposite outcomes.
* ``graph:manifest`` — per article: content hash, extractor version, ontology
  digest, the file it came from (and that file's hash, when the file was read
  without problems) and its near-copy fingerprint, which the incremental
  build compares; and the digest of the ontology graph.
* ``graph:groups`` — which sources are near-copies of each other.
* ``graph:claims`` — what each claim is (rdf:subject, rdf:predicate, rdf:object,
  value range), with which polarities it is stated (``cg:stated``), and entity
  labels, once for all articles; descriptions no
  article refers to any more are dropped at the end of a build.

Layout of the store folder, which makes a build all-or-nothing:

* ``generations/<n>/oxigraph`` — one complete Oxigraph database per build
  that changed something, with that build's ``report.json`` beside it. A
  build copies the current generation (RocksDB checkpoint: hard links, no
  data copied), writes into the copy, and only then points ``oxigraph`` at it.
* ``oxigraph`` — a symbolic link to the current generation's database,
  replaced atomically (``rename(2)``); readers and ``oxigraph serve`` open it.
  A build killed at any point leaves it pointing at the previous, complete
  generation; the next build deletes the unfinished one.
* ``build.lock`` — held (``flock(2)``) by the running build, so two builds
  never interleave.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterable, Iterator, Sequence

import pyoxigraph as ox
from rdflib import BNode, DCTERMS, PROV, RDF, RDFS, SKOS, XSD, Dataset, Literal, Namespace, URIRef

from .ontology import CG, ENT, Lexicon

if TYPE_CHECKING:
    from .ingest import Article
    from .normalise import EntityTerm, Evidence

GRAPH = Namespace("https://claimgraph.org/graph/")
SOURCE = Namespace("https://claimgraph.org/source/")
EVIDENCE = Namespace("https://claimgraph.org/evidence/")
CLAIM = Namespace("https://claimgraph.org/claim/")
ONTOLOGY_GRAPH = GRAPH["ontology"]
MANIFEST_GRAPH = GRAPH["manifest"]
GROUPS_GRAPH = GRAPH["groups"]
CLAIMS_GRAPH = GRAPH["claims"]
PREFIXES = {"cg": CG, "ent": ENT, "src": SOURCE, "claim": CLAIM, "ev": EVIDENCE, "graph": GRAPH,
            "prov": PROV, "dcterms": DCTERMS, "skos": SKOS, "rdfs": RDFS, "rdf": RDF, "xsd": XSD}
STORE_MARKER = "claimgraph-store"
DATABASE_LINK = "oxigraph"
GENERATIONS = "generations"
REPORT_FILE = "report.json"
LOCK_FILE = "build.lock"


class StoreNotFound(Exception):
    """No claimgraph store at the given path (build one first)."""


class StoreBusy(Exception):
    """Another build is writing this store."""


@dataclass(frozen=True)
class ManifestEntry:
    article_id: str
    sha256: str
    extractor_version: str
    ontology_digest: str
    path: str
    file: str = ""
    file_sha256: str = ""
    shingles: str = ""
    signature: str = ""


def article_graph(article_id: str) -> URIRef:
    return GRAPH[_local(article_id)]


def source_iri(article_id: str) -> URIRef:
    return SOURCE[_local(article_id)]


def _local(article_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else f"%{ord(c):02X}" for c in article_id)


def open_store(path: Path, create: bool = False) -> Dataset:
    """Open the current generation of the store at ``path``; ``create`` makes a new, empty store if missing."""
    path = Path(path)
    if not (path / STORE_MARKER).exists() or not (path / DATABASE_LINK).exists():
        if not create:
            raise StoreNotFound(f"no claimgraph store at {path} (run `claimgraph build` first, or pass --store)")
        with build_lock(path):
            if not (path / DATABASE_LINK).exists():
                generation = begin_generation(path)
                commit_generation(path, generation, {})
    return dataset_over(ox.Store(str(path / DATABASE_LINK)))


def dataset_over(store: ox.Store) -> Dataset:
    """An rdflib ``Dataset`` (union default graph) over an open Oxigraph store."""
    from oxrdflib import OxigraphStore

    dataset = Dataset(store=OxigraphStore(store=store), default_union=True)
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    return dataset


def _oxigraph(target: Dataset | ox.Store) -> ox.Store:
    """The Oxigraph store under an rdflib dataset made by :func:`open_store`."""
    return target if isinstance(target, ox.Store) else target.store._inner  # oxrdflib keeps it there


# --- generations and the build lock ---------------------------------------------------------------


def _prepare_folder(path: Path) -> None:
    if not (path / STORE_MARKER).exists():
        if path.exists() and any(path.iterdir()):
            raise StoreNotFound(f"{path} exists and is not a claimgraph store; choose another --store")
        path.mkdir(parents=True, exist_ok=True)
        (path / STORE_MARKER).write_text("claimgraph store: Oxigraph databases; do not edit by hand\n")


@contextmanager
def build_lock(path: Path, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's build lock: one writer at a time. ``wait=False`` raises :class:`StoreBusy` instead of waiting."""
    path = Path(path)
    _prepare_folder(path)
    with open(path / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            message = f"{path} is being built by {holder}"
            if not wait:
                raise StoreBusy(f"{message}; try again when it has finished (or pass --wait)") from None
            if on_wait:
                on_wait(f"waiting: {message}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_generation(path: Path) -> Path | None:
    """The folder of the generation ``oxigraph`` points at, if any."""
    link = Path(path) / DATABASE_LINK
    return link.resolve().parent if link.is_symlink() and link.exists() else None


def begin_generation(path: Path) -> Path:
    """Start a new generation as a copy of the current one (call under :func:`build_lock`)."""
    path = Path(path)
    current = current_generation(path)
    folder = path / GENERATIONS
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():  # unfinished generations of killed builds
        if old.resolve() != current and not (old / REPORT_FILE).exists():
            shutil.rmtree(old, ignore_errors=True)
    for link in path.glob(f".{DATABASE_LINK}.*"):  # a link a killed build made but never switched to
        link.unlink()
    number = max((int(p.name) for p in folder.iterdir() if p.name.isdigit()), default=0) + 1
    generation = folder / f"{number:06d}"
    generation.mkdir()
    database = generation / DATABASE_LINK
    if current is not None:
        ox.Store.read_only(str(current / DATABASE_LINK)).backup(str(database))
    elif (path / DATABASE_LINK).is_dir():  # a store from before generations: adopt its database
        ox.Store.read_only(str(path / DATABASE_LINK)).backup(str(database))
    else:
        ox.Store(str(database)).flush()  # an empty database, closed again at once
    return generation


def commit_generation(path: Path, generation: Path, report: dict) -> None:
    """Make a finished generation current (atomically), keeping the previous one for readers still on it."""
    path = Path(path)
    previous = current_generation(path)
    (generation / REPORT_FILE).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    _fsync_tree(generation)
    temporary = path / f".{DATABASE_LINK}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(generation.relative_to(path) / DATABASE_LINK)
    link = path / DATABASE_LINK
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(temporary, link)
    _fsync(path)
    for old in (path / GENERATIONS).iterdir():
        if old.resolve() not in {generation.resolve(), previous}:
            shutil.rmtree(old, ignore_errors=True)


def discard_generation(generation: Path) -> None:
    """Delete a generation that will not be committed."""
    shutil.rmtree(generation, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for root, _, files in os.walk(folder):
        for name in files:
            descriptor = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        _fsync(Path(root))


def _fsync(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def last_report(path: Path) -> dict | None:
    """The report of the build that made the current generation (``None`` before the first build)."""
    current = current_generation(Path(path))
    report = current / REPORT_FILE if current else None
    return json.loads(report.read_text(encoding="utf-8")) if report and report.is_file() else None


# --- writing articles -----------------------------------------------------------------------------


def evidence_iri(article_id: str, item: Evidence) -> URIRef:
    key = f"{article_id}\x1f{item.claim.iri}\x1f{item.start}\x1f{item.positive}"
    return EVIDENCE[hashlib.sha256(key.encode()).hexdigest()[:20]]


def article_quads(article: Article, evidence: list[Evidence], extractor: str, version: str) -> Iterator[tuple]:
    """Every quad one article contributes, as (subject, predicate, object, graph).

    What the article says — its source node, evidence, and a plain triple for each positive claim — goes
    into its own named graph. What a claim *is* (its subject, predicate, object, value range) and entity
    labels go into the shared ``graph:claims``: written once however many articles make the claim, so a
    query over the union of graphs meets each claim once.
    """
    from .normalise import EntityTerm

    graph = article_graph(article.id)
    source = source_iri(article.id)
    own = [(source, RDF.type, CG.Source), (source, DCTERMS.identifier, Literal(article.id)),
           (source, CG.sha256, Literal(article.sha256)), (source, CG.path, Literal(article.path))]
    own += [(source, p, Literal(v)) for p, v in ((DCTERMS.title, article.title), (DCTERMS.source, article.url),
                                                  (DCTERMS.date, article.date)) if v]
    shared: list[tuple] = []
    for item in evidence:
        claim = item.claim
        node = evidence_iri(article.id, item)
        shared += [(claim.iri, RDF.type, CG.Claim), (claim.iri, RDF.subject, claim.subject.iri),
                   (claim.iri, RDF.predicate, claim.predicate), *_entity_triples(claim.subject)]
        if isinstance(claim.object, EntityTerm):
            object_node = claim.object.iri
            shared += _entity_triples(claim.object)
        else:
            object_node = claim.object.literal
            shared += [(claim.iri, CG.minValue, Literal(claim.object.low, datatype=XSD.decimal)),
                       (claim.iri, CG.maxValue, Literal(claim.object.high, datatype=XSD.decimal)),
                       (claim.iri, CG.unit, Literal(claim.object.unit))]
        shared.append((claim.iri, RDF.object, object_node))
        shared.append((claim.iri, CG.stated, CG.positive if item.positive else CG.negative))
        own += [(claim.iri, CG.evidence, node), (node, RDF.type, CG.Evidence), (node, PROV.wasDerivedFrom, source),
                (node, CG.polarity, CG.positive if item.positive else CG.negative),
                (node, CG.modality, CG.hedged if item.hedged else CG.asserted),
                (node, CG.sentence, Literal(item.sentence)), (node, CG.start, Literal(item.start)),
                (node, CG.end, Literal(item.end)), (node, CG.subjectText, Literal(item.subject_text)),
                (node, CG.objectText, Literal(item.object_text)), (node, CG.extractor, Literal(extractor)),
                (node, CG.extractorVersion, Literal(version))]
        own += [(node, CG.condition, Literal(condition)) for condition in item.conditions]
        own += [(node, CG.confidence, Literal(round(item.confidence, 3), datatype=XSD.decimal))]
        if item.pattern:
            own.append((node, CG.pattern, Literal(item.pattern)))
        if item.positive:
            own.append((claim.subject.iri, claim.predicate, object_node))
    yield from ((s, p, o, graph) for s, p, o in own)
    yield from ((s, p, o, CLAIMS_GRAPH) for s, p, o in dict.fromkeys(shared))


def drop_orphan_claims(target: Dataset | ox.Store, claims: Collection[str]) -> None:
    """Remove from ``graph:claims`` those of ``claims`` no article's evidence refers to any more, ``cg:stated``
    polarities of theirs no evidence has any more, then the entities they named that no claim names now.

    Only claims the removed or replaced article graphs referred to can have lost their evidence, so a build
    passes those; a build that only adds articles has none to check.
    """
    if not claims:
        return
    store = _oxigraph(target)
    graph = f"<{CLAIMS_GRAPH}>"
    named = " ".join(f"<{claim}>" for claim in sorted(claims))
    entities = " ".join(sorted({f"<{row['entity'].value}>" for row in store.query(
        f"SELECT DISTINCT ?entity WHERE {{ VALUES ?claim {{ {named} }} GRAPH {graph} {{ ?claim <{RDF.subject}>|<{RDF.object}> ?entity }} "
        f"FILTER(isIRI(?entity)) }}")}))
    store.update(
        f"DELETE {{ GRAPH {graph} {{ ?claim ?p ?o }} }} WHERE {{ VALUES ?claim {{ {named} }} GRAPH {graph} {{ ?claim ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?claim <{CG.evidence}> ?evidence }} }} }}")
    store.update(
        f"DELETE {{ GRAPH {graph} {{ ?claim <{CG.stated}> ?polarity }} }} WHERE {{ VALUES ?claim {{ {named} }} "
        f"GRAPH {graph} {{ ?claim <{CG.stated}> ?polarity }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?claim <{CG.evidence}> ?evidence . ?evidence <{CG.polarity}> ?polarity }} }} }}")
    if entities:
        store.update(
            f"DELETE {{ GRAPH {graph} {{ ?entity ?p ?o }} }} WHERE {{ VALUES ?entity {{ {entities} }} GRAPH {graph} {{ ?entity ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH {graph} {{ ?claim <{RDF.subject}>|<{RDF.object}> ?entity }} }} }}")


def _entity_triples(term: EntityTerm) -> Iterator[tuple]:
    yield term.iri, RDFS.label, Literal(term.label)
    for cls in term.classes:
        yield term.iri, RDF.type, cls
    if term.broader is not None:
        yield term.iri, SKOS.broader, term.broader


def _ox(term: URIRef | BNode | Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        datatype = ox.NamedNode(term.datatype) if term.datatype and not term.language else None
        return ox.Literal(str(term), language=term.language, datatype=datatype)
    return ox.NamedNode(term)


def _quads(triples: Iterable[tuple], graph: URIRef) -> list[ox.Quad]:
    name = ox.NamedNode(graph)
    return [ox.Quad(_ox(s), _ox(p), _ox(o), name) for s, p, o in triples]


def article_nquads(article: Article, evidence: list[Evidence], extractor: str, version: str) -> bytes:
    """One article's quads as N-Quads: what extraction workers hand to the writer."""
    quads = [ox.Quad(_ox(s), _ox(p), _ox(o), ox.NamedNode(g)) for s, p, o, g in article_quads(article, evidence, extractor, version)]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def write_articles(target: Dataset | ox.Store, articles: Sequence[tuple[str, bytes, ManifestEntry]]) -> None:
    """Replace the named graphs and manifest entries of many articles, loading the new quads in one bulk load.

    Each item is (article id, its quads as N-Quads, its manifest entry). A bulk load is not one transaction;
    the build writes into a fresh store generation that only becomes current once complete.
    """
    store = _oxigraph(target)
    for article_id, _, _ in articles:
        store.remove_graph(ox.NamedNode(article_graph(article_id)))
        _remove_manifest_entry(store, article_id)
    manifest = [quad for _, _, entry in articles for quad in _manifest_quads(entry)]
    payload = b"".join(nquads for _, nquads, _ in articles) + ox.serialize(manifest, format=ox.RdfFormat.N_QUADS)
    store.bulk_load(payload, format=ox.RdfFormat.N_QUADS)


def relocate_article(target: Dataset | ox.Store, entry: ManifestEntry) -> None:
    """Record an unchanged article's new file and path (its graph's ``cg:path`` and its manifest entry)."""
    store = _oxigraph(target)
    graph, source = ox.NamedNode(article_graph(entry.article_id)), ox.NamedNode(source_iri(entry.article_id))
    for quad in list(store.quads_for_pattern(source, ox.NamedNode(CG.path), None, graph)):
        store.remove(quad)
    store.add(ox.Quad(source, ox.NamedNode(CG.path), ox.Literal(entry.path), graph))
    _remove_manifest_entry(store, entry.article_id)
    store.extend(_manifest_quads(entry))


def remove_article(target: Dataset | ox.Store, article_id: str) -> None:
    """Drop an article's graph and its manifest entry."""
    store = _oxigraph(target)
    store.remove_graph(ox.NamedNode(article_graph(article_id)))
    _remove_manifest_entry(store, article_id)


def _remove_manifest_entry(store: ox.Store, article_id: str) -> None:
    source = ox.NamedNode(source_iri(article_id))
    for quad in list(store.quads_for_pattern(source, None, None, ox.NamedNode(MANIFEST_GRAPH))):
        store.remove(quad)


_MANIFEST_FIELDS = (("sha256", CG.sha256), ("extractor_version", CG.extractorVersion),
                    ("ontology_digest", CG.ontologyDigest), ("path", CG.path), ("file", CG.file),
                    ("file_sha256", CG.fileSha256), ("shingles", CG.shingles), ("signature", CG.signature))


def _manifest_quads(entry: ManifestEntry) -> Iterator[ox.Quad]:
    source, graph = ox.NamedNode(source_iri(entry.article_id)), ox.NamedNode(MANIFEST_GRAPH)
    yield ox.Quad(source, ox.NamedNode(DCTERMS.identifier), ox.Literal(entry.article_id), graph)
    for name, predicate in _MANIFEST_FIELDS:
        if getattr(entry, name):
            yield ox.Quad(source, ox.NamedNode(predicate), ox.Literal(getattr(entry, name)), graph)


def read_manifest(target: Dataset | ox.Store) -> dict[str, ManifestEntry]:
    """What the store was built from: article id → manifest entry (read quad by quad: cheaper than SPARQL)."""
    names = {str(predicate): name for name, predicate in _MANIFEST_FIELDS}
    identifier = str(DCTERMS.identifier)
    fields: dict[str, dict[str, str]] = {}
    for quad in _oxigraph(target).quads_for_pattern(None, None, None, ox.NamedNode(MANIFEST_GRAPH)):
        predicate = quad.predicate.value
        if predicate == identifier:
            fields.setdefault(quad.subject.value, {})["article_id"] = quad.object.value
        elif predicate in names:
            fields.setdefault(quad.subject.value, {})[names[predicate]] = quad.object.value
    return {found["article_id"]: ManifestEntry(**{"sha256": "", "extractor_version": "", "ontology_digest": "", "path": "",
                                                  **found})
            for found in fields.values() if "article_id" in found}


def stored_ontology_digest(target: Dataset | ox.Store) -> str:
    """The digest of the ontology the store's ``graph:ontology`` holds ("" if none)."""
    for quad in _oxigraph(target).quads_for_pattern(
            ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(CG.ontologyDigest), None, ox.NamedNode(MANIFEST_GRAPH)):
        return quad.object.value
    return ""


def write_ontology(target: Dataset | ox.Store, lexicon: Lexicon) -> None:
    """Copy the vocabulary into its named graph so SPARQL can use labels, effects and opposites."""
    store = _oxigraph(target)
    store.remove_graph(ox.NamedNode(ONTOLOGY_GRAPH))
    store.extend(_quads(lexicon.graph, ONTOLOGY_GRAPH))
    for quad in list(store.quads_for_pattern(ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(CG.ontologyDigest), None,
                                             ox.NamedNode(MANIFEST_GRAPH))):
        store.remove(quad)
    store.extend(_quads([(ONTOLOGY_GRAPH, CG.ontologyDigest, Literal(lexicon.digest))], MANIFEST_GRAPH))


def write_groups(target: Dataset | ox.Store, groups: dict[str, str], pairs: Iterable[tuple[str, str]] = ()) -> None:
    """Record each source's independence group (near-copies share one) and the near-copy pairs behind them.

    Only what differs from the recorded groups is written: after one new article, one triple.
    """
    store = _oxigraph(target)
    graph, group, near_copy = ox.NamedNode(GROUPS_GRAPH), ox.NamedNode(CG.independenceGroup), ox.NamedNode(CG.nearCopyOf)
    wanted = {ox.Quad(ox.NamedNode(source_iri(a)), group, ox.NamedNode(source_iri(g)), graph) for a, g in groups.items()}
    wanted |= {ox.Quad(ox.NamedNode(source_iri(a)), near_copy, ox.NamedNode(source_iri(b)), graph) for a, b in pairs}
    recorded = set(store.quads_for_pattern(None, None, None, graph))
    for quad in recorded - wanted:
        store.remove(quad)
    store.extend(wanted - recorded)


def read_near_copy_pairs(target: Dataset | ox.Store) -> set[tuple[str, str]]:
    """The near-copy pairs :func:`write_groups` recorded, as article ids."""
    sparql = (f"SELECT ?a ?b WHERE {{ GRAPH <{GROUPS_GRAPH}> {{ ?x <{CG.nearCopyOf}> ?y }} "
              f"GRAPH <{MANIFEST_GRAPH}> {{ ?x <{DCTERMS.identifier}> ?a . ?y <{DCTERMS.identifier}> ?b }} }}")
    return {(row["a"].value, row["b"].value) for row in _oxigraph(target).query(sparql)}
