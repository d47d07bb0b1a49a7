"""Score extracted claims against exhaustively annotated sentences: precision, recall and F1.

Gold is JSON Lines, one record per annotated sentence (``docs/gold-format.md``).
Predictions are the claims of the JSON contract; each piece of evidence is one
prediction, placed on the gold sentence its character span overlaps most.
A prediction on an annotated sentence that matches no gold claim is a false
positive; predictions on sentences nobody annotated (headings, page noise)
are not scored.

Why hand-written: ``spacy evaluate`` and seqeval score token labels, not
relation triples with entity-name variants, inverse predicates and a
sub-property hierarchy; the matching below is the part that is ours.

>>> lexicon = load_lexicon()
>>> gold = parse_gold_record({"source": "a", "sentence": "Lead impairs memory.", "claims": [
...     {"subject": "lead", "predicate": "disrupts", "object": "memory",
...      "polarity": "positive", "modality": "asserted"}]}, lexicon, "doc")
>>> found = Prediction("a", 0, 20, frozenset({"lead"}), CG.disrupts, frozenset({"memory"}), False, False, "")
>>> score([gold], {"a": "Lead impairs memory."}, [found], lexicon).overall["strict"].f1
1.0
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from rdflib import RDFS, URIRef

from .ontology import CG, Lexicon, load_lexicon

GOLD_GLOB = "*.jsonl"
RULES = ("strict", "relaxed")
_LEADING_WORDS = frozenset({"the", "a", "an", "its", "their", "this", "these", "those", "that", "some", "certain"})
_WORD = re.compile(r"[a-z0-9µμ]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


class GoldError(ValueError):
    """A gold file is malformed: says which file and line, and what is wrong."""


@dataclass(frozen=True)
class GoldClaim:
    """One claim a careful reader records from one sentence."""

    subject: tuple[str, ...]
    predicate: URIRef
    object: tuple[str, ...]
    negated: bool
    hedged: bool
    is_value: bool = False
    optional: bool = False
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GoldSentence:
    """One annotated sentence with every claim it makes (possibly none)."""

    source: str
    sentence: str
    claims: tuple[GoldClaim, ...]
    domain: str = ""
    corpus: str = ""


@dataclass(frozen=True)
class Prediction:
    """One piece of evidence for one extracted claim."""

    source: str
    start: int
    end: int
    subject: frozenset[str]
    predicate: URIRef
    object: frozenset[str]
    negated: bool
    hedged: bool
    sentence: str
    is_value: bool = False
    pattern: str = ""
    confidence: float = 1.0
    features: tuple[str, ...] = ()  # the confidence model's features, when extracted in-process


@dataclass
class Counts:
    """True positives on both sides, and the numbers they are divided by."""

    matched_predictions: int = 0
    predictions: int = 0
    matched_gold: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.matched_predictions / self.predictions if self.predictions else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp_predictions": self.matched_predictions, "predictions": self.predictions,
                "tp_gold": self.matched_gold, "gold": self.gold}


@dataclass
class Evaluation:
    """Counts per rule, overall and broken down; the errors of the strict rule."""

    overall: dict[str, Counts] = field(default_factory=lambda: {rule: Counts() for rule in RULES})
    by: dict[str, dict[str, dict[str, Counts]]] = field(default_factory=dict)
    false_positives: list[dict] = field(default_factory=list)
    false_negatives: list[dict] = field(default_factory=list)
    sentences: int = 0
    unplaced_gold: list[str] = field(default_factory=list)
    outside: int = 0
    judged: dict[str, list[tuple[Prediction, bool]]] = field(default_factory=lambda: {rule: [] for rule in RULES})

    def counts(self, breakdown: str, key: str, rule: str) -> Counts:
        table = self.by.setdefault(breakdown, {}).setdefault(key, {r: Counts() for r in RULES})
        return table[rule]

    def to_json(self) -> dict:
        return {
            "sentences": self.sentences,
            "overall": {rule: c.to_json() for rule, c in self.overall.items()},
            **{breakdown: {key: {rule: c.to_json() for rule, c in rules.items()} for key, rules in sorted(table.items())}
               for breakdown, table in sorted(self.by.items())},
            "predictions_outside_annotated_sentences": self.outside,
            "unplaced_gold_sentences": self.unplaced_gold,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


def gold_files(paths: Iterable[Path]) -> list[Path]:
    """The gold files named, or found under the folders named (``*.jsonl``, recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.rglob(GOLD_GLOB)))
        elif path.is_file():
            found.append(path)
        else:
            raise GoldError(f"{path}: no such gold file or folder")
    if not found:
        raise GoldError(f"no gold files ({GOLD_GLOB}) under {', '.join(map(str, paths))}")
    return found


def load_gold(paths: Iterable[Path], lexicon: Lexicon) -> list[GoldSentence]:
    """Every annotated sentence of the gold files; a malformed line raises :class:`GoldError`."""
    sentences: list[GoldSentence] = []
    for path in gold_files(paths):
        corpus = path.parent.name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                sentences.append(parse_gold_record(json.loads(line), lexicon, corpus))
            except (json.JSONDecodeError, GoldError, KeyError, TypeError) as error:
                raise GoldError(f"{path}:{number}: {error}") from None
    return sentences


def parse_gold_record(record: Mapping, lexicon: Lexicon, corpus: str = "") -> GoldSentence:
    """One gold JSON record as a :class:`GoldSentence`, predicates turned to their stored direction."""
    by_label = {info.label: iri for iri, info in lexicon.predicates.items()}
    claims = []
    for claim in record["claims"]:
        label = claim["predicate"]
        if label not in by_label:
            raise GoldError(f"unknown predicate {label!r} (known: {', '.join(sorted(by_label))})")
        predicate, swap = lexicon.canonical(by_label[label])
        subject, obj = _spellings(claim["subject"]), _spellings(claim["object"])
        if swap:
            subject, obj = obj, subject
        polarity, modality = claim.get("polarity", "positive"), claim.get("modality", "asserted")
        if polarity not in ("positive", "negative") or modality not in ("asserted", "hedged"):
            raise GoldError(f"polarity must be positive|negative and modality asserted|hedged, not {polarity}/{modality}")
        claims.append(GoldClaim(subject, predicate, obj, polarity == "negative", modality == "hedged",
                                is_value=lexicon.predicates[predicate].value_kind is not None,
                                optional=bool(claim.get("optional", False)), tags=frozenset(claim.get("tags", ()))))
    return GoldSentence(str(record["source"]), str(record["sentence"]), tuple(claims), str(record.get("domain", "")), corpus)


def _spellings(value: str | Sequence[str]) -> tuple[str, ...]:
    spellings = (value,) if isinstance(value, str) else tuple(value)
    if not spellings or not all(isinstance(s, str) and s.strip() for s in spellings):
        raise GoldError(f"an argument must be a non-empty name or list of names, not {value!r}")
    return spellings


def predictions_from_claims(claims: Iterable[Mapping]) -> list[Prediction]:
    """One :class:`Prediction` per piece of evidence of the claims of the JSON contract."""
    found = []
    for claim in claims:
        subject, obj = _names(claim["subject"]), _names(claim["object"])
        is_value = "value" in claim["object"]
        for evidence in claim["evidence"]:
            found.append(Prediction(
                str(evidence["source"]), int(evidence["start"]), int(evidence["end"]), subject,
                URIRef(claim["predicate"]["id"]), obj, evidence["polarity"] == "negative",
                evidence["modality"] == "hedged", str(evidence["sentence"]), is_value,
                str(evidence.get("pattern", "")), float(evidence.get("confidence", claim.get("confidence", 1.0)))))
    return found


def _names(term: Mapping) -> frozenset[str]:
    return frozenset(n for n in (term.get("label"), *term.get("aliases", ())) if n)


def name_key(name: str) -> tuple[str, ...]:
    """A name's words, lower-cased, a leading article dropped and a final plural folded.

    >>> name_key("The Opioid Receptors"), name_key("PM2.5")
    (('opioid', 'receptor'), ('pm2', '5'))
    """
    words = _WORD.findall(name.lower().replace("\u2019", "'"))
    while len(words) > 1 and words[0] in _LEADING_WORDS:
        words = words[1:]
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words = [*words[:-1], words[-1][:-1]]
    return tuple(words)


def names_match(predicted: Iterable[str], gold: Iterable[str], relaxed: bool) -> bool:
    """Strict: one spelling equals another. Relaxed: same head word, and one name's words hold the other's.

    >>> names_match({"fine particulate matter"}, ["particulate matter"], relaxed=True)
    True
    >>> names_match({"fine particulate matter"}, ["particulate matter"], relaxed=False)
    False
    """
    gold_keys = {name_key(g) for g in gold}
    for p in predicted:
        key = name_key(p)
        if key in gold_keys:
            return True
        if relaxed and key and any(g and g[-1] == key[-1] and (set(g) <= set(key) or set(key) <= set(g)) for g in gold_keys):
            return True
    return False


def values_match(predicted: Iterable[str], gold: Iterable[str], relaxed: bool) -> bool:
    """Strict: the value texts agree word for word; relaxed: they give the same numbers."""
    if names_match(predicted, gold, relaxed=False):
        return True
    if not relaxed:
        return False
    numbers = {tuple(_NUMBER.findall(g.replace(",", ""))) for g in gold} - {()}
    return any(tuple(_NUMBER.findall(p.replace(",", ""))) in numbers for p in predicted)


def _covers(lexicon: Lexicon) -> dict[URIRef, frozenset[URIRef]]:
    """Each predicate with the predicates it covers in the relaxed rule: itself and its sub-properties."""
    covers: dict[URIRef, set[URIRef]] = {iri: {iri} for iri in lexicon.predicates}
    for sub, _, sup in lexicon.graph.triples((None, RDFS.subPropertyOf, None)):
        if sup in covers and sub in covers:
            covers[sup].add(sub)
    return {iri: frozenset(c) for iri, c in covers.items()}


def claim_matches(p: Prediction, g: GoldClaim, rule: str, covers: Mapping[URIRef, frozenset[URIRef]]) -> bool:
    """Whether a prediction is this gold claim under ``rule`` (see docs/gold-format.md)."""
    if p.negated != g.negated or p.is_value != g.is_value:
        return False
    relaxed = rule == "relaxed"
    if relaxed:
        if g.predicate not in covers.get(p.predicate, ()) and p.predicate not in covers.get(g.predicate, ()):
            return False
    elif p.predicate != g.predicate or p.hedged != g.hedged:
        return False
    match_object = values_match if g.is_value else names_match
    return names_match(p.subject, g.subject, relaxed) and match_object(p.object, g.object, relaxed)


def place_gold(gold: Sequence[GoldSentence], texts: Mapping[str, str]) -> dict[int, tuple[int, int]]:
    """The character span of each gold sentence (by index) in its article's text.

    Found in order through each article, so a sentence written twice is placed twice;
    white space may differ between gold and article.
    """
    spans: dict[int, tuple[int, int]] = {}
    cursor: dict[str, int] = defaultdict(int)
    for index, sentence in enumerate(gold):
        text = texts.get(sentence.source)
        if text is None:
            continue
        pattern = re.compile(r"\s+".join(map(re.escape, sentence.sentence.split())))
        found = pattern.search(text, cursor[sentence.source]) or pattern.search(text)
        if found:
            spans[index] = found.span()
            cursor[sentence.source] = found.end()
    return spans


def score(gold: Sequence[GoldSentence], texts: Mapping[str, str], predictions: Iterable[Prediction],
          lexicon: Lexicon) -> Evaluation:
    """Precision, recall and F1 of ``predictions`` against ``gold``, strict and relaxed."""
    evaluation = Evaluation(sentences=len(gold))
    spans = place_gold(gold, texts)
    evaluation.unplaced_gold = [f"{g.source}: {g.sentence[:80]}" for i, g in enumerate(gold) if i not in spans]
    by_source: dict[str, list[int]] = defaultdict(list)
    for index, (start, end) in spans.items():
        by_source[gold[index].source].append(index)
    placed: dict[int, list[Prediction]] = defaultdict(list)
    for p in predictions:
        overlaps = [(min(p.end, spans[i][1]) - max(p.start, spans[i][0]), i) for i in by_source.get(p.source, ())]
        best = max(overlaps, default=(0, -1))
        if best[0] > 0:
            placed[best[1]].append(p)
        else:
            evaluation.outside += 1
    covers = _covers(lexicon)
    for index in spans:
        _score_sentence(gold[index], sorted(placed[index], key=_prediction_order), covers, evaluation)
    return evaluation


def _prediction_order(p: Prediction) -> tuple:
    return (str(p.predicate), sorted(p.subject), sorted(p.object), p.negated, p.hedged)


def _score_sentence(sentence: GoldSentence, predictions: list[Prediction],
                    covers: Mapping[URIRef, frozenset[URIRef]], evaluation: Evaluation) -> None:
    for rule in RULES:
        matched: dict[int, int] = {}  # gold index -> prediction index
        order = sorted(range(len(sentence.claims)), key=lambda i: sentence.claims[i].optional)
        for pi, p in enumerate(predictions):
            for gi in order:
                if gi not in matched and claim_matches(p, sentence.claims[gi], rule, covers):
                    matched[gi] = pi
                    break
        matched_predictions = set(matched.values())
        keys = _breakdown_keys(sentence)
        for gi, g in enumerate(sentence.claims):
            if g.optional and gi not in matched:
                continue
            for breakdown, key in [*keys, ("predicate", _local(g.predicate)), *(("tag", t) for t in sorted(g.tags))]:
                for counts in (evaluation.counts(breakdown, key, rule), *([evaluation.overall[rule]] if breakdown == "domain" else [])):
                    counts.gold += 1
                    counts.matched_gold += gi in matched
            if rule == "strict" and gi not in matched:
                evaluation.false_negatives.append(_described(sentence, g))
        for pi, p in enumerate(predictions):
            for breakdown, key in [*keys, ("predicate", _local(p.predicate)), *([("pattern", p.pattern)] if p.pattern else [])]:
                for counts in (evaluation.counts(breakdown, key, rule), *([evaluation.overall[rule]] if breakdown == "domain" else [])):
                    counts.predictions += 1
                    counts.matched_predictions += pi in matched_predictions
            evaluation.judged[rule].append((p, pi in matched_predictions))
            if rule == "strict" and pi not in matched_predictions:
                evaluation.false_positives.append(_described(sentence, p))


def _breakdown_keys(sentence: GoldSentence) -> list[tuple[str, str]]:
    return [("domain", sentence.domain or sentence.corpus), ("corpus", sentence.corpus)]


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _described(sentence: GoldSentence, claim: GoldClaim | Prediction) -> dict:
    def first(names: Iterable[str]) -> str:
        return sorted(names)[0] if isinstance(names, frozenset) else next(iter(names))

    described = {"source": sentence.source, "sentence": sentence.sentence, "subject": first(claim.subject),
                 "predicate": _local(claim.predicate), "object": first(claim.object),
                 "polarity": "negative" if claim.negated else "positive",
                 "modality": "hedged" if claim.hedged else "asserted"}
    if isinstance(claim, Prediction) and claim.pattern:
        described["pattern"] = claim.pattern
    if isinstance(claim, GoldClaim) and claim.tags:
        described["tags"] = sorted(claim.tags)
    return described


__all__ = ["GoldError", "GoldClaim", "GoldSentence", "Prediction", "Counts", "Evaluation", "gold_files", "load_gold",
           "parse_gold_record", "predictions_from_claims", "name_key", "names_match", "claim_matches", "place_gold", "score"]
