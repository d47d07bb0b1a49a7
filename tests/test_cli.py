"""The command line end to end on the example corpus, with the real model and store."""

from __future__ import annotations

import json

from pipeline.resources import example_corpus_dir

CONTRACT_KEYS = {"id", "subject", "predicate", "object", "polarity", "modality", "sources", "evidence"}
EVIDENCE_KEYS = {"source", "sentence", "start", "end", "polarity", "modality"}


def test_claims_json_follows_the_contract(cli_json, example_store):
    claims = cli_json("claims", "--store", example_store)
    assert claims, "the example corpus yields claims"
    article_ids = {p.stem for p in example_corpus_dir().iterdir()}
    texts = {p.stem: p for p in example_corpus_dir().iterdir()}
    for claim in claims:
        assert set(claim) >= CONTRACT_KEYS
        assert claim["polarity"] in ("positive", "negative")
        assert claim["modality"] in ("asserted", "hedged")
        assert set(claim["sources"]) <= article_ids
        assert {"id", "label"} <= set(claim["subject"])
        assert {"id", "label"} <= set(claim["predicate"])
        assert "label" in claim["object"] and ("id" in claim["object"] or "value" in claim["object"])
        for evidence in claim["evidence"]:
            assert set(evidence) >= EVIDENCE_KEYS
            assert evidence["source"] in claim["sources"]
            assert 0 <= evidence["start"] < evidence["end"]
        assert texts  # sources are real files


def test_evidence_offsets_point_at_the_sentence(cli_json, example_store):
    from pipeline.ingest import read_articles

    articles = {a.id: a.text for a in read_articles([example_corpus_dir()]).articles}
    for claim in cli_json("claims", "--store", example_store):
        for evidence in claim["evidence"]:
            assert articles[evidence["source"]][evidence["start"] : evidence["end"]] == evidence["sentence"]


def test_same_claim_with_both_polarities_is_two_elements(cli_json, example_store):
    claims = cli_json("claims", "--store", example_store)
    keys = [(c["id"], c["polarity"]) for c in claims]
    assert len(keys) == len(set(keys))


def test_conflicts_json_has_two_sides(cli_json, example_store):
    conflicts = cli_json("conflicts", "--store", example_store)
    assert conflicts
    for conflict in conflicts:
        assert conflict["kind"] in ("polarity", "opposing", "value")
        assert len(conflict["sides"]) == 2
        assert all(side["claims"] for side in conflict["sides"])


def test_agreements_need_two_independent_sources(cli_json, example_store):
    for claim in cli_json("agreements", "--store", example_store):
        assert claim["independent_sources"] >= 2
        assert 0 < claim["support"] <= 1


def test_csv_and_table_outputs(cli, example_store):
    result = cli("claims", "--store", example_store, "--format", "csv")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0]
    assert header == "subject,predicate,object,polarity,modality,sources"
    table = cli("claims", "--store", example_store)
    assert table.exit_code == 0 and "Claims" in table.stdout


def test_stats_counts_the_example_corpus(cli_json, example_store):
    counts = cli_json("stats", "--store", example_store)
    assert counts["sources"] == len(list(example_corpus_dir().iterdir()))
    assert counts["claims"] > 0 and counts["triples"] > counts["claims"]


def test_query_runs_sparql_text(cli, example_store):
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://claimgraph.org/ns#Claim> }"
    result = cli("query", sparql, "--store", example_store, "--format", "json")
    assert result.exit_code == 0, result.output
    assert int(json.loads(result.stdout)[0]["n"]) > 0


def test_missing_store_is_one_line_error(cli, tmp_path):
    result = cli("claims", "--store", tmp_path / "nowhere")
    assert result.exit_code != 0
    assert "no claimgraph store" in result.stderr
    assert "Traceback" not in result.output


def test_missing_input_path_is_one_line_error(cli, tmp_path):
    result = cli("build", tmp_path / "missing-folder", "--store", tmp_path / "store")
    assert result.exit_code != 0
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.output


def test_bad_sparql_is_one_line_error(cli, example_store):
    result = cli("query", "SELECT WHERE {", "--store", example_store)
    assert result.exit_code != 0
    assert result.stderr.startswith("claimgraph: error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_viz_writes_an_offline_page(cli, example_store, tmp_path):
    page = tmp_path / "claims.html"
    result = cli("viz", "--store", example_store, "--output", page)
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert "vis-network" in html or "vis.Network" in html
    import re

    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)


def test_export_trig(cli, example_store, tmp_path):
    out = tmp_path / "graph.trig"
    result = cli("export", out, "--store", example_store, "--format", "trig")
    assert result.exit_code == 0, result.output
    from rdflib import Dataset

    loaded = Dataset()
    loaded.parse(out, format="trig")
    assert len(loaded) > 0


def test_conflict_table_shows_article_text_literally(cli, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Chamomile improves sleep [red] daily.")
    (corpus / "b.txt").write_text("Chamomile does not improve sleep.")
    store = tmp_path / "store"
    assert cli("build", corpus, "--store", store).exit_code == 0
    result = cli("conflicts", "--store", store)
    assert result.exit_code == 0, result.output
    assert "[red]" in result.stdout
