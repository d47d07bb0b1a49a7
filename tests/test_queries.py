"""Named queries on the example corpus: each one's answers checked against the claims JSON and the store's triples."""

from __future__ import annotations

import csv
import doctest
import io
import json
from collections import Counter, defaultdict

import pytest
from rdflib import RDF, RDFS, SKOS, URIRef
from typer.testing import CliRunner

import pipeline.serve
import pipeline.sparql
from pipeline.cli import app
from pipeline.ontology import CG
from pipeline.resources import example_corpus_dir, queries_dir
from pipeline.sparql import named_queries
from pipeline.store import GROUPS_GRAPH, ONTOLOGY_GRAPH, open_store, source_iri


@pytest.fixture(scope="module")
def claims(example_store) -> list[dict]:
    """The JSON contract of `claimgraph claims`: what the named queries are checked against."""
    result = CliRunner().invoke(app, ["claims", "--store", str(example_store), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def store_facts(example_store) -> dict:
    """Facts read with rdflib's graph API (not SPARQL): entity types, class labels, groups, value ranges."""
    dataset = open_store(example_store)
    try:
        ontology = dataset.graph(ONTOLOGY_GRAPH)
        classes = {cls: str(label) for cls, label in ontology.subject_objects(RDFS.label)
                   if (cls, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in ontology}
        superclasses = {cls: set(ontology.transitive_objects(cls, RDFS.subClassOf)) for cls in classes}
        types = defaultdict(set)
        for entity, cls in dataset.subject_objects(RDF.type):
            if cls in classes:
                types[str(entity)].add(cls)
        groups = {str(s): str(o) for s, o in dataset.graph(GROUPS_GRAPH).subject_objects(CG.independenceGroup)}
        ranges = {str(c): (float(dataset.value(c, CG.minValue)), float(dataset.value(c, CG.maxValue)), str(dataset.value(c, CG.unit)))
                  for c in set(dataset.subjects(CG.minValue, None))}
        aliases = defaultdict(set)
        for entity, alias in ontology.subject_objects(SKOS.altLabel):
            aliases[str(entity)].add(str(alias))
        effects = {str(p): int(e) for p, e in ontology.subject_objects(CG.effect)}
        opposites = {frozenset((str(a), str(b))) for a, b in ontology.subject_objects(CG.opposite)}
        functional = {str(p) for p in ontology.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#FunctionalProperty"))}
    finally:
        dataset.close()
    return {"classes": classes, "superclasses": superclasses, "types": types, "groups": groups, "ranges": ranges,
            "aliases": aliases, "effects": effects, "opposites": opposites, "functional": functional}


def ask(cli, store, name, *params: str, fmt: str = "json"):
    """Run a named query through the CLI; JSON rows, or the raw output for other formats."""
    args = ["query", name, "--store", store, "--format", fmt]
    for param in params:
        args += ["--param", param]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if fmt == "json" else result.stdout


def evidence_of(claims: list[dict]):
    for claim in claims:
        for evidence in claim["evidence"]:
            yield claim, evidence


def test_doctests_of_the_sparql_modules_pass():
    for module in (pipeline.sparql, pipeline.serve):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_list_names_every_query_with_its_purpose_and_parameters(cli):
    result = cli("query", "--list", "--format", "json")
    assert result.exit_code == 0, result.output
    listed = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(listed) == {path.stem for path in queries_dir().glob("*.rq")}
    assert all(row["purpose"] for row in listed.values())
    for name in ("claims-about", "sources-of-claim", "source-claims", "entities-by-type"):
        assert listed[name]["parameters"], f"{name} declares its parameter"
    assert "claims-per-source" in cli("query", "--list").stdout


def test_every_parameter_is_projected_so_oxigraph_can_bind_it():
    for query in named_queries().values():
        select = query.text[query.text.index("SELECT"): query.text.index("WHERE")]
        for parameter in query.parameters:
            assert f"?{parameter.name} " in select, f"{query.name}: ?{parameter.name} must be in the SELECT clause"


def most_named_entity(claims: list[dict]) -> tuple[str, str]:
    """The (IRI, label) of the entity the most claims are about."""
    counts = Counter((term["id"], term["label"]) for c in claims for term in (c["subject"], c["object"]) if "id" in term)
    return counts.most_common(1)[0][0]


def test_claims_about_matches_claims_about_option(cli, example_store, claims, store_facts):
    iri, label = most_named_entity(claims)
    expected = {(c["id"], c["polarity"]): c for c in claims
                if iri in (c["subject"].get("id"), c["object"].get("id"))}
    rows = ask(cli, example_store, "claims-about", f"entity={label.upper()}")
    assert {(r["claim"], r["polarity"]) for r in rows} == set(expected)
    for row in rows:
        claim = expected[(row["claim"], row["polarity"])]
        assert row["modality"] == claim["modality"]
        assert sorted(row["sources"].split()) == claim["sources"]
        assert (row["subject"], row["predicate"], row["object"]) == (
            claim["subject"]["label"], claim["predicate"]["label"], claim["object"]["label"])
    by_option = json.loads(cli("claims", "--store", example_store, "--about", label, "--format", "json").stdout)
    assert {(c["id"], c["polarity"]) for c in by_option} == set(expected)
    if store_facts["aliases"].get(iri):
        alias = sorted(store_facts["aliases"][iri])[0]
        by_alias = ask(cli, example_store, "claims-about", f"entity={alias}")
        assert {(r["claim"], r["polarity"]) for r in by_alias} == set(expected)


def test_sources_of_claim_lists_its_evidence(cli, example_store, claims):
    by_claim = defaultdict(set)
    for claim, e in evidence_of(claims):
        by_claim[claim["id"]].add((e["source"], e["sentence"], e["start"], e["end"], e["polarity"], e["modality"]))
    widest = max(by_claim, key=lambda iri: len(by_claim[iri]))
    for iri in {widest, *list(by_claim)[:5]}:
        rows = ask(cli, example_store, "sources-of-claim", f"claim={iri}")
        assert {(r["source"], r["sentence"], int(r["start"]), int(r["end"]), r["polarity"], r["modality"]) for r in rows} \
            == by_claim[iri]
    prefixed = "claim:" + widest.rsplit("/", 1)[1]
    assert len(ask(cli, example_store, "sources-of-claim", f"claim={prefixed}")) == len(by_claim[widest])


def test_source_claims_lists_what_each_article_says(cli, example_store, claims):
    article_ids = {path.stem for path in example_corpus_dir().iterdir()}
    for source in article_ids:
        expected = {(c["id"], e["polarity"], e["modality"], e["sentence"]) for c, e in evidence_of(claims) if e["source"] == source}
        rows = ask(cli, example_store, "source-claims", f"source={source}")
        assert {(r["claim"], r["polarity"], r["modality"], r["sentence"]) for r in rows} == expected
        assert all(r["source"] == source for r in rows)
        # the article really contains each sentence
        text = next(p for p in example_corpus_dir().iterdir() if p.stem == source).read_text()
        assert all(r["sentence"].split()[0] in text for r in rows)


def test_entities_by_type_follows_the_class_hierarchy(cli, example_store, claims, store_facts):
    named = defaultdict(set)
    for claim in claims:
        for term in (claim["subject"], claim["object"]):
            if "id" in term:
                named[term["id"]].add(claim["id"])
    checked = 0
    for cls, class_label in store_facts["classes"].items():
        expected = {iri for iri in named
                    if any(cls in store_facts["superclasses"][t] for t in store_facts["types"].get(iri, ()))}
        rows = ask(cli, example_store, "entities-by-type", f"type={class_label.title()}")
        assert {r["entity"] for r in rows} == expected, class_label
        for row in rows:
            assert int(row["claims"]) == len(named[row["entity"]])
        checked += bool(expected)
    assert checked >= 2, "the example corpus has entities of several classes"


def test_claims_per_source_counts(cli, example_store, claims):
    rows = {r["source"]: r for r in ask(cli, example_store, "claims-per-source")}
    assert set(rows) == {path.stem for path in example_corpus_dir().iterdir()}
    for source, row in rows.items():
        mine = [(c, e) for c, e in evidence_of(claims) if e["source"] == source]
        assert int(row["claims"]) == len({c["id"] for c, _ in mine})
        assert int(row["evidence"]) == len(mine)
        assert int(row["positive"]) == sum(e["polarity"] == "positive" for _, e in mine)
        assert int(row["negative"]) == sum(e["polarity"] == "negative" for _, e in mine)
        assert int(row["hedged"]) == sum(e["modality"] == "hedged" for _, e in mine)


def test_claims_and_stats_cover_every_piece_of_evidence(cli, example_store, claims):
    rows = ask(cli, example_store, "claims")
    assert {r["evidence"] for r in rows} and len({r["evidence"] for r in rows}) == sum(len(c["evidence"]) for c in claims)
    assert {(r["claim"], r["polarity"].rsplit("#", 1)[1]) for r in rows} == {(c["id"], c["polarity"]) for c in claims}
    [counts] = ask(cli, example_store, "stats")
    assert int(counts["sources"]) == len(list(example_corpus_dir().iterdir()))
    assert int(counts["claims"]) == len({(c["id"], c["polarity"]) for c in claims})  # asserted and denied: two
    assert int(counts["evidence"]) == sum(len(c["evidence"]) for c in claims)


def test_conflicts_polarity_are_claims_made_and_denied(cli, example_store, claims):
    polarities = defaultdict(set)
    for claim in claims:
        polarities[claim["id"]].add(claim["polarity"])
    expected = {iri for iri, found in polarities.items() if found == {"positive", "negative"}}
    assert {r["claim"] for r in ask(cli, example_store, "conflicts-polarity")} == expected


def test_conflicts_opposing_pairs_have_opposite_effects(cli, example_store, claims, store_facts):
    positive = {c["id"]: c for c in claims if c["polarity"] == "positive"}
    effect = store_facts["effects"]

    def opposed(a: dict, b: dict) -> bool:
        if a["subject"]["id"] != b["subject"]["id"] or "id" not in a["object"] or "id" not in b["object"]:
            return False
        ea, eb = effect.get(a["predicate"]["id"]), effect.get(b["predicate"]["id"])
        if a["object"]["id"] == b["object"]["id"]:
            return {ea, eb} == {1, -1}
        return frozenset((a["object"]["id"], b["object"]["id"])) in store_facts["opposites"] and ea == eb != 0

    expected = {(a, b) for a in positive for b in positive if a < b and opposed(positive[a], positive[b])}
    rows = ask(cli, example_store, "conflicts-opposing")
    for row in rows:
        assert row["claimA"] in positive and row["claimB"] in positive
        assert opposed(positive[row["claimA"]], positive[row["claimB"]])
    assert {frozenset((r["claimA"], r["claimB"])) for r in rows} == {frozenset(pair) for pair in expected}


def test_conflicts_value_pairs_have_disjoint_ranges(cli, example_store, claims, store_facts, lexicon):
    positive = {c["id"]: c for c in claims if c["polarity"] == "positive" and "value" in c["object"]}
    ranges = store_facts["ranges"]
    upper_bounds = {(str(a), str(b)) for a, b in lexicon.graph.subject_objects(CG.upperBoundOf)}

    def comparable(a: dict, b: dict) -> bool:
        same = a["predicate"]["id"] == b["predicate"]["id"] and a["predicate"]["id"] in store_facts["functional"]
        return same or (a["predicate"]["id"], b["predicate"]["id"]) in upper_bounds

    expected = {
        (a, b) for a in positive for b in positive
        if positive[a]["subject"]["id"] == positive[b]["subject"]["id"] and comparable(positive[a], positive[b])
        and ranges[a][2] == ranges[b][2] and ranges[a][1] < ranges[b][0]
    }
    rows = ask(cli, example_store, "conflicts-value")
    assert {(r["claimA"], r["claimB"]) for r in rows} == expected


def test_agreements_need_two_independent_groups(cli, example_store, claims, store_facts):
    groups = store_facts["groups"]
    rows = {(r["claim"], r["polarity"].rsplit("#", 1)[1]): r for r in ask(cli, example_store, "agreements")}
    expected = {}
    for claim in claims:
        independent = {groups.get(str(source_iri(s)), s) for s in claim["sources"]}
        if len(independent) >= 2:
            expected[(claim["id"], claim["polarity"])] = len(independent)
    assert {key: int(row["independentSources"]) for key, row in rows.items()} == expected
    for key, row in rows.items():
        assert int(row["sources"]) == len(next(c for c in claims if (c["id"], c["polarity"]) == key)["sources"])


def test_an_injection_attempt_is_inert(cli, example_store, claims):
    _, label = most_named_entity(claims)
    assert ask(cli, example_store, "claims-about", f"entity={label}")
    for attack in (f'{label}") || true || ("', f'{label}" ) }} UNION {{ ?claim ?p ?o }} #', f"{label}' || '1' = '1"):
        assert ask(cli, example_store, "claims-about", f"entity={attack}") == []
    result = cli("query", "sources-of-claim", "--param", "claim=x> } UNION { ?claim ?p ?o } <y", "--store", example_store)
    assert result.exit_code != 0 and result.stderr.startswith("claimgraph: error: parameter 'claim' must be an IRI")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["claims-about"], "needs --param entity="),
    (["claims-about", "--param", "colour=blue"], "has no parameter 'colour'"),
    (["claims-about", "--param", "entity"], "is not NAME=VALUE"),
    (["no-such-query"], "no query named 'no-such-query'"),
    (["missing.rq"], "no such query file"),
    (["INSERT DATA { <urn:a> <urn:b> <urn:c> }"], "SPARQL update"),
])
def test_user_mistakes_are_one_line_errors(cli, example_store, args, message):
    result = cli("query", *args, "--store", example_store)
    assert result.exit_code != 0
    assert result.stderr.startswith("claimgraph: error:") and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_update_changes_nothing(cli, example_store):
    before = ask(cli, example_store, "stats")
    cli("query", "DELETE WHERE { ?s ?p ?o }", "--store", example_store)
    assert ask(cli, example_store, "stats") == before


def test_result_formats_agree(cli, example_store):
    rows = ask(cli, example_store, "claims-per-source")
    columns = list(rows[0])
    table = list(csv.DictReader(io.StringIO(ask(cli, example_store, "claims-per-source", fmt="csv"))))
    assert table == rows
    tsv = ask(cli, example_store, "claims-per-source", fmt="tsv").splitlines()
    assert tsv[0].split("\t") == [f"?{c}" for c in columns] and len(tsv) == len(rows) + 1
    assert tsv[1].split("\t")[0] == json.dumps(rows[0]["source"])
    results = json.loads(ask(cli, example_store, "claims-per-source", fmt="sparql-json"))
    assert results["head"]["vars"] == columns
    assert [{k: v["value"] for k, v in b.items()} for b in results["results"]["bindings"]] == \
        [{k: v for k, v in row.items() if v != ""} for row in rows]
    assert "Claims-per-source" in cli("query", "claims-per-source", "--store", example_store).stdout


def test_ad_hoc_query_file_with_its_own_parameter(cli, example_store, claims, tmp_path):
    iri, label = most_named_entity(claims)
    query = tmp_path / "labelled.rq"
    query.write_text("# labelled — entities with one label.\n# Parameters:\n#   name (text) — the label.\n"
                     "SELECT ?name ?entity WHERE { ?entity <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                     "FILTER(STR(?l) = STR(?name)) }\n")
    rows = ask(cli, example_store, str(query), f"name={label}")
    assert {r["entity"] for r in rows} == {iri}
    ask_text = cli("query", "ASK { ?s a <https://claimgraph.org/ns#Claim> }", "--store", example_store, "--format", "sparql-json")
    assert json.loads(ask_text.stdout)["boolean"] is True


def test_example_queries_in_the_ontology_readme_run_and_answer(cli, example_store):
    import re

    from pipeline.resources import ontology_dir

    examples = re.findall(r"```sparql\n(.*?)```", (ontology_dir() / "README.md").read_text(), re.S)
    assert len(examples) >= 4
    for example in examples:
        result = cli("query", example, "--store", example_store, "--format", "json")
        assert result.exit_code == 0, (example, result.output)
        assert json.loads(result.stdout), f"no answers on the example corpus for:\n{example}"
