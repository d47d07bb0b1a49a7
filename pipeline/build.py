"""The build: ingest → parse → extract → normalise → store, re-reading only what changed.

An article is re-extracted when it is new, when its text's sha256 changed, or
when the extractor version or the ontology digest differ from the ones its
manifest entry records. An article is *removed* when the manifest holds it but
the build's inputs no longer yield it: the inputs of a build define the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from .extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_claims
from .extract.statements import statement_blocks
from .independence import independence_groups
from .ingest import DEFAULT_MAX_BYTES, Article, Problem, read_articles
from .nlp import load_model, model_name, parse
from .normalise import Evidence, normalise
from .ontology import load_lexicon
from .store import open_store, read_manifest, remove_article, replace_article, write_groups, write_ontology


@dataclass
class BuildReport:
    """What a build did, article by article."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    claims_written: int = 0

    @property
    def extracted(self) -> list[str]:
        return self.new + self.changed


def extract_articles(articles: Sequence[Article], model: str | None = None, jobs: int = 1) -> dict[str, list[Evidence]]:
    """Parse and extract a batch of articles: article id → evidence. Pure: no store involved."""
    nlp = load_model(model_name(model))
    lexicon = load_lexicon()
    blocks = [(article.id, block) for article in articles for block in statement_blocks(article.text)]
    docs = parse((block.text for _, block in blocks), nlp, n_process=jobs)
    by_article: dict[str, list] = {article.id: [] for article in articles}
    for (article_id, block), doc in zip(blocks, docs):
        by_article[article_id].append((block, doc))
    return {article_id: normalise(extract_claims(parsed, lexicon), lexicon) for article_id, parsed in by_article.items()}


def build(
    paths: Sequence[Path],
    store_path: Path,
    model: str | None = None,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_article: Callable[[str], None] | None = None,
) -> BuildReport:
    """Bring the store at ``store_path`` up to date with the articles under ``paths``."""
    ingested = read_articles(paths, max_bytes=max_bytes)
    report = BuildReport(problems=list(ingested.problems))
    lexicon = load_lexicon()
    dataset = open_store(store_path, create=True)
    try:
        manifest = read_manifest(dataset)
        todo: list[Article] = []
        for article in ingested.articles:
            entry = manifest.get(article.id)
            if entry is None:
                report.new.append(article.id)
                todo.append(article)
            elif (entry.sha256, entry.extractor_version, entry.ontology_digest) != (
                article.sha256, EXTRACTOR_VERSION, lexicon.digest):
                report.changed.append(article.id)
                todo.append(article)
            else:
                report.unchanged.append(article.id)
        current = {article.id for article in ingested.articles}
        report.removed = sorted(set(manifest) - current)
        write_ontology(dataset, lexicon)
        evidence = extract_articles(todo, model=model, jobs=jobs) if todo else {}
        for article in todo:
            replace_article(dataset, article, evidence[article.id], EXTRACTOR_NAME, EXTRACTOR_VERSION, lexicon.digest)
            report.claims_written += len(evidence[article.id])
            if on_article:
                on_article(article.id)
        for article_id in report.removed:
            remove_article(dataset, article_id)
        write_groups(dataset, independence_groups({a.id: a.text for a in ingested.articles}))
    finally:
        dataset.close()
    return report
