"""`claimgraph evaluate`: scoring rules on constructed predictions, and the command on real extraction."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.evaluate import Prediction, load_gold, parse_gold_record, score
from pipeline.ontology import CG

SAMPLE = Path(__file__).parent / "data" / "ie" / "sample"
DEV = Path(__file__).parent / "data" / "ie" / "dev"


def _gold(lexicon, claims, sentence="Lead impairs memory."):
    return parse_gold_record({"source": "a", "domain": "d", "sentence": sentence, "claims": claims}, lexicon)


def _prediction(predicate=CG.disrupts, subject="lead", obj="memory", negated=False, hedged=False):
    return Prediction("a", 0, 20, frozenset({subject}), predicate, frozenset({obj}), negated, hedged, "")


LEAD = {"subject": "lead", "predicate": "disrupts", "object": "memory", "polarity": "positive", "modality": "asserted"}


def test_a_wrong_claim_on_an_annotated_sentence_is_a_false_positive(lexicon):
    evaluation = score([_gold(lexicon, [LEAD])], {"a": "Lead impairs memory."},
                       [_prediction(), _prediction(predicate=CG.improves)], lexicon)
    strict = evaluation.overall["strict"]
    assert (strict.matched_predictions, strict.predictions, strict.matched_gold, strict.gold) == (1, 2, 1, 1)
    assert [fp["predicate"] for fp in evaluation.false_positives] == ["improves"]


def test_a_sentence_annotated_as_claimless_counts_every_prediction_as_wrong(lexicon):
    evaluation = score([_gold(lexicon, [])], {"a": "Lead impairs memory."}, [_prediction()], lexicon)
    assert evaluation.overall["strict"].predictions == 1 and evaluation.overall["strict"].precision == 0.0


def test_polarity_always_counts_and_relaxed_forgives_modality_and_a_broader_predicate(lexicon):
    gold = [_gold(lexicon, [LEAD])]
    texts = {"a": "Lead impairs memory."}
    assert score(gold, texts, [_prediction(negated=True)], lexicon).overall["relaxed"].matched_gold == 0
    relaxed = score(gold, texts, [_prediction(predicate=CG.affects, hedged=True)], lexicon).overall
    assert relaxed["relaxed"].matched_gold == 1 and relaxed["strict"].matched_gold == 0


def test_an_inverse_gold_predicate_is_scored_in_the_stored_direction(lexicon):
    gold = [_gold(lexicon, [{"subject": "memory loss", "predicate": "caused by", "object": "lead"}])]
    found = _prediction(predicate=CG.causes, subject="lead", obj="memory loss")
    assert score(gold, {"a": "Lead impairs memory."}, [found], lexicon).overall["strict"].f1 == 1.0


def test_predictions_outside_annotated_sentences_are_not_scored(lexicon):
    elsewhere = Prediction("a", 30, 40, frozenset({"x"}), CG.causes, frozenset({"y"}), False, False, "")
    evaluation = score([_gold(lexicon, [LEAD])], {"a": "Lead impairs memory. Heading line"}, [elsewhere], lexicon)
    assert evaluation.outside == 1 and evaluation.overall["strict"].predictions == 0


def test_the_command_scores_real_extraction_and_lists_errors(cli):
    result = cli("evaluate", SAMPLE, "--format", "json", "--errors")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    strict = data["overall"]["strict"]
    assert strict["gold"] == 3 and strict["predictions"] > 0
    assert strict["tp_gold"] + len(data["false_negatives"]) == strict["gold"]
    assert strict["tp_predictions"] + len(data["false_positives"]) == strict["predictions"]
    assert "lead" in data["domain"]


def test_a_malformed_gold_line_fails_in_one_line(cli, tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"source": "a", "sentence": "x", "claims": [{"subject": "a", "predicate": "cures", "object": "b"}]}\n')
    result = cli("evaluate", bad)
    assert result.exit_code == 2
    assert "gold.jsonl:1: unknown predicate 'cures'" in result.output
    assert "Traceback" not in result.output


def test_the_shipped_dev_gold_parses_and_every_sentence_is_in_its_article(lexicon):
    from pipeline.evaluate import place_gold
    from pipeline.ingest import read_articles

    gold = load_gold([DEV], lexicon)
    texts = {a.id: a.text for a in read_articles([DEV]).articles}
    assert len(gold) > 100
    assert len(place_gold(gold, texts)) == len(gold)
