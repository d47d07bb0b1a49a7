"""Plain data the extractor produces: phrases, values and claim mentions.

A :class:`ClaimMention` is one sentence's statement before normalisation:
its arguments are still :class:`Phrase` objects (text as written plus
lookup keys), not IRIs. :mod:`pipeline.normalise` turns them into claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef


@dataclass(frozen=True)
class Phrase:
    """A noun phrase naming an entity.

    ``key`` is the folded phrase as written ("opioid receptors"), ``lemma_key``
    the same with the head lemmatised ("opioid receptor"); ``entity`` is set
    when the extractor already knows the lexicon entity (resolved anaphora);
    ``broader`` names the known entity an unknown phrase narrows ("knee pain" → pain).
    """

    text: str
    key: str
    lemma_key: str
    entity: URIRef | None = None
    broader: URIRef | None = None


@dataclass(frozen=True)
class Value:
    """A measured value normalised to one unit (days or milligrams), with the original text."""

    kind: str
    low: float
    high: float
    unit: str
    text: str


@dataclass(frozen=True)
class ClaimMention:
    """One statement as one sentence of one article makes it."""

    subject: Phrase
    predicate: URIRef
    object: Phrase | Value
    negated: bool
    hedged: bool
    sentence: str
    start: int
    end: int
    conditions: tuple[str, ...] = ()
    pattern: str = ""  # the construction that found it ("verbal", "nominal", "value", …)
    signals: tuple[str, ...] = ()  # what the parse says about its reliability (see confidence.py)
