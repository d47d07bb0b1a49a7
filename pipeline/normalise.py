"""Normalisation: claim mentions (phrases as written) → claims over IRIs.

Entities come from the lexicon when a phrase names one; any other phrase is
minted as an entity by its folded, lemmatised head phrase, so "opioid
receptors" and "the opioid receptor" meet. A claim's IRI is a hash of its
subject, predicate and object: the same claim made in five articles is one
claim with five pieces of evidence.

>>> from pipeline.extract.mentions import Phrase
>>> entity_term(Phrase("Chronic Sleep Debts", "chronic sleep debts", "chronic sleep debt"), load_lexicon()).iri
rdflib.term.URIRef('https://claimgraph.org/entity/chronic_sleep_debt')
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rdflib import XSD, Literal, URIRef

from .extract.confidence import argument_features, score
from .extract.mentions import ClaimMention, Phrase, Value
from .ontology import CG, ENT, Lexicon, load_lexicon

CLAIM_NS = "https://claimgraph.org/claim/"


@dataclass(frozen=True)
class EntityTerm:
    iri: URIRef
    label: str
    classes: frozenset[URIRef]
    broader: URIRef | None = None


@dataclass(frozen=True)
class ValueTerm:
    """A normalised value: a typed literal plus its numeric range and the text it came from."""

    literal: Literal
    low: float
    high: float
    unit: str
    label: str


@dataclass(frozen=True)
class Claim:
    iri: URIRef
    subject: EntityTerm
    predicate: URIRef
    object: EntityTerm | ValueTerm


@dataclass(frozen=True)
class Evidence:
    """One article's statement of a claim (or its denial)."""

    claim: Claim
    positive: bool
    hedged: bool
    sentence: str
    start: int
    end: int
    subject_text: str
    object_text: str
    conditions: tuple[str, ...] = ()
    pattern: str = ""
    confidence: float = 1.0
    features: tuple[str, ...] = ()


_PLAIN_LABEL = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


def slug(text: str) -> str:
    """An IRI-safe local name, a different one for every different ``text``.

    A label of plain words (``a-z``, ``0-9``, single spaces) maps to its words joined by ``_``,
    which can be read back. Any other label loses characters on the way, so its name also
    carries a hash of the whole label after ``__`` (which plain names never contain):

    >>> slug("mu opioid receptor")
    'mu_opioid_receptor'
    >>> slug("α blocker"), slug("β blocker")
    ('blocker__0bc36b9f72', 'blocker__289135af4d')
    """
    if _PLAIN_LABEL.fullmatch(text):
        return text.replace(" ", "_")
    base = re.sub(r"[^a-z0-9]+", "_", text.lower().replace("'", "")).strip("_") or "entity"
    return f"{base}__{hashlib.sha256(text.encode('utf-8', errors='replace')).hexdigest()[:10]}"


def entity_term(phrase: Phrase, lexicon: Lexicon) -> EntityTerm:
    """The entity a phrase names: its lexicon entry, else one minted from its lemma phrase."""
    entity = phrase.entity or lexicon.entity_for(phrase.key) or lexicon.entity_for(phrase.lemma_key)
    if entity is not None:
        info = lexicon.entities[entity]
        return EntityTerm(entity, info.label, info.classes)
    label = re.sub(r"^(the|a|an)\s+", "", phrase.lemma_key)
    return EntityTerm(ENT[slug(label)], label, frozenset({CG.Entity}), phrase.broader)


def value_term(value: Value) -> ValueTerm:
    """A duration becomes ``"P84D"^^xsd:duration`` (or a ``cg:DurationRange``); a dose, milligrams."""
    low, high = _tidy(value.low), _tidy(value.high)
    if value.kind == "duration":
        if value.low == value.high:
            literal = Literal(iso_duration(value.low), datatype=XSD.duration)
        else:
            literal = Literal(f"{iso_duration(value.low)}/{iso_duration(value.high)}", datatype=CG.DurationRange)
    elif low == high:
        literal = Literal(low, datatype=CG.Mass)
    else:
        literal = Literal(f"{low}/{high}", datatype=CG.MassRange)
    return ValueTerm(literal, value.low, value.high, value.unit, value.text)


def iso_duration(days: float) -> str:
    """An ISO 8601 duration in whole days, or hours and minutes below a day.

    >>> iso_duration(84), iso_duration(91.3125), iso_duration(5 / 24), iso_duration(0.0625)
    ('P84D', 'P91D', 'PT5H', 'PT1H30M')
    """
    if days >= 1:
        return f"P{round(days)}D"
    minutes = round(days * 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or not hours else "")


def _tidy(number: float) -> str:
    return f"{number:g}"


def claim_iri(subject: URIRef, predicate: URIRef, obj: URIRef | Literal) -> URIRef:
    """The claim's IRI: a hash of its three parts, so equal claims share one node."""
    key = "\x1f".join((str(subject), str(predicate), obj.n3() if isinstance(obj, Literal) else str(obj)))
    return URIRef(CLAIM_NS + hashlib.sha256(key.encode()).hexdigest()[:20])


def claim_features(mention: ClaimMention, claim: Claim, lexicon: Lexicon) -> tuple[str, ...]:
    """The confidence model's features of one mention (``pipeline.extract.confidence``)."""
    info = lexicon.predicates[claim.predicate]
    features = [f"pattern:{mention.pattern or 'unknown'}", f"predicate:{info.label}", *mention.signals,
                *(("negated",) if mention.negated else ()), *(("hedged",) if mention.hedged else ())]
    features += argument_features("subject", claim.subject.iri in lexicon.entities, len(mention.subject.text.split()))
    if isinstance(claim.object, EntityTerm):
        known = claim.object.iri in lexicon.entities or claim.object.broader is not None
        features += argument_features("object", known, len(mention.object.text.split()))
        if info.effect != 0 and not known:
            features.append("direction:guessed")  # "reduces X": treats or disrupts depends on what X is
    return tuple(features)


def normalise(mentions: list[ClaimMention], lexicon: Lexicon | None = None) -> list[Evidence]:
    """Turn one article's claim mentions into evidence for canonical claims."""
    lexicon = lexicon or load_lexicon()
    evidence: dict[tuple, Evidence] = {}
    for mention in mentions:
        subject = entity_term(mention.subject, lexicon)
        if isinstance(mention.object, Value):
            obj: EntityTerm | ValueTerm = value_term(mention.object)
            object_node = obj.literal
            object_text = mention.object.text
        else:
            obj = entity_term(mention.object, lexicon)
            if obj.iri == subject.iri:
                continue
            object_node = obj.iri
            object_text = mention.object.text
        kind = (obj.broader or obj.iri) if isinstance(obj, EntityTerm) else None  # "joint pain" is a kind of pain
        written = mention.object.text.split() if isinstance(obj, EntityTerm) else []
        head = written[-1].lower() if written else ""  # as written: "chronic obstructive pulmonary disease (COPD)"
        predicate = lexicon.fitted(mention.predicate, kind, head) if kind is not None else mention.predicate
        claim = Claim(claim_iri(subject.iri, predicate, object_node), subject, predicate, obj)
        features = claim_features(mention, claim, lexicon)
        item = Evidence(
            claim=claim,
            positive=not mention.negated,
            hedged=mention.hedged or (lexicon.predicates[predicate].always_hedged and not mention.negated),
            # "was not associated with" is a finding; "was associated with" an observation
            sentence=mention.sentence,
            start=mention.start,
            end=mention.end,
            subject_text=mention.subject.text,
            object_text=object_text,
            conditions=mention.conditions,
            pattern=mention.pattern,
            confidence=score(features),
            features=features,
        )
        key = (claim.iri, item.positive, item.start)
        kept = evidence.get(key)
        if kept is None or (kept.hedged and not item.hedged):
            evidence[key] = item
    return list(evidence.values())
