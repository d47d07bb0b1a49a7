"""How far to trust one extracted claim: a logistic score in [0, 1] over what the parse and lexicon say.

A claim read off a short sentence by a plain verb frame, between two names the lexicon knows, is
usually right; one read off a 40-word sentence by a noun frame, with a one-word argument the
parser guessed and a direction of effect guessed from an unknown object, often is not. Each
such observation is a named feature; the confidence is ``sigmoid(bias + sum of their weights)``.

The weights are learned, never hand-set: ``python -m bench.fit_confidence`` fits an
L2-regularised logistic regression (scikit-learn) on the development corpus
(``tests/data/ie/dev``; the blind test corpus is never used) and writes them to
``ontology/confidence.json`` with its reliability diagram. Scoring at run time is one dot
product, so it needs no scikit-learn; that is why this part is written here.

>>> score(("pattern:verbal", "subject:known", "object:known")) > score(("pattern:nominal", "subject:one-word"))
True
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Span, Token

from ..resources import ontology_dir

WEIGHTS_FILE = "confidence.json"
LONG_SENTENCE_WORDS = 30
LONG_PHRASE_WORDS = 4


def parse_signals(sentence: Span, anchor: Token, subject: Token, obj: Token | None, fanout: int) -> tuple[str, ...]:
    """What the parse says about one frame: long sentence, embedded clause, arguments that are not nouns, fan-out."""
    signals = []
    if sum(1 for t in sentence if t.is_alpha) > LONG_SENTENCE_WORDS:
        signals.append("sentence:long")
    if any(t.dep_ in ("ccomp", "advcl", "relcl", "acl") for t in [anchor, *anchor.ancestors]):
        signals.append("clause:embedded")
    if subject.pos_ == "PRON":
        signals.append("subject:pronoun")
    elif subject.pos_ not in ("NOUN", "PROPN"):
        signals.append("subject:not-noun")
    if obj is not None and obj.pos_ not in ("NOUN", "PROPN", "PRON"):
        signals.append("object:not-noun")
    if anchor.i < subject.i:
        signals.append("subject:after-anchor")
    if fanout >= 3:
        signals.append("fanout:many")
    elif fanout == 2:
        signals.append("fanout:two")
    return tuple(signals)


def argument_features(role: str, known: bool, words: int) -> tuple[str, ...]:
    """Features of one argument: named by the lexicon, one bare word, or a long phrase."""
    if known:
        return (f"{role}:known",)
    if words <= 1:
        return (f"{role}:one-word",)
    return (f"{role}:long",) if words >= LONG_PHRASE_WORDS else ()


@lru_cache(maxsize=4)
def _weights(path: Path) -> dict[str, float]:
    if not path.exists():
        return {}
    return {str(name): float(weight) for name, weight in json.loads(path.read_text(encoding="utf-8"))["weights"].items()}


def default_min_confidence(directory: Path | None = None) -> float:
    """The read commands' default threshold: where development precision reaches the calibration target."""
    path = (directory or ontology_dir()) / WEIGHTS_FILE
    return float(json.loads(path.read_text(encoding="utf-8")).get("default_min_confidence", 0.0)) if path.exists() else 0.0


def weights(directory: Path | None = None) -> dict[str, float]:
    """The learned weights by feature name (``bias`` included); empty when none were fitted."""
    return _weights((directory or ontology_dir()) / WEIGHTS_FILE)


def score(features: tuple[str, ...] | list[str], directory: Path | None = None) -> float:
    """The claim's confidence in [0, 1], rounded to 3 places; 1.0 when no weights were fitted."""
    table = weights(directory)
    if not table:
        return 1.0
    total = table.get("bias", 0.0) + sum(table.get(name, 0.0) for name in features)
    return round(1.0 / (1.0 + math.exp(-total)), 3)
