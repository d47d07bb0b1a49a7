"""The build: ingest → parse → extract → normalise → store, re-reading only what changed.

**What is re-extracted.** An article is re-extracted when it is new, when its
text's sha256 changed, or when the extractor version or the ontology digest
differ from the ones its manifest entry records. A file whose bytes hash the
same as when it was last read cleanly is not even parsed: its articles are
taken from the manifest. Unchanged articles whose file moved only get their
recorded path updated.

**What is removed.** An article leaves the store when the manifest has it,
its file lies under one of this build's inputs (a folder given, or the file
itself), and the build no longer finds it there: the file was deleted, or the
JSONL record is gone. Articles that came from elsewhere — another folder built
into the same store earlier — are *kept* and listed as such, so building a
second folder adds to the store instead of emptying it. ``prune=True``
(``claimgraph build --prune``) makes the inputs define the whole corpus and
drops everything else. A file that is present but skipped (over the size
limit, unparsable, or with bad JSONL lines) is not a removal: its articles
keep their last good version and are listed in ``kept_skipped`` with the reason.

**All or nothing.** A build that changes anything writes a new generation of
the store (see :mod:`pipeline.store`) and switches to it only when complete;
a build killed at any point leaves the previous graph intact, and the next
build starts over from it. Builds of one store take a lock and never
interleave. A build that changes nothing writes nothing.

**What changed.** The :class:`BuildReport` lists new, changed, removed, kept
and unchanged articles, the claims that appeared in or disappeared from the
store, and the conflicts that appeared or were resolved. Only claims made by
articles this build touched can change, and only conflicts about their
subjects, so both are computed from those alone: :func:`pipeline.reason.conflicts`
(what ``claimgraph conflicts`` runs) runs over a small copy of those subjects'
claims before and after the change. Claims and conflicts are counted in the
units of :mod:`pipeline.counts`, so a store's totals before, plus what appeared,
minus what went, are its totals after. The report is kept with the generation
it made, for ``claimgraph diff``.

**Speed.** Extraction runs in ``jobs`` worker processes (:mod:`pipeline.workers`),
each parsing and extracting whole articles (a pure function of text, model and
ontology), so ``jobs=1`` and ``jobs=4`` write identical graphs. The workers start
the model while this process reads the manifest and scans the inputs; a build
that finds nothing to extract stops them. When this process has loaded the
model already (``claimgraph watch``, benchmarks, tests) and ``jobs`` is 1, it
extracts here instead.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pyoxigraph as ox
from rdflib import DCTERMS, PROV, RDF, RDFS

from .independence import Fingerprint, groups_from_pairs, near_copy_pairs, pack, pack_signature, packed_signature
from .ingest import DEFAULT_MAX_BYTES, Article, Problem, UnreadableFile, claim_id, iter_article_files, parse_file, read_bytes
from .ontology import CG, load_lexicon
from .counts import conflict_key
from .reason import conflicts
from .workers import Extracted, ExtractionWorkers, WorkerFailed, chunks_of, extract_chunk, extractor_identity
from .store import (
    CLAIMS_GRAPH, DATABASE_LINK, ONTOLOGY_GRAPH, ManifestEntry, StoreBusy, article_graph, begin_generation, build_lock,
    commit_generation, current_generation, dataset_over, discard_generation, read_manifest, read_near_copy_pairs, relocate_article,
    remove_article, stored_ontology_digest, write_articles, write_groups, write_ontology, drop_orphan_claims,
)

ClaimKey = tuple[str, str]  # (claim IRI, "positive" | "negative")


class BuildError(Exception):
    """The build cannot run (model missing, ontology broken, store busy)."""


@dataclass
class BuildReport:
    """What a build did: articles by fate, claims and conflicts that came and went, files skipped."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    kept_skipped: dict[str, str] = field(default_factory=dict)  # article id → why its present file was skipped
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    claims_written: int = 0
    claims_added: list[dict] = field(default_factory=list)
    claims_removed: list[dict] = field(default_factory=list)
    conflicts_appeared: list[dict] = field(default_factory=list)
    conflicts_resolved: list[dict] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    finished: str = ""
    seconds: float = 0.0

    @property
    def extracted(self) -> list[str]:
        return self.new + self.changed

    @property
    def changed_store(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    def to_json(self) -> dict:
        """The report as plain JSON data (what ``claimgraph diff --format json`` prints)."""
        data = asdict(self)
        data["problems"] = [str(problem) for problem in self.problems]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "BuildReport":
        known = {name: value for name, value in data.items() if name in cls.__dataclass_fields__}
        report = cls(**known)
        report.problems = [Problem(*text.split(": ", 1)) if ": " in text else Problem(text, "") for text in report.problems]
        return report


@dataclass
class _Scan:
    """What the inputs hold, compared with the manifest."""

    todo: list[Article] = field(default_factory=list)
    relocated: list[ManifestEntry] = field(default_factory=list)
    present: dict[str, ManifestEntry] = field(default_factory=dict)  # every article found, as its entry will read


def _under(file: str, roots: Sequence[Path]) -> bool:
    path = Path(file)
    return any(path == root or (root.is_dir() and path.is_relative_to(root)) for root in roots)


def _scan(paths: Sequence[Path], manifest: dict[str, ManifestEntry], version: str, ontology_digest: str,
          max_bytes: int, report: BuildReport) -> _Scan:
    scan = _Scan()
    by_file: dict[str, list[ManifestEntry]] = {}
    for entry in manifest.values():
        by_file.setdefault(entry.file, []).append(entry)
    seen: dict[str, str] = {}
    for path in iter_article_files(paths):
        if isinstance(path, Problem):
            report.problems.append(path)
            continue
        file = str(path.resolve())
        try:
            raw = read_bytes(path, max_bytes)
        except UnreadableFile as error:
            report.problems.append(Problem(str(path), str(error)))
            _keep_skipped(by_file.get(file, []), str(error), scan, report, seen)
            continue
        digest = hashlib.sha256(raw).hexdigest()
        known = by_file.get(file, [])
        if known and all(e.file_sha256 == digest and e.extractor_version == version and e.ontology_digest == ontology_digest
                         for e in known):
            for entry in known:  # the file is byte-for-byte what was read cleanly last time
                if claim_id(seen, Article(entry.article_id, "", entry.path), report.problems):
                    scan.present[entry.article_id] = entry
                    report.unchanged.append(entry.article_id)
            continue
        problems_before = len(report.problems)
        try:
            articles = parse_file(path, raw, report.problems)
        except UnreadableFile as error:
            report.problems.append(Problem(str(path), str(error)))
            _keep_skipped(by_file.get(file, []), str(error), scan, report, seen)
            continue
        clean = len(report.problems) == problems_before
        if not clean:  # the records on its bad lines are not known to be gone
            found = {article.id for article in articles}
            bad_lines = "; ".join(f"line {p.path.rsplit(':', 1)[-1]}: {p.reason}" for p in report.problems[problems_before:])
            _keep_skipped([e for e in known if e.article_id not in found], bad_lines, scan, report, seen)
        for article in articles:
            if not claim_id(seen, article, report.problems):
                continue
            old = manifest.get(article.id)
            if old and old.file and old.file != file and not _under(old.file, paths) and Path(old.file).exists():
                report.warnings.append(f"{article.path}: article id {article.id!r} replaces the one read from {old.path}")
            entry = ManifestEntry(article.id, article.sha256, version, ontology_digest, article.path, file,
                                  digest if clean else "", old.shingles if old else "", old.signature if old else "")
            scan.present[article.id] = entry
            if old is None:
                report.new.append(article.id)
                scan.todo.append(article)
            elif (old.sha256, old.extractor_version, old.ontology_digest) != (article.sha256, version, ontology_digest):
                report.changed.append(article.id)
                scan.todo.append(article)
            else:
                report.unchanged.append(article.id)
                if (old.path, old.file, old.file_sha256) != (entry.path, entry.file, entry.file_sha256):
                    scan.relocated.append(entry)
    return scan


def _keep_skipped(entries: Iterable[ManifestEntry], reason: str, scan: _Scan, report: BuildReport,
                  seen: dict[str, str]) -> None:
    """Keep the stored articles of a file that is present but was (partly) skipped: skipping is not removing."""
    for entry in entries:
        if entry.article_id not in scan.present and claim_id(seen, Article(entry.article_id, "", entry.path), report.problems):
            scan.present[entry.article_id] = entry
            report.kept_skipped[entry.article_id] = reason


def usable_jobs(jobs: int) -> tuple[int, str]:
    """``jobs`` capped at the CPUs this process may use, and a note when it was capped."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if jobs <= cpus:
        return jobs, ""
    return cpus, f"--jobs {jobs} is more than the {cpus} CPUs available; using {cpus}"


def build(
    paths: Sequence[Path],
    store_path: Path,
    model: str | None = None,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_article: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    prune: bool = False,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """Bring the store at ``store_path`` up to date with the articles under ``paths``.

    ``on_start(n)`` is told how many articles will be extracted, ``on_article(id)`` each one done.
    """
    started = time.perf_counter()
    roots = [Path(p).resolve() for p in paths]
    report = BuildReport(inputs=[str(root) for root in roots])
    try:
        lexicon = load_lexicon()
    except Exception as error:
        raise BuildError(str(error)) from error
    identity = extractor_identity()
    version = identity[1]
    jobs, note = usable_jobs(jobs)
    if note:
        report.warnings.append(note)
    try:
        with _extraction_workers(model, jobs) as workers, build_lock(Path(store_path), wait=wait, on_wait=on_wait):
            current = current_generation(Path(store_path))
            if current is not None:
                reader = ox.Store.read_only(str(current / DATABASE_LINK))
                manifest, ontology_digest = read_manifest(reader), stored_ontology_digest(reader)
                del reader
            else:
                manifest, ontology_digest = {}, ""
            scan = _scan(roots, manifest, version, lexicon.digest, max_bytes, report)
            for article_id, entry in manifest.items():
                if article_id in scan.present:
                    continue
                if prune or not entry.file or _under(entry.file, roots):
                    report.removed.append(article_id)
                else:
                    report.kept.append(article_id)
            report.removed.sort()
            if report.changed_store or scan.relocated or ontology_digest != lexicon.digest:
                if on_start:
                    on_start(len(scan.todo))
                extracted = _extract(scan.todo, workers, model, identity, on_article)
                _write_generation(Path(store_path), scan, report, lexicon, ontology_digest != lexicon.digest, extracted, started)
    except (StoreBusy, WorkerFailed) as error:
        raise BuildError(str(error)) from error
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _extraction_workers(model: str | None, jobs: int) -> ExtractionWorkers | nullcontext[None]:
    """Workers starting the model now, or none when this process has it loaded already and ``jobs`` is 1."""
    from .nlp import is_loaded, model_name

    return nullcontext(None) if jobs == 1 and is_loaded(model_name(model)) else ExtractionWorkers(model, jobs)


def _extract(articles: Sequence[Article], workers: ExtractionWorkers | None, model: str | None,
             identity: tuple[str, str], on_article: Callable[[str], None] | None) -> dict[str, Extracted]:
    """Extract ``articles`` in ``workers``, or in this process when there are none: article id → extraction."""
    from .nlp import ModelNotFound

    results: dict[str, Extracted] = {}

    def collect(chunk: list[Extracted]) -> None:
        for item in chunk:
            results[item.article_id] = item
            if on_article:
                on_article(item.article_id)

    if workers is not None:
        workers.extract(articles, identity, collect)
        return results
    try:
        for chunk in chunks_of(articles):
            collect(extract_chunk(chunk, model, identity))
    except ModelNotFound as error:
        raise BuildError(str(error)) from error
    except Exception as error:  # as a worker would report it: the build stops, the store is unchanged
        raise BuildError(f"extraction failed: {type(error).__name__}: {error}; the store is unchanged") from error
    return results


def _write_generation(store_path: Path, scan: _Scan, report: BuildReport, lexicon, new_ontology: bool,
                      extracted: dict[str, Extracted], started: float) -> None:
    generation = begin_generation(store_path)
    try:
        store = ox.Store(str(generation / DATABASE_LINK))
        old_graphs = report.changed + report.removed
        claims_before_touched = _claims_of_graphs(store, old_graphs)
        touched_claims = {c for c, _, _ in claims_before_touched} | {c for item in extracted.values() for c, _, _ in item.claims}
        subjects = {s for _, _, s in claims_before_touched} | {s for item in extracted.values() for _, _, s in item.claims}
        keys_before = _present_claim_keys(store, touched_claims)
        conflicts_before = _conflicts_about(store, subjects)
        labels_before = {key: _describe(store, key) for key in keys_before}
        if new_ontology:
            write_ontology(store, lexicon)
        for article_id in report.removed:
            remove_article(store, article_id)
        written = []
        for article in scan.todo:
            item = extracted[article.id]
            entry = scan.present[article.id]
            entry = ManifestEntry(**{**asdict(entry), "shingles": pack(sorted(item.fingerprint.shingles)),
                                     "signature": pack_signature(item.fingerprint.signature)})
            written.append((article.id, item.nquads, entry))
            report.claims_written += item.evidence
        if written:
            write_articles(store, written)
        for entry in scan.relocated:
            relocate_article(store, entry)
        _regroup(store, scan, report, extracted)
        drop_orphan_claims(store, {c for c, _, _ in claims_before_touched})
        keys_after = _present_claim_keys(store, touched_claims)
        conflicts_after = _conflicts_about(store, subjects)
        report.claims_added = [_describe(store, key) for key in sorted(keys_after - keys_before)]
        report.claims_removed = [labels_before[key] for key in sorted(keys_before - keys_after)]
        report.conflicts_appeared = [conflicts_after[c] for c in sorted(conflicts_after.keys() - conflicts_before.keys())]
        report.conflicts_resolved = [conflicts_before[c] for c in sorted(conflicts_before.keys() - conflicts_after.keys())]
        store.flush()
        del store
        report.finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
        report.seconds = round(time.perf_counter() - started, 3)
        commit_generation(store_path, generation, report.to_json())
    except BaseException:
        discard_generation(generation)
        raise


def _regroup(store: ox.Store, scan: _Scan, report: BuildReport, extracted: dict[str, Extracted]) -> None:
    """Near-copy groups after the change: stored pairs between untouched articles, recomputed pairs for the rest."""
    prints: dict[str, Fingerprint] = {}
    for article_id, entry in scan.present.items():
        if article_id in extracted:
            prints[article_id] = extracted[article_id].fingerprint
        elif entry.shingles and entry.signature:
            prints[article_id] = Fingerprint(packed_signature(entry.signature), packed_shingles=entry.shingles)
    touched = set(extracted) | set(report.removed)
    pairs = {(a, b) for a, b in read_near_copy_pairs(store) if not ({a, b} & touched)}
    pairs |= near_copy_pairs(prints, among=set(extracted))
    ids = set(scan.present) | set(report.kept)
    pairs = {(a, b) for a, b in pairs if a in ids and b in ids}
    write_groups(store, groups_from_pairs(sorted(ids), sorted(pairs)), sorted(pairs))


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _claims_of_graphs(store: ox.Store, article_ids: Sequence[str]) -> set[tuple[str, str, str]]:
    if not article_ids:
        return set()
    sparql = (f"SELECT DISTINCT ?claim ?polarity ?subject WHERE {{ VALUES ?g {{ {_values(article_graph(a) for a in article_ids)} }} "
              f"GRAPH ?g {{ ?claim <{CG.evidence}> ?e . ?e <{CG.polarity}> ?polarity }} "
              f"GRAPH <{CLAIMS_GRAPH}> {{ ?claim <{RDF.subject}> ?subject }} }}")
    return {(row["claim"].value, row["polarity"].value.rsplit("#", 1)[-1], row["subject"].value) for row in store.query(sparql)}


def _present_claim_keys(store: ox.Store, claims: set[str]) -> set[ClaimKey]:
    if not claims:
        return set()
    sparql = (f"SELECT DISTINCT ?claim ?polarity WHERE {{ VALUES ?claim {{ {_values(sorted(claims))} }} "
              f"GRAPH ?g {{ ?claim <{CG.evidence}> ?e . ?e <{CG.polarity}> ?polarity }} }}")
    return {(row["claim"].value, row["polarity"].value.rsplit("#", 1)[-1]) for row in store.query(sparql)}


def _conflicts_about(store: ox.Store, subjects: set[str]) -> dict[tuple, dict]:
    """The conflicts among claims about ``subjects``, exactly as ``claimgraph conflicts`` finds them, described.

    Every kind of conflict joins claims of one subject, so :func:`pipeline.reason.conflicts` run over a
    small copy of just those subjects' claims finds the store's conflicts about them, in the same units
    (keyed by :func:`pipeline.counts.conflict_key`). The copy holds each claim's description, one piece
    of evidence per claim and polarity with its source, and the ontology graph.
    """
    if not subjects:
        return {}
    values = f"VALUES ?subject {{ {_values(sorted(subjects))} }}"
    sample = (f"SELECT ?claim (SAMPLE(?e) AS ?one) WHERE {{ {values} "
              f"GRAPH <{CLAIMS_GRAPH}> {{ ?claim <{RDF.subject}> ?subject }} "
              f"GRAPH ?g {{ ?claim <{CG.evidence}> ?e . ?e <{CG.polarity}> ?polarity }} }} GROUP BY ?claim ?polarity")
    scratch = ox.Store()
    claims_graph = ox.NamedNode(CLAIMS_GRAPH)
    seen_claims: set[ox.NamedNode] = set()
    for row in store.query(sample):
        claim, evidence = row["claim"], row["one"]
        link = next(iter(store.quads_for_pattern(claim, ox.NamedNode(CG.evidence), evidence, None)))
        scratch.add(link)
        scratch.extend(store.quads_for_pattern(evidence, None, None, link.graph_name))
        source = _first(store, evidence, str(PROV.wasDerivedFrom), link.graph_name)
        scratch.extend(store.quads_for_pattern(source, None, None, link.graph_name))
        if claim not in seen_claims:
            seen_claims.add(claim)
            for quad in store.quads_for_pattern(claim, None, None, claims_graph):
                scratch.add(quad)
                if quad.predicate.value in (str(RDF.subject), str(RDF.object)) and isinstance(quad.object, ox.NamedNode):
                    scratch.extend(store.quads_for_pattern(quad.object, None, None, claims_graph))
    scratch.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
    return {conflict_key(found): _describe_conflict(store, found) for found in conflicts(dataset_over(scratch))}


def _first(store: ox.Store, subject: ox.NamedNode, predicate: str, graph=None):
    for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, graph):
        return quad.object
    return None


def _label(store: ox.Store, term) -> str:
    if term is None:
        return "?"
    if isinstance(term, ox.Literal):
        return term.value
    label = _first(store, term, str(RDFS.label))
    return label.value if label is not None else term.value.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _describe(store: ox.Store, key: ClaimKey) -> dict:
    """A claim key as the report shows it: id, polarity and labels."""
    claim = ox.NamedNode(key[0])
    subject, predicate, obj = (_first(store, claim, str(p)) for p in (RDF.subject, RDF.predicate, RDF.object))
    shown = _value_text(store, key) if isinstance(obj, ox.Literal) else None
    return {"id": key[0], "polarity": key[1], "subject": _label(store, subject), "predicate": _label(store, predicate),
            "object": shown or _label(store, obj)}


def _value_text(store: ox.Store, key: ClaimKey) -> str | None:
    """A value as its first piece of evidence wrote it ("8 hours", not ``PT8H``), as ``claimgraph claims`` labels it."""
    sparql = (f"SELECT ?text WHERE {{ <{key[0]}> <{CG.evidence}> ?e . ?e <{CG.polarity}> <{CG[key[1]]}> ; "
              f"<{CG.objectText}> ?text ; <{PROV.wasDerivedFrom}> ?source ; <{CG.start}> ?start . "
              f"?source <{DCTERMS.identifier}> ?id }} ORDER BY ?id ?start LIMIT 1")
    for row in store.query(sparql, use_default_graph_as_union=True):
        return row["text"].value
    return None


def _describe_conflict(store: ox.Store, conflict: dict) -> dict:
    """A conflict as the report shows it: kind, topic, and its sides' claims (also all together, as ``claims``)."""
    sides = [[_describe(store, (c["id"], c["polarity"])) for c in side["claims"]] for side in conflict["sides"]]
    return {"kind": conflict["kind"], "topic": conflict["topic"], "claims": [c for side in sides for c in side],
            "sides": sides}


def watch_and_build(folder: Path, rebuild: Callable[[], None], debounce_ms: int = 1000,
                    stop: threading.Event | None = None) -> None:
    """Call ``rebuild()`` now and after every burst of changes to article files under ``folder``.

    Changes closer together than ``debounce_ms`` make one rebuild. Returns on Ctrl-C or when ``stop`` is set.
    """
    import watchfiles

    from .ingest import SUPPORTED_SUFFIXES

    def is_article(change: watchfiles.Change, path: str) -> bool:
        return Path(path).suffix.lower() in SUPPORTED_SUFFIXES and not Path(path).name.startswith(".")

    rebuild()
    try:
        for _ in watchfiles.watch(folder, watch_filter=is_article, debounce=debounce_ms, step=min(50, debounce_ms or 50),
                                  stop_event=stop, raise_interrupt=True):
            rebuild()
    except KeyboardInterrupt:
        return
