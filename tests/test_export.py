"""`claimgraph export` round-trips: the TriG loads into a fresh rdflib Dataset with the same triples and answers."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph
from rdflib.term import Literal

from pipeline.sparql import named_queries, plain, result_columns, run_named
from pipeline.store import open_store


@pytest.fixture(scope="module")
def exported(example_store, tmp_path_factory):
    from typer.testing import CliRunner

    from pipeline.cli import app

    out = tmp_path_factory.mktemp("export") / "graph.trig"
    result = CliRunner().invoke(app, ["export", str(out), "--store", str(example_store), "--format", "trig"])
    assert result.exit_code == 0, result.output
    loaded = Dataset(default_union=True)
    loaded.parse(out, format="trig")
    return loaded


def comparable(node):
    """A term compared by value: Oxigraph keeps decimals canonical ("1"), Turtle writes them as 1.0."""
    node = plain(node)
    if isinstance(node, Literal) and node.datatype and node.value is not None:
        return (str(node.datatype), node.value)
    return node


def answers(dataset: Dataset, name: str, values: dict[str, str]) -> list[tuple]:
    """A query's rows, order-free; GROUP_CONCAT lists (order unspecified by SPARQL) compared as sets."""
    columns, rows = result_columns(run_named(dataset, named_queries()[name], values))

    def value(term):
        if isinstance(term, Literal) and " " in str(term) and not term.datatype:
            return tuple(sorted(str(term).split(" ")))
        return comparable(term)
    return sorted((tuple(value(row[c]) for c in columns) for row in rows), key=repr)


def parameters_for(store: Dataset) -> dict[str, str]:
    """One real value of each kind of parameter, read from the store."""
    [row] = store.query("""
        PREFIX cg: <https://claimgraph.org/ns#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT (MIN(?c) AS ?claim) (MIN(?l) AS ?entity) (MIN(?id) AS ?source) WHERE {
          ?c a cg:Claim ; rdf:subject ?s . ?s rdfs:label ?l . ?src a cg:Source ; dcterms:identifier ?id }""")
    return {"claim": str(row.claim), "entity": str(row.entity), "source": str(row.source), "type": "substance"}


def quad_set(dataset: Dataset) -> set[tuple]:
    return {(s, p, comparable(o), getattr(g, "identifier", g)) for s, p, o, g in dataset.quads((None, None, None, None))}


def test_export_has_every_quad(exported, example_store):
    store = open_store(example_store)
    try:
        original = quad_set(store)
    finally:
        store.close()
    assert len(quad_set(exported)) == len(original) > 0
    assert quad_set(exported) == original


def test_named_queries_answer_the_same_on_the_export(exported, example_store):
    store = open_store(example_store)
    try:
        values = parameters_for(store)
        for name, query in named_queries().items():
            wanted = {p.name: values[p.name] for p in query.parameters}
            assert answers(exported, name, wanted) == answers(store, name, wanted), name
    finally:
        store.close()


def test_turtle_export_merges_the_graphs(cli, example_store, tmp_path):
    out = tmp_path / "graph.ttl"
    assert cli("export", out, "--store", example_store, "--format", "turtle").exit_code == 0
    merged = Graph().parse(out, format="turtle")
    trig = tmp_path / "graph.trig"
    assert cli("export", trig, "--store", example_store).exit_code == 0
    loaded = Dataset().parse(trig, format="trig")
    distinct_triples = {(s, p, o) for s, p, o, _ in loaded.quads((None, None, None, None))}
    assert len(merged) == len(distinct_triples) > 0


def test_unknown_export_format_is_one_line_error(cli, example_store):
    result = cli("export", "--store", example_store, "--format", "rdfxml")
    assert result.exit_code != 0 and result.stderr.startswith("claimgraph: error: unknown export format")
