"""`claimgraph validate`: the SHACL shapes of the claim model, checked with pyshacl on real stores."""

from __future__ import annotations

from rdflib import RDF, Literal

from pipeline.ontology import CG
from pipeline.sparql import export_dataset
from pipeline.store import open_store
from pipeline.validate import validate_graph


def test_the_example_store_conforms(cli, example_store):
    result = cli("validate", "--store", example_store)
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout


def broken_copy(store):
    """The example store in memory with one claim and one evidence node each broken in several ways."""
    dataset = open_store(store)
    try:
        memory = export_dataset(dataset)
    finally:
        dataset.close()
    claim = min(s for s, _, _, _ in memory.quads((None, RDF.type, CG.Claim, None)))
    evidence = min(s for s, _, _, _ in memory.quads((None, RDF.type, CG.Evidence, None)))
    for graph in memory.graphs():
        graph.remove((claim, RDF.subject, None))
        graph.remove((evidence, CG.sentence, None))
        if (evidence, CG.polarity, None) in graph:
            graph.set((evidence, CG.polarity, CG.maybe))
            graph.set((evidence, CG.start, Literal("ten")))
    return memory, claim, evidence


def test_a_broken_graph_names_each_violation(example_store):
    memory, claim, evidence = broken_copy(example_store)
    violations = validate_graph(memory)
    found = {(v.focus, v.path) for v in violations}
    claim_name, evidence_name = claim.n3(memory.namespace_manager), evidence.n3(memory.namespace_manager)
    assert (claim_name, "rdf:subject") in found
    assert {(evidence_name, "cg:sentence"), (evidence_name, "cg:polarity"), (evidence_name, "cg:start")} <= found
    assert len({v.focus for v in violations}) == 2, "nothing else is broken"
    polarity = next(v for v in violations if v.path == "cg:polarity")
    assert "cg:maybe" in str(polarity) and "positive or cg:negative" in polarity.message


def test_validate_exits_1_and_lists_violations_of_a_broken_store(cli, example_store, tmp_path):
    memory, claim, _ = broken_copy(example_store)
    store = tmp_path / "broken"
    dataset = open_store(store, create=True)
    try:
        for quad in memory.quads((None, None, None, None)):
            dataset.add(quad)
    finally:
        dataset.close()
    result = cli("validate", "--store", store)
    assert result.exit_code == 1
    assert "rdf:subject: a claim needs exactly one subject" in result.stdout
    assert "4 violations" in result.stderr
    assert "Traceback" not in result.output
