"""Confidence and pattern on every piece of evidence: in the store, the JSON contract and ``claims --explain``."""

from __future__ import annotations

import csv
import io

from pipeline.extract.confidence import score, weights
from pipeline.ontology import construction_notes
from pipeline.store import open_store


def test_every_evidence_has_a_confidence_and_a_pattern(cli_json, example_store):
    claims = cli_json("claims", "--store", example_store)
    evidence = [e for c in claims for e in c["evidence"]]
    assert evidence
    assert all(0.0 <= e["confidence"] <= 1.0 for e in evidence)
    assert all(e["pattern"] in construction_notes() or e["pattern"] == "constituent-list" for e in evidence)
    assert len({e["confidence"] for e in evidence}) > 3  # it tells claims apart, it is not one constant


def test_confidence_is_stored_as_rdf(example_store):
    store = open_store(example_store)
    try:
        rows = list(store.query("""PREFIX cg: <https://claimgraph.org/ns#>
            SELECT ?e ?c ?p WHERE { ?e a cg:Evidence ; cg:confidence ?c ; cg:pattern ?p }"""))
        total = len(list(store.query("PREFIX cg: <https://claimgraph.org/ns#> SELECT ?e WHERE { ?e a cg:Evidence }")))
    finally:
        store.close()
    assert rows and len(rows) == total


def test_explain_lists_each_evidence_with_its_pattern(cli, cli_json, example_store):
    claims = cli_json("claims", "--store", example_store)
    result = cli("claims", "--store", example_store, "--explain", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == sum(len(c["evidence"]) for c in claims)
    verbal = [r for r in rows if r["pattern"].startswith("verbal: ")]
    assert verbal and all("verb trigger" in r["pattern"] for r in verbal)


def test_plain_verb_claim_between_known_names_outscores_a_guess():
    assert weights(), "ontology/confidence.json holds fitted weights"
    sure = score(("pattern:verbal", "predicate:improves", "subject:known", "object:known"))
    guess = score(("pattern:adjectival", "predicate:disrupts", "subject:one-word", "object:long", "direction:guessed"))
    assert sure > guess
