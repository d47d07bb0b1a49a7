"""`claimgraph query | stats | export | serve | validate`: the store for SPARQL users."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DEFAULT_STORE, FormatOption, RawCsvOption, StoreOption, app, fail, opened_store

from ..export import ExportError, check_writable, export_text, format_for, write_export
from ..output import Format, emit, print_table, render_json
from ..reason import QueryError, stats
from ..serve import DEFAULT_HOST, DEFAULT_PORT, ServeError, check_port_free, endpoint_url, exec_server
from ..sparql import (ResultFormat, load_query, named_queries, parse_assignments, render_delimited,
                      render_sparql_json, result_columns, run_named, text_rows)
from ..store import StoreBusy, StoreNotFound

@app.command()
def query(
    sparql: Annotated[Optional[str], typer.Argument(
        help="A named query (see --list), a .rq file, or SPARQL text. Queries see the union of all article graphs.")] = None,
    param: Annotated[Optional[list[str]], typer.Option(
        "--param", "-p", help="NAME=VALUE for a parameter the query declares, e.g. entity=melatonin; repeat for several. "
        "Values are bound as RDF terms, never pasted into the query.")] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the named queries: name, parameters and purpose.")] = False,
    store: StoreOption = DEFAULT_STORE,
    fmt: Annotated[ResultFormat, typer.Option(
        "--format", "-f", help="table for people; json (list of row objects), csv, tsv or sparql-json "
        "(SPARQL 1.1 results) for scripts.")] = ResultFormat.table,
    raw_csv: RawCsvOption = False,
) -> None:
    """Run SPARQL over the store: a named question with safe parameters, or your own query."""
    if list_queries:
        rows = [{"name": q.name, "parameters": " ".join(f"{p.name}=({p.kind.value})" for p in q.parameters),
                 "purpose": q.purpose} for q in named_queries().values()]
        if fmt is ResultFormat.json:
            print(render_json(rows))
        else:
            print_table(rows, "Named queries")
        return
    if not sparql:
        fail("give a query name, a .rq file or SPARQL text (or --list to see the named queries)")
    try:
        chosen = load_query(sparql)
        values = parse_assignments(param or [])
    except QueryError as error:
        fail(str(error))
    with opened_store(store) as dataset:
        try:
            result = run_named(dataset, chosen, values)
            columns, rows = result_columns(result)
            sparql_json = render_sparql_json(result) if fmt is ResultFormat.sparql_json else ""
        except QueryError as error:
            fail(str(error))
    if fmt is ResultFormat.sparql_json:
        sys.stdout.write(sparql_json + "\n")
    elif fmt in (ResultFormat.csv, ResultFormat.tsv):
        sys.stdout.write(render_delimited(columns, rows, fmt, neutralise=not raw_csv))
    elif fmt is ResultFormat.json:
        print(render_json(text_rows(rows)))
    else:
        print_table(text_rows(rows), chosen.name.capitalize())


def stats_command(store: StoreOption = DEFAULT_STORE, fmt: FormatOption = Format.table) -> None:
    """Counts of sources, claims, evidence, entities, conflicts and triples (claims and conflicts as the
    `claims` and `conflicts` commands list them)."""
    with opened_store(store) as dataset:
        counts = stats(dataset)
    emit(counts, [counts], fmt, "Store")


app.command("stats")(stats_command)


@app.command()
def export(
    output: Annotated[Optional[Path], typer.Argument(help="Output file; its extension picks the format: .trig .nq .nt "
                                                    ".ttl .jsonld .rdf, or .graphml .gexf for Gephi and Cytoscape "
                                                    "(default: TriG on standard output).")] = None,
    store: StoreOption = DEFAULT_STORE,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="Overrides the extension: trig, nquads or "
                                               "json-ld keep the named graphs; ntriples, turtle and rdf-xml merge them "
                                               "into one graph; graphml and gexf write the claim graph (entities and "
                                               "claims).")] = None,
) -> None:
    """Export the whole store as RDF (loads back into any RDF tool with the same answers) or as a network file."""
    try:
        if output is not None:
            check_writable(output)
        chosen = format_for(output, fmt)
    except ExportError as error:
        fail(str(error))
    with opened_store(store) as dataset:
        text = export_text(dataset, chosen)
    try:
        write_export(text, output)
    except ExportError as error:
        fail(str(error))
    if output is not None:
        typer.echo(f"wrote {output} ({chosen})", err=True)


@app.command()
def serve(
    store: StoreOption = DEFAULT_STORE,
    host: Annotated[str, typer.Option(help="Address to listen on; the default accepts connections from this machine only.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port to listen on.")] = DEFAULT_PORT,
) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (Oxigraph's server) at http://HOST:PORT/query.

    Updates are refused. The endpoint shows the store as it was at start-up: restart it after a build.
    Builds run while it serves; the generation it shows is kept until it stops.
    """
    def announce() -> None:
        typer.echo(f"serving {store} read-only at {endpoint_url(host, port)} (Ctrl-C stops)", err=True)
        sys.stderr.flush()

    try:
        check_port_free(host, port)
        exec_server(store, host, port, before=announce)
    except (StoreNotFound, StoreBusy, ServeError) as error:
        fail(str(error))


@app.command()
def validate(store: StoreOption = DEFAULT_STORE) -> None:
    """Check the store against the SHACL shapes in ontology/shapes.ttl; exit 1 when anything violates them."""
    from ..validate import validate_store  # pyshacl takes half a second to import; only this command needs it

    with opened_store(store) as dataset:
        violations = validate_store(dataset)
    if not violations:
        typer.echo(f"{store} conforms to the claim model's shapes")
        return
    for violation in violations:
        typer.echo(str(violation))
    typer.echo(f"{len(violations)} violation{'s' if len(violations) != 1 else ''} of the claim model's shapes", err=True)
    raise typer.Exit(1)
