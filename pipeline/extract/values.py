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

from ..ontology import Lexicon, label_key
from .mentions import Value
from .syntax import NOMINAL, clause_subject


@lru_cache(maxsize=4)
def _quantity_pattern(number_words: tuple[str, ...], unit_words: tuple[str, ...]) -> re.Pattern[str]:
    """Number (digits or a number word), optional range end, then a unit word."""
    number = r"(\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:[.,]\d+)?|" + "|".join(map(re.escape, number_words)) + ")"
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
        last_number = match.group(2) or match.group(1)
        if not last_number[0].isdigit() and match.start(3) == (match.end(2) if match.group(2) else match.end(1)):
            continue  # "and" is not "an" + "d"(ays): only digits are written against their unit
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
    """A number as written: "1,500" is fifteen hundred, "1,5" and "1.5" are one and a half.

    >>> from pipeline.ontology import load_lexicon
    >>> [_number(w, load_lexicon()) for w in ("1,500", "3,600", "1,5", "0.5", "two")]
    [1500.0, 3600.0, 1.5, 0.5, 2.0]
    """
    word = word.lower()
    word = word.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", word) else word.replace(",", ".")
    try:
        return float(word)
    except ValueError:
        return lexicon.number_words.get(word)


def _predicate_for(kind: str, lexicon: Lexicon) -> URIRef | None:
    for iri, info in lexicon.predicates.items():
        if info.value_kind == kind:
            return iri
    return None


def _bounded(trigger: URIRef, before: str, after: str, defining: bool, direct: bool, lexicon: Lexicon) -> URIRef | None:
    """"lasting over 12 weeks" is a minimum, "lasting up to 6 hours" a maximum: the cue picks the predicate.

    A trigger of a bounded predicate reads the bound cues of the predicates of its kind right before the value
    ("more than 12 weeks") or right after it ("three months or more"). With no cue, a value the trigger
    governs directly (``direct``: no other verb between them) reads as a minimum in a definition ("chronic
    pain is pain lasting 3 to 6 months") and a maximum otherwise ("symptoms last 3 to 5 days"); any other
    value ("lasts … and happens three nights a week") is not a duration of it. A trigger of an unbounded
    predicate ("half-life") needs no cue.
    """
    if trigger not in lexicon.bound_cues:
        return trigger
    kind = lexicon.predicates[trigger].value_kind
    same_kind = [iri for iri, info in lexicon.predicates.items() if info.value_kind == kind]
    for predicate in same_kind:
        if any(re.search(rf"\b{re.escape(cue)}\s*$", before) for cue in lexicon.bound_cues.get(predicate, ())):
            return predicate
        if any(re.match(rf"\s*{re.escape(cue)}\b", after) for cue in lexicon.bound_cues_after.get(predicate, ())):
            return predicate
    upper = next((iri for iri in same_kind if lexicon.predicates[iri].upper_bound_of is not None), None)
    if upper is None or not direct:
        return None
    return lexicon.predicates[upper].upper_bound_of if defining else upper


def _duration(token: Token, value: Value, text: str, start: int, lexicon: Lexicon) -> ValueFrame | None:
    """A duration on a lasting verb or a duration noun: "pain lasting longer than 12 weeks", "a half-life of 5 hours"."""
    before = text[max(0, start - 20) : start].lower()
    after = text[start + len(value.text) : start + len(value.text) + 20].lower()
    lasting = [child for child in token.children if child.dep_ == "amod"]  # "symptoms last/JJ 3 to 5 days" misparsed
    verb = next((a for a in [token, *token.ancestors, *lasting] if _trigger(a, lexicon) is not None
                 and lexicon.predicates[_trigger(a, lexicon)].value_kind == "duration"), None)
    if verb is None:
        return None
    definer = verb.head if verb.dep_ in ("advcl", "xcomp") else verb.head.head if verb.dep_ == "pcomp" and verb.head.lower_ == "as" else None
    if verb.pos_ == "VERB" and definer is not None and definer.lemma_.lower() in lexicon.cue("definitionVerb"):
        subject = _defined_by(definer)  # "which clinicians describe as worry lasting…", "which is defined as pain lasting…"
    elif verb in lasting and token.dep_ == "npadvmod" and token.head.pos_ in NOMINAL:
        subject = token.head
    elif verb.pos_ in ("VERB", "AUX", "ADJ"):  # the small model sometimes tags "last" as an adjective
        subject = clause_subject(verb)
    else:  # "defined as pain lasting…" with "lasting" parsed as a noun; "caffeine has a half-life of…"
        subject = _defined_term(verb, lexicon)
        if subject.i == verb.i:
            subject = next((c for c in verb.children if c.dep_ in ("npadvmod", "compound", "nsubj", "poss")), None)
        if subject is None and verb.dep_ in ("dobj", "attr") and verb.head.pos_ in ("VERB", "AUX"):
            subject = clause_subject(verb.head)
    if subject is None:
        return None
    defined = _defined_term(subject, lexicon)
    defining = defined.i != subject.i or (definer is not None and definer.lemma_.lower() in lexicon.cue("definitionVerb")) \
        or _is_definition(verb)
    direct = verb in lasting or next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")), verb) == verb
    predicate = _bounded(_trigger(verb, lexicon), before, after, defining, direct, lexicon)
    return ValueFrame(defined, predicate, value, verb) if predicate is not None else None


def _is_definition(verb: Token) -> bool:
    """"X is pain that lasts…": the lasting clause describes a copula's attribute, so it defines the subject."""
    return verb.dep_ in ("relcl", "acl") and verb.head.dep_ == "attr" and verb.head.head.lemma_ == "be"


def _trigger(token: Token, lexicon: Lexicon) -> URIRef | None:
    """The value predicate a verb or noun triggers ("lasting", "persists", "half-life", "dose")."""
    forms = (token.lemma_.lower(), token.lower_, token.lower_.removesuffix("ing"), label_key(_hyphen_word(token)))
    for form in forms:
        if form in lexicon.value_triggers:
            return lexicon.value_triggers[form]
    return None


def _hyphen_word(token: Token) -> str:
    """"half-life" is three tokens; its head "life" stands for the whole word."""
    doc = token.doc
    start = token.i
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_:
        start -= 2
    return doc[start : token.i + 1].text


def _defined_term(subject: Token, lexicon: Lexicon) -> Token:
    """"Chronic pain, defined as pain lasting…": the value belongs to the defined term, not to "pain".

    In the passive the term is the verb's subject; in the active ("which clinicians describe as worry
    lasting…") it is the verb's object, a relative pronoun standing for the noun its clause modifies.
    """
    definers = lexicon.cue("definitionVerb")
    token = subject
    for _ in range(3):
        preposition = token.head
        if token.dep_ != "pobj" or preposition.lower_ not in ("as", "by"):
            return token
        verb = preposition.head
        if verb.lemma_.lower() not in definers:
            return token
        defined = _defined_by(verb)
        if defined is None:
            return token
        token = defined
    return token


def _defined_by(verb: Token) -> Token | None:
    """The term a defining verb defines: its object when active, its subject when passive."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    defined = objects[0] if objects else clause_subject(verb)
    if defined is not None and defined.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        defined = verb.head
    return defined


def _dose(token: Token, value: Value, lexicon: Lexicon) -> ValueFrame | None:
    """"1-3 grams of dried kratom powder": the substance is the of-phrase of the unit, or of the dose word."""
    predicate = _predicate_for("dose", lexicon)
    if predicate is None:
        return None
    measured = _of_object(token)
    if measured is not None:
        return ValueFrame(measured, predicate, value, token)
    for trigger in _dose_triggers(token, lexicon, predicate):
        measured = _of_object(trigger)  # "a daily dose of ginkgo is 120 to 240 mg"
        if measured is not None and token not in measured.subtree:
            return ValueFrame(measured, predicate, value, token)
        measured = _dosed_by_verb(trigger)
        if measured is not None:
            return ValueFrame(measured, predicate, value, token)
    return None


def _dosed_by_verb(trigger: Token) -> Token | None:
    """"studies used an extract at a dose of 120 mg", "it is taken at doses of 3 mg": what the verb doses."""
    preposition = trigger.head
    if trigger.dep_ != "pobj" or preposition.lower_ not in ("at", "in") or preposition.head.pos_ not in ("VERB", "AUX"):
        return None
    verb = preposition.head
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    return objects[0] if objects else clause_subject(verb)


def _of_object(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _dose_triggers(token: Token, lexicon: Lexicon, predicate: URIRef) -> list[Token]:
    """Dose words governing the amount ("take 3 mg", "at a dose of 3 mg") or naming it ("the dose is 3 mg")."""
    near = [*token.ancestors][:4]
    if token.dep_ in ("attr", "acomp") and token.head.lemma_ == "be":
        near += [c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return [t for t in near if predicate in (lexicon.value_triggers.get(t.lemma_.lower()), lexicon.value_triggers.get(t.lower_))]
