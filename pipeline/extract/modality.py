"""Negation, hedging and conditions of a claim, read off the dependency parse.

Each function takes the claim's anchor token (its verb, or the noun or
adjective that carries the predicate) and looks at the anchor, the chain of
verbs it hangs from ("does not help reduce", "is believed to interact") and
the clause around it.
"""

from __future__ import annotations

from spacy.tokens import Token

from ..ontology import Lexicon

CHAIN_DEPS = frozenset({"xcomp", "conj", "advcl", "pcomp", "acl", "relcl"})
NEGATING_PREPOSITIONS = frozenset({"without", "contrary", "unlike", "instead", "rather"})


def verb_chain(anchor: Token) -> list[Token]:
    """The anchor and the verbs it depends on through control, coordination and participles."""
    chain = [anchor]
    token = anchor
    while token.dep_ in CHAIN_DEPS and token.head.i != token.i and len(chain) < 6:
        token = token.head
        if token.pos_ in ("VERB", "AUX") or token.dep_ in CHAIN_DEPS:
            chain.append(token)
        else:
            break
    return chain


def is_negated(anchor: Token, lexicon: Lexicon, extra: list[Token] | None = None) -> bool:
    """Denied by a negation word on the anchor or its control chain, or by "without"/"contrary to" above it."""
    negation = lexicon.cue("negation")
    tokens = [anchor, *(extra or [])]
    if anchor.dep_ in ("acomp", "attr", "oprd"):
        tokens.append(anchor.head)  # "the drug is not effective for …": the negation sits on the copula
    for token in tokens:
        for child in token.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ in negation):
                return True
    chain = verb_chain(anchor)
    for child, head in zip(chain, chain[1:]):
        if child.dep_ == "conj":
            break  # "did not improve sleep, and … can disrupt it": the negation stays with its own verb
        if any(c.dep_ == "neg" for c in head.children):
            return True
    for ancestor in anchor.ancestors:
        if ancestor.lower_ in NEGATING_PREPOSITIONS and ancestor.lower_ in negation | {"contrary", "instead", "rather"}:
            return True
        if _denies_support(ancestor, lexicon):
            return True
        if ancestor.pos_ in ("VERB", "AUX") and ancestor.dep_ in ("ROOT",):
            break
    return False


def _denies_support(token: Token, lexicon: Lexicon) -> bool:
    """ "no evidence that …", "have not shown that …": the claim below is denied."""
    lemma = token.lemma_.lower()
    if token.pos_ in ("NOUN", "PROPN") and lemma in lexicon.cue("evidenceNoun"):
        return any(c.dep_ in ("det", "neg") and c.lower_ in lexicon.cue("negation") for c in token.children)
    if token.pos_ in ("VERB", "AUX") and lemma in lexicon.cue("evidenceVerb"):
        return any(c.dep_ == "neg" for c in token.children)
    return False


def is_hedged(anchor: Token, lexicon: Lexicon, extra: list[Token] | None = None) -> bool:
    """Possible rather than asserted: a modal, a hedging verb above, or a softening word."""
    modals = lexicon.cue("hedgeModal")
    hedge_verbs = lexicon.cue("hedgeVerb")
    hedge_words = lexicon.cue("hedgeWord")
    reporters = lexicon.cue("reportingNoun")
    for token in [*verb_chain(anchor), *(extra or [])]:
        for child in token.children:
            if child.dep_ == "aux" and child.lower_ in modals:
                return True
            if child.dep_ in ("advmod", "amod", "det") and child.lower_ in hedge_words:
                return True
        if token.lemma_.lower() in hedge_verbs and token.i != anchor.i:
            return True
    for ancestor in anchor.ancestors:
        if ancestor.pos_ == "VERB" and ancestor.lemma_.lower() in hedge_verbs:
            return True
        if ancestor.pos_ == "VERB" and any(
            c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in reporters and c.lemma_.lower() != "research"
            for c in ancestor.children
        ):
            return True
    return False


def conditions(anchor: Token, used: set[int], lexicon: Lexicon) -> tuple[str, ...]:
    """Qualifying phrases on the anchor ("at high doses", "when taken close to bedtime")."""
    markers = lexicon.cue("conditionMarker")
    found = []
    for child in anchor.children:
        if child.i in used:
            continue
        if child.dep_ == "prep" and child.lower_ in markers and any(c.dep_ == "pobj" for c in child.children):
            found.append(_text(child))
        elif child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in markers for c in child.children):
            found.append(_text(child))
    return tuple(found)


def _text(token: Token) -> str:
    tokens = list(token.subtree)
    return tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text
