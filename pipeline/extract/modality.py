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
        if token.pos_ in ("NOUN", "PROPN") and _denied_amount(token, lexicon):
            return True
    chain = verb_chain(anchor)
    for child, head in zip(chain, chain[1:]):
        if child.dep_ == "conj":
            break  # "did not improve sleep, and … can disrupt it": the negation stays with its own verb
        if any(c.dep_ == "neg" for c in head.children) or _is_negating_verb(head, lexicon):
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
        if any(c.dep_ == "neg" for c in token.children):
            return True
        return token.dep_ == "xcomp" and _is_negating_verb(token.head, lexicon)  # "failed to show that …"
    return False


def _is_negating_verb(token: Token, lexicon: Lexicon) -> bool:
    """ "failed to reduce", "lacks …": the verb below did not happen."""
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in lexicon.cue("negatingVerb")


def _denied_amount(noun: Token, lexicon: Lexicon) -> bool:
    """ "little or no effect on", "little protection against"; but "a little relief" is some relief."""
    quantifiers = lexicon.cue("negatingQuantifier")
    if any(c.dep_ == "det" and c.lower_ == "a" for c in noun.children):
        return False
    return any(c.dep_ in ("amod", "det") and c.lower_ in quantifiers for c in noun.children)


def is_open_question(anchor: Token, lexicon: Lexicon) -> bool:
    """The claim sits in a clause that asks rather than states ("researchers are studying whether smoke harms…")."""
    markers = lexicon.cue("openQuestionMarker")
    for token in [anchor, *anchor.ancestors]:
        if any(c.dep_ == "mark" and c.lower_ in markers for c in token.children):
            return True
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
            c.dep_ in ("nsubj", "nsubjpass") and {c.lemma_.lower(), c.lower_} & reporters and _tentative(c, lexicon)
            for c in ancestor.children
        ):
            return True
    return False


def _tentative(reporter: Token, lexicon: Lexicon) -> bool:
    """ "some studies show", "observational studies found": but "a review found" or "trials show" assert."""
    quantifiers = lexicon.cue("hedgeQuantifier")
    return reporter.lower_ in quantifiers or any(
        c.dep_ in ("det", "amod", "compound") and c.lower_ in quantifiers for c in reporter.children)


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
