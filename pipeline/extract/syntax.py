"""Grammar helpers over spaCy's dependency parse: subjects of clauses, what a noun is said of.

These are shared by the frame finder (who does what) and the phrase resolver
(which entity a noun phrase names).
"""

from __future__ import annotations

from spacy.tokens import Token

NOMINAL = frozenset({"NOUN", "PROPN"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "obj", "attr", "oprd"})
CLIMB_DEPS = frozenset({"xcomp", "conj", "advcl"})
PARTITIVES = frozenset({"one", "some", "many", "all", "each", "any", "most", "several"})


def is_plural(noun: Token) -> bool:
    """Plural by its tag, unless it is the subject of a verb that agrees with a singular ("Rooibos/NNS is…")."""
    if noun.tag_ not in ("NNS", "NNPS"):
        return False
    verb = noun.head
    return not (noun.dep_ in ("nsubj", "nsubjpass") and any(
        t.tag_ == "VBZ" for t in [verb, *(c for c in verb.children if c.dep_ in ("aux", "auxpass"))]))


def _subject_child(verb: Token) -> Token | None:
    """The verb's own subject: the nearest one before it, or a noun misparsed as a compound of a root verb."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    if subjects:
        before = [c for c in subjects if c.i < verb.i]
        return before[-1] if before else subjects[0]
    if verb.dep_ == "ROOT" and verb.tag_ in ("VBZ", "VBP", "VBD"):
        nouns = [c for c in verb.lefts if c.dep_ in ("compound", "amod") and c.pos_ in NOMINAL | {"ADJ"}]
        if nouns:
            return nouns[-1]
    return None


def clause_subject(verb: Token) -> Token | None:
    """The token that is the subject of ``verb``'s clause, climbing control and coordination.

    Participles and relative clauses take the noun they modify ("Kratom,
    derived from…"); "by binding to…" takes the subject of the verb it modifies.
    """
    token: Token | None = verb
    seen: set[int] = set()
    while token is not None and token.i not in seen:
        seen.add(token.i)
        subject = _subject_child(token)
        if subject is not None:
            if subject.tag_ in ("WDT", "WP") and token.dep_ == "relcl":
                return _described_by(token.head)
            return subject
        if token.dep_ in ("acl", "relcl") and token.head.pos_ in NOMINAL | {"PRON"}:
            return _described_by(token.head)
        if token.dep_ in CLIMB_DEPS:
            token = token.head
            continue
        if token.dep_ in ("pcomp", "pobj") and token.head.dep_ == "prep":
            token = token.head.head
            if token.pos_ in NOMINAL:
                return predicated_of(token)
            continue
        return None
    return None


def _described_by(noun: Token) -> Token:
    """"Kratom is a product made from…": a copula's attribute hands its clauses to the copula's subject."""
    if noun.dep_ == "attr" and noun.head.lemma_ == "be":
        subject = _subject_child(noun.head)
        if subject is not None and subject.dep_ != "expl" and subject.tag_ not in ("WDT", "WP", "EX"):
            return subject
    return noun


def predicated_of(noun: Token, depth: int = 0, light_objects: frozenset[str] = frozenset()) -> Token | None:
    """The entity a predicate noun is said of: "X is a treatment", "X, a treatment", "X offers relief", "X … as a treatment"."""
    if depth > 5:
        return None
    dep = noun.dep_
    head = noun.head
    if dep == "appos":
        return head
    if dep == "npadvmod" and noun.pos_ in NOMINAL:
        # "…contains curcumin, a compound that…": the parser hangs the apposition on the verb
        start = noun.left_edge.i
        doc = noun.doc
        if start >= 2 and doc[start - 1].text == "," and doc[start - 2].pos_ in NOMINAL:
            return doc[start - 2]
    if dep == "conj" and head.pos_ in NOMINAL:
        return predicated_of(head, depth + 1, light_objects)
    if dep in OBJECT_DEPS and head.pos_ in ("VERB", "AUX"):
        return clause_subject(head)
    if dep == "pobj" and head.dep_ == "prep":
        preposition = head.lower_
        governor = head.head
        if preposition == "as":
            if governor.pos_ in ("VERB", "AUX"):
                objects = [c for c in governor.children if c.dep_ in ("dobj", "obj") and c.lemma_.lower() not in light_objects]
                return objects[0] if objects else clause_subject(governor)
            if governor.pos_ in NOMINAL:
                if governor.lemma_.lower() in light_objects and governor.head.pos_ in ("VERB", "AUX"):
                    return clause_subject(governor.head)
                return predicated_of(governor, depth + 1, light_objects)
        if preposition == "of" and governor.lemma_.lower() in PARTITIVES:
            return predicated_of(governor, depth + 1, light_objects)  # "X is one of the causes of Y"
        if preposition in ("without", "with") and governor.pos_ in ("VERB", "AUX"):
            return clause_subject(governor)
        if preposition in ("without", "with") and governor.pos_ in NOMINAL:
            return predicated_of(governor, depth + 1, light_objects)
    return None




def is_such_as(prep: Token) -> bool:
    """"such as" parses as a preposition "as" with "such" beside it or under it."""
    return prep.lower_ == "as" and any(c.lower_ == "such" for c in [*prep.children, *prep.head.children])
