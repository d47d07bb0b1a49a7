"""Extraction in worker processes that start the model while the build does everything else.

Starting spaCy costs about two seconds (importing it, then loading the model),
which is most of a build that adds one article to thousands. So a build forks
its workers first thing, before it opens the store, and they load the model
while the build reads the manifest and scans the inputs. A build that finds
nothing to extract stops them unused.

Workers are plain forked processes, each on its own pipe, sent one chunk of
articles at a time: a worker that dies is noticed at once (its pipe closes) and
stopping them never waits for a model still loading. Forking happens before the
build takes its lock or opens a database, so no worker holds either.

Extraction is a pure function of text, model and ontology, so where it runs
does not change the graph: one worker, four, or this process (when the model
is already loaded here, as in ``claimgraph watch``) write identical stores.
"""

from __future__ import annotations

import ast
import importlib.util
import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Sequence

from .independence import Fingerprint, fingerprint
from .ingest import Article
from .ontology import load_lexicon

CHUNK_ARTICLES = 8


@dataclass(frozen=True)
class Extracted:
    """One article's extraction, as a worker hands it back."""

    article_id: str
    nquads: bytes
    evidence: int
    claims: tuple[tuple[str, str, str], ...]  # (claim IRI, polarity, subject IRI)
    fingerprint: Fingerprint


class WorkerFailed(Exception):
    """A worker could not extract: the model is missing, or the process died."""


def extractor_identity() -> tuple[str, str]:
    """``(EXTRACTOR_NAME, EXTRACTOR_VERSION)`` of :mod:`pipeline.extract`, read from its source.

    Reading the two constants instead of importing the package keeps spaCy out of
    a build that has nothing to extract (importing spaCy alone takes a second).

    >>> from pipeline.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION
    >>> extractor_identity() == (EXTRACTOR_NAME, EXTRACTOR_VERSION)
    True
    """
    spec = importlib.util.find_spec(f"{__package__}.extract")
    wanted = {"EXTRACTOR_NAME": "", "EXTRACTOR_VERSION": ""}
    if spec and spec.origin:
        for node in ast.parse(Path(spec.origin).read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id in wanted and isinstance(node.value, ast.Constant)):
                wanted[node.targets[0].id] = str(node.value.value)
    if not all(wanted.values()):  # not plain constants any more: ask the module itself
        from .extract import EXTRACTOR_NAME, EXTRACTOR_VERSION

        return EXTRACTOR_NAME, EXTRACTOR_VERSION
    return wanted["EXTRACTOR_NAME"], wanted["EXTRACTOR_VERSION"]


def extract_articles(articles: Sequence[Article], model: str | None = None) -> dict[str, list]:
    """Parse and extract a batch of articles: article id → evidence. Pure: no store involved."""
    from .extract import extract_claims
    from .extract.statements import statement_blocks
    from .nlp import load_model, model_name, parse
    from .normalise import normalise

    nlp = load_model(model_name(model))
    lexicon = load_lexicon()
    blocks = [(article.id, block) for article in articles for block in statement_blocks(article.text)]
    docs = parse((block.text for _, block in blocks), nlp)
    by_article: dict[str, list] = {article.id: [] for article in articles}
    for (article_id, block), doc in zip(blocks, docs):
        by_article[article_id].append((block, doc))
    return {article_id: normalise(extract_claims(parsed, lexicon), lexicon) for article_id, parsed in by_article.items()}


def extract_chunk(articles: Sequence[Article], model: str | None, identity: tuple[str, str]) -> list[Extracted]:
    """Extract a chunk of articles and render each article's graph as N-Quads (``identity``: the extractor's name and version)."""
    from .store import article_nquads

    evidence = extract_articles(articles, model)
    return [
        Extracted(
            article.id,
            article_nquads(article, evidence[article.id], *identity),
            len(evidence[article.id]),
            tuple(sorted({(str(item.claim.iri), "positive" if item.positive else "negative", str(item.claim.subject.iri))
                          for item in evidence[article.id]})),
            fingerprint(article.text),
        )
        for article in articles
    ]


def chunks_of(articles: Sequence[Article]) -> list[list[Article]]:
    """The articles in chunks of :data:`CHUNK_ARTICLES`, the unit a worker is sent."""
    return [list(articles[i : i + CHUNK_ARTICLES]) for i in range(0, len(articles), CHUNK_ARTICLES)]


def start_model(model: str | None) -> None:
    """Import the extractor, load the model and the ontology into this process (what a worker does first)."""
    from .extract import extract_claims  # noqa: F401  (imports spaCy and the extractor)
    from .nlp import load_model, model_name

    load_model(model_name(model))
    load_lexicon()


def _serve(connection: Connection, model: str | None, parent_ends: list[Connection]) -> None:
    """A worker's life: start the model, then extract each chunk it is sent until its pipe closes.

    The worker first closes the build's ends of the pipes it inherited, so that when the build
    ends, however it ends, the worker's pipe closes and the worker exits.
    """
    for end in parent_ends:
        end.close()
    try:
        start_model(model)
        failure = None
    except Exception as error:  # reported with the first chunk, where the build can say so
        failure = WorkerFailed(str(error))
    while True:
        try:
            articles, identity = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result: list[Extracted] | WorkerFailed = failure or extract_chunk(articles, model, identity)
        except Exception as error:
            result = WorkerFailed(f"extraction failed: {type(error).__name__}: {error}")
        try:
            connection.send(result)
        except OSError:  # the build is gone
            return


class ExtractionWorkers:
    """``jobs`` forked processes that start the model at once and extract the chunks :meth:`extract` sends.

    Use as a context manager: leaving it stops the workers, loaded or not.
    """

    def __init__(self, model: str | None, jobs: int) -> None:
        context = multiprocessing.get_context("fork")
        self._pipes: list[tuple[multiprocessing.Process, Connection]] = []
        for _ in range(max(1, jobs)):
            here, there = context.Pipe()
            parent_ends = [here, *(end for _, end in self._pipes)]
            process = context.Process(target=_serve, args=(there, model, parent_ends), daemon=True, name="claimgraph-extract")
            process.start()
            there.close()
            self._pipes.append((process, here))

    def __enter__(self) -> "ExtractionWorkers":
        return self

    def __exit__(self, *_: object) -> None:
        for process, connection in self._pipes:
            connection.close()
            process.terminate()
        for process, _ in self._pipes:
            process.join()

    def extract(self, articles: Sequence[Article], identity: tuple[str, str],
                on_chunk: Callable[[list[Extracted]], None]) -> None:
        """Extract ``articles``, each worker taking the next chunk as it finishes one; ``on_chunk`` gets each result."""
        pending = iter(chunks_of(articles))
        busy: dict[Connection, multiprocessing.Process] = {}

        def send_next(process: multiprocessing.Process, connection: Connection) -> None:
            chunk = next(pending, None)
            if chunk is not None:
                connection.send((chunk, identity))
                busy[connection] = process

        for process, connection in self._pipes:
            send_next(process, connection)
        while busy:
            for connection in wait(list(busy)):
                process = busy.pop(connection)
                try:
                    result = connection.recv()
                except (EOFError, OSError):
                    process.join(timeout=1)
                    raise WorkerFailed(f"an extraction worker died (exit code {process.exitcode}); the store is unchanged") from None
                if isinstance(result, WorkerFailed):
                    raise result
                on_chunk(result)
                send_next(process, connection)
