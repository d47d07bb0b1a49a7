"""Agreement and conflict reasoning on real stores built from real text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.reason import agreements, all_claims, conflicts, support_score
from pipeline.store import open_store

from conftest import EVAL_CORPUS, SCORER, SEEDS, needs_shared


def _build(tmp_path: Path, articles: dict[str, str]) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in articles.items():
        (corpus / f"{name}.txt").write_text(text)
    store = tmp_path / "store"
    build([corpus], store)
    return store


def _reason(store: Path):
    dataset = open_store(store)
    try:
        claims = all_claims(dataset)
        return list(claims.values()), conflicts(dataset, claims=claims), agreements(dataset)
    finally:
        dataset.close()


def _has(side: dict, predicate: str, obj: str, polarity: str = "positive") -> bool:
    return any(c["predicate"]["label"] == predicate and c["object"]["label"] == obj and c["polarity"] == polarity
               for c in side["claims"])


def test_polarity_opposing_and_value_conflicts(tmp_path):
    store = _build(tmp_path, {
        "a": "Melatonin causes dependence. Chamomile improves sleep. Chronic insomnia lasts longer than three months.",
        "b": "Melatonin does not cause dependence. Chamomile causes insomnia. Chronic insomnia lasts longer than four weeks.",
    })
    _, found, _ = _reason(store)
    kinds = {x["kind"]: x for x in found}
    assert set(kinds) == {"polarity", "opposing", "value"}
    polarity = kinds["polarity"]
    assert _has(polarity["sides"][0], "causes", "addiction") and polarity["sides"][0]["sources"] == ["a"]
    assert _has(polarity["sides"][1], "causes", "addiction", "negative") and polarity["sides"][1]["sources"] == ["b"]
    opposing = kinds["opposing"]
    sides = {tuple(side["sources"]): side for side in opposing["sides"]}
    assert _has(sides[("a",)], "improves", "sleep") and _has(sides[("b",)], "causes", "insomnia")
    value_sides = {tuple(side["sources"]) for side in kinds["value"]["sides"]}
    assert value_sides == {("a",), ("b",)}
    assert all(x["self_contradicting_sources"] == [] for x in found)


def test_compatible_claims_raise_no_conflict(tmp_path):
    store = _build(tmp_path, {
        "a": "Chamomile improves sleep. Caffeine improves alertness. Magnesium relieves cramps.",
        "b": "Chamomile treats insomnia. Caffeine reduces fatigue. Magnesium does not cause insomnia.",
    })
    _, found, _ = _reason(store)
    assert found == []


def test_a_source_on_both_sides_contradicts_itself(tmp_path):
    store = _build(tmp_path, {"a": "Valerian improves sleep. Valerian causes insomnia.", "b": "Valerian improves sleep."})
    _, found, _ = _reason(store)
    assert len(found) == 1 and found[0]["self_contradicting_sources"] == ["a"]


def test_near_copy_does_not_count_as_an_independent_source(tmp_path):
    original = ("Ginger is a root used in cooking for centuries. Ginger relieves nausea in many people. "
                "Pregnant women often take ginger tea in the morning. The spice has a warm taste and "
                "a long history in traditional medicine across Asia and Europe.")
    near_copy = original.replace("in many people", "in most people").replace("warm taste", "spicy taste")
    independent = "Several trials found that ginger relieves nausea after surgery."
    store = _build(tmp_path, {"original": original, "copy": near_copy, "other": independent})
    _, _, agreed = _reason(store)
    claim = next(c for c in agreed if c["subject"]["label"] == "ginger" and c["object"]["label"] == "nausea")
    assert sorted(claim["sources"]) == ["copy", "original", "other"]
    assert claim["independent_sources"] == 2


def test_support_rises_with_sources_and_falls_with_hedging_and_opposition():
    assert support_score(3, 0) > support_score(2, 0) > support_score(1, 0)
    assert support_score(2, 0) > support_score(1, 1) > support_score(0, 2)
    assert support_score(2, 0) > support_score(2, 0, opposed_hedged=1) > support_score(2, 0, opposed_asserted=1)


def test_conflicts_about_an_entity(cli, cli_json, example_store):
    everything = cli_json("conflicts", "--store", example_store)
    some = everything[0]["sides"][0]["claims"][0]["subject"]["label"]
    about = cli_json("conflicts", "--store", example_store, "--about", some)
    assert about and all(
        any(some in (c["subject"]["label"], c["object"]["label"]) for s in x["sides"] for c in s["claims"]) for x in about)
    # A misspelt name is an error that suggests the near names, not an empty answer.
    unknown = cli("conflicts", "--store", example_store, "--about", "melatonine")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip().startswith(
        "claimgraph: error: no entity named 'melatonine' in the claims; did you mean: melatonin")  # nearest first
    iri = everything[0]["sides"][0]["claims"][0]["subject"]["id"]
    assert cli_json("conflicts", "--store", example_store, "--about", iri) == about


def test_agreements_min_sources(cli_json, example_store):
    two = cli_json("agreements", "--store", example_store, "--min-sources", "2")
    three = cli_json("agreements", "--store", example_store, "--min-sources", "3")
    assert all(c["independent_sources"] >= 3 for c in three)
    assert len(three) <= len(two)


def test_report_sets_sides_next_to_each_other(cli, cli_json, example_store, tmp_path):
    result = cli("report", "--store", example_store, "--output", tmp_path)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "report.html").read_text()
    markdown = (tmp_path / "report.md").read_text()
    for conflict in cli_json("conflicts", "--store", example_store):
        assert conflict["topic"] in markdown
        assert page.count("class='side'") >= 2
    assert "<script" not in page


# --- the seed corpus, scored by the shared scorer -------------------------------------------

def _score(tmp_path: Path, corpus: Path, gold: list[str]) -> str:
    store = tmp_path / "store"
    build([corpus], store)
    dataset = open_store(store)
    try:
        claims = all_claims(dataset)
        found = conflicts(dataset, claims=claims)
    finally:
        dataset.close()
    (tmp_path / "c.json").write_text(json.dumps(list(claims.values())))
    (tmp_path / "x.json").write_text(json.dumps(found))
    command = [sys.executable, str(SCORER), "--claims", str(tmp_path / "c.json"), "--conflicts", str(tmp_path / "x.json"), *gold]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[-1]


def _numbers(summary: str) -> dict[str, float]:
    fields = dict(part.split("=", 1) for part in summary.split() if "=" in part)
    got, want = fields["conflicts"].split("/")
    junk, total = fields["junk"].split("/")
    return {"recall": float(fields["recall"]), "conflicts": int(got) / int(want), "junk": int(junk) / max(int(total), 1)}


@needs_shared()
def test_seed_corpus_meets_the_extraction_and_conflict_bars(tmp_path):
    scores = _numbers(_score(tmp_path, SEEDS, []))
    assert scores["recall"] >= 0.85
    assert scores["junk"] <= 0.05
    assert scores["conflicts"] == 1.0


@needs_shared()
@pytest.mark.parametrize("folder, floor", [("eval", 0.6), ("eval2", 0.6), ("eval3", 0.45), ("eval4", 0.5), ("eval5", 0.45)])
def test_held_out_corpora_generalise(tmp_path, folder, floor):
    """Corpora written for this project on other topics; floors sit below today's scores (0.86, 0.79, 0.55, 0.64, 0.52)."""
    corpus = EVAL_CORPUS.parent / folder
    scores = _numbers(_score(tmp_path, corpus, ["--gold", str(corpus / "gold.json")]))
    assert scores["recall"] >= floor
    assert scores["junk"] <= 0.05


def test_denying_a_general_effect_conflicts_with_a_specific_one(tmp_path):
    store = _build(tmp_path, {"a": "For most people, caffeine does not affect sleep.",
                              "b": "In many adults, caffeine disrupts sleep."})
    _, found, _ = _reason(store)
    assert len(found) == 1 and found[0]["kind"] == "polarity"
    sides = {tuple(side["sources"]): side for side in found[0]["sides"]}
    assert _has(sides[("b",)], "disrupts", "sleep") and _has(sides[("a",)], "affects", "sleep", "negative")


def test_a_maximum_below_another_sources_minimum_is_a_value_conflict(tmp_path):
    store = _build(tmp_path, {"a": "Caffeine's effects last up to 6 hours.",
                              "b": "The effects of caffeine last more than 8 hours.",
                              "c": "The effects of caffeine last longer than 8 hours."})
    _, found, _ = _reason(store)
    values = [x for x in found if x["kind"] == "value"]
    assert len(values) == 1
    sides = sorted(sorted(side["sources"]) for side in values[0]["sides"])
    assert sides == [["a"], ["b", "c"]]


def test_three_incompatible_values_make_two_conflicts_of_two_sides(tmp_path):
    store = _build(tmp_path, {"a": "Chronic pain is defined as pain lasting more than 12 weeks.",
                              "b": "Chronic pain is defined as pain lasting longer than six months.",
                              "c": "Chronic pain is defined as pain lasting more than one year."})
    _, found, _ = _reason(store)
    values = sorted(sorted(sorted(side["sources"]) for side in x["sides"]) for x in found if x["kind"] == "value")
    assert values == [[["a"], ["b"]], [["b"], ["c"]]]


def test_entity_terms_list_the_words_the_articles_used(tmp_path):
    store = _build(tmp_path, {"a": "Melatonin does not cause dependence."})
    claims, _, _ = _reason(store)
    [claim] = [c for c in claims if c["predicate"]["label"] == "causes"]
    assert claim["object"]["label"] == "addiction"  # the lexicon folds dependence into addiction
    assert claim["object"]["aliases"] == ["dependence"]
    assert "aliases" not in claim["subject"]  # written exactly as its label
