"""`claimgraph query | stats | export`: the store for SPARQL users."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DEFAULT_STORE, FormatOption, StoreOption, app, fail, open_dataset
import sys

from ..output import Format, emit
from ..reason import QueryError, query_text, run_query, stats
from ..resources import queries_dir
from ..store import copy_graph


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
    dataset = open_dataset(store)
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
    dataset = open_dataset(store)
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
    dataset = open_dataset(store)
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
