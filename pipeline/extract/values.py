"""Measured values: durations ("longer than 12 weeks", "three to six months") and doses ("1-3 grams").

A value is normalised to the unit its ontology unit declares (days,
milligrams); ranges keep both ends. The value's subject is found on the
parse: the thing that lasts ("chronic pain, persisting over 12 weeks"),
looking through definitions ("chronic pain, defined as pain lasting…"), or
the substance measured ("1-3 grams of kratom powder").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from rdflib import URIRef
from spacy.tokens import Span, Token

from ..ontology import Lexicon
from .mentions import Value
from .syntax import clause_subject


@lru_cache(maxsize=4)
def _quantity_pattern(number_words: tuple[str, ...], unit_words: tuple[str, ...]) -> re.Pattern[str]:
    """Number (digits or a number word), optional range end, then a unit word."""
    number = r"(\d+(?:[.,]\d+)?|" + "|".join(map(re.escape, number_words)) + ")"
    unit = "(" + "|".join(map(re.escape, sorted(unit_words, key=len, reverse=True))) + ")"
    return re.compile(rf"\b{number}(?:\s*(?:-|–|—|to|or)\s*{number})?[\s-]*{unit}\b", re.IGNORECASE)


@dataclass(frozen=True)
class ValueFrame:
    subject: Token
    predicate: URIRef
    value: Value
    anchor: Token


def find_values(sentence: Span, lexicon: Lexicon) -> Iterator[ValueFrame]:
    """Every duration or dose in the sentence whose subject the parse makes clear."""
    text = sentence.text
    pattern = _quantity_pattern(tuple(sorted(lexicon.number_words)), tuple(sorted(lexicon.units)))
    for match in pattern.finditer(text):
        unit_word = match.group(3).lower()
        low = _number(match.group(1), lexicon)
        high = _number(match.group(2), lexicon) if match.group(2) else low
        if low is None or high is None or high < low:
            continue
        unit, factor = lexicon.units[unit_word]
        unit_token = sentence.char_span(match.start(3), match.end(3), alignment_mode="expand")
        if unit_token is None:
            continue
        token = unit_token.root
        value = Value(
            kind="duration" if unit == "day" else "dose",
            low=round(low * factor, 3),
            high=round(high * factor, 3),
            unit=unit,
            text=match.group(0).strip(),
        )
        found = _duration(token, value, text, match.start(), lexicon) if value.kind == "duration" else _dose(token, value, lexicon)
        if found is not None:
            yield found


def _number(word: str, lexicon: Lexicon) -> float | None:
    word = word.lower().replace(",", ".")
    try:
        return float(word)
    except ValueError:
        return lexicon.number_words.get(word)


def _predicate_for(kind: str, lexicon: Lexicon) -> URIRef | None:
    for iri, info in lexicon.predicates.items():
        if info.value_kind == kind:
            return iri
    return None


def _duration(token: Token, value: Value, text: str, start: int, lexicon: Lexicon) -> ValueFrame | None:
    """A bounded duration on a lasting verb: "pain lasting longer than 12 weeks"."""
    predicate = _predicate_for("duration", lexicon)
    before = text[max(0, start - 20) : start].lower()
    if predicate is None or not any(re.search(rf"\b{re.escape(cue)}\s*$", before) for cue in lexicon.bound_cues):
        return None
    verb = next((a for a in [token, *token.ancestors] if _trigger(a, lexicon) == predicate), None)
    if verb is None:
        return None
    if verb.pos_ == "VERB":
        subject = clause_subject(verb)
    else:  # "defined as pain lasting…" with "lasting" parsed as a noun
        subject = _defined_term(verb, lexicon)
        if subject.i == verb.i:
            subject = next((c for c in verb.children if c.dep_ in ("npadvmod", "compound", "nsubj")), None)
    if subject is None:
        return None
    return ValueFrame(_defined_term(subject, lexicon), predicate, value, verb)


def _trigger(token: Token, lexicon: Lexicon) -> URIRef | None:
    """The value predicate a verb or noun triggers ("lasting", "persists", "dose")."""
    for form in (token.lemma_.lower(), token.lower_, token.lower_.removesuffix("ing")):
        if form in lexicon.value_triggers:
            return lexicon.value_triggers[form]
    return None


def _defined_term(subject: Token, lexicon: Lexicon) -> Token:
    """"Chronic pain, defined as pain lasting…": the value belongs to the defined term, not to "pain"."""
    definers = lexicon.cue("definitionVerb")
    token = subject
    for _ in range(3):
        preposition = token.head
        if token.dep_ != "pobj" or preposition.lower_ not in ("as", "by"):
            return token
        verb = preposition.head
        if verb.lemma_.lower() not in definers:
            return token
        defined = clause_subject(verb)
        if defined is None:
            return token
        token = defined
    return token


def _dose(token: Token, value: Value, lexicon: Lexicon) -> ValueFrame | None:
    """"1-3 grams of dried kratom powder": the substance is the of-phrase of the unit."""
    predicate = _predicate_for("dose", lexicon)
    if predicate is None:
        return None
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return ValueFrame(pobj, predicate, value, token)
    return None
