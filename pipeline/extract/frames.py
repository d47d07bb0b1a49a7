"""Predicate frames over the dependency parse: who does what to whom.

A frame is (subject token, predicate, object token, anchor). Four kinds:

* verbal — "Kratom interacts with opioid receptors", passives and participles
  ("Neuropathic pain, caused by nerve damage"), verb chains ("can help manage");
* nominal — nominalisations and light verbs ("a treatment for neuropathic
  pain", "offers relief from chronic pain", "addiction risk");
* adjectival — "is effective for", "present in";
* property — "its sedative properties" (the adjective names an outcome);
* "without X" — the clause's subject does not cause X.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from rdflib import URIRef
from spacy.tokens import Span, Token

from ..ontology import CG, Lexicon
from .phrases import is_restrictive
from .syntax import NOMINAL, clause_subject, is_such_as, predicated_of

INSTRUMENT_PREPOSITIONS = frozenset({"with", "using", "through"})  # "is treated with X": X is the agent

@dataclass(frozen=True)
class Frame:
    """One predicate instance: its arguments as tokens, and the token that carries it."""

    subject: Token
    predicate: URIRef
    object: Token
    anchor: Token
    extra_negated: bool = False
    extra: tuple[Token, ...] = ()
    object_span: Span | None = None
    subject_span: Span | None = None
    pattern: str = "verbal"  # which construction found it, recorded on the evidence
    observed: bool = False  # said as an observed link ("associated with a higher risk of"): hedged


class FrameFinder:
    """Finds the frames of one sentence using the lexicon's triggers."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.light_verbs = lexicon.cue("lightVerb")
        self.property_nouns = lexicon.cue("propertyNoun")
        self.light_objects = lexicon.cue("lightObject")

    def frames(self, sentence: Span) -> Iterator[Frame]:
        for token in sentence:
            if token.pos_ in ("VERB", "AUX"):
                yield from self._verbal(token)
            if token.pos_ in NOMINAL:
                yield from self._nominal(token)
                yield from self._property(token)
                yield from self._misread_verb(token)
            if token.pos_ in ("ADJ", "VERB"):
                yield from self._adjectival(token)
            if token.lower_ == "without" and token.dep_ == "prep":
                yield from self._without(token)

    # --- a verb the tagger read as a plural noun ---------------------------------
    def _misread_verb(self, token: Token) -> Iterator[Frame]:
        """"Caffeine disrupts sleep" tagged caffeine/NN disrupts/NNS sleep/VBP: a known verb trigger in the
        third person, right after a noun (its subject) and before a noun phrase (its object), is read as the
        verb it is, whatever tree the parser built around it."""
        if token.tag_ != "NNS" or token.i == token.sent.start or token.i + 1 >= token.sent.end:
            return
        doc = token.doc
        subject, following = doc[token.i - 1], doc[token.i + 1]
        forms = [form for form in (token.lower_[:-1], token.lower_[:-2]) if token.lemma_.lower() == form]
        key = next((f for f in forms if f in self.lexicon.verb_triggers and following.pos_ != "ADP"), None)
        start = token.i + 1
        if key is None and following.pos_ == "ADP":  # "Kava interacts/NNS with…": a prepositional verb
            key = next((f"{f} {following.lower_}" for f in forms if f"{f} {following.lower_}" in self.lexicon.verb_triggers), None)
            start = token.i + 2
        if key is None:
            return
        own = [c for c in token.lefts if c.dep_ == "nsubj" and c.pos_ in NOMINAL]
        if subject.pos_ == "ADV" and own:  # "Chronic pain, which…, frequently disrupts sleep"
            subject = own[-1]
        climbed = subject
        while climbed.dep_ == "pobj" and climbed.head.dep_ == "prep" and climbed.head.head.pos_ in NOMINAL:
            climbed = climbed.head.head  # "Lead exposure in childhood lowers…": the noun the phrase hangs from
        if subject.pos_ not in NOMINAL | {"ADJ"} or start >= token.sent.end:
            return
        if start == token.i + 1 and following.pos_ in ("PUNCT", "CCONJ", "VERB", "AUX") and following.tag_ != "VBP":
            return
        stop = next((t.i for t in doc[start : token.sent.end] if t.pos_ in ("ADP", "PUNCT", "CCONJ", "SCONJ")
                     or t.tag_ in ("WDT", "VBZ", "VBD", "MD")), token.sent.end)
        span = doc[start:stop]
        if climbed is not subject:
            yield Frame(climbed, self.lexicon.verb_triggers[key], span.root, token, object_span=span, pattern="misread-verb")
            return
        first = subject.i
        while first > token.sent.start and doc[first - 1].pos_ in ("ADJ", "NOUN", "PROPN", "PUNCT") and (
                doc[first - 1].pos_ != "PUNCT" or doc[first - 1].text == "-"):
            first -= 1  # "Moderate/JJ drinking/NN protects/NNS": the whole noun phrase before the verb
        if len(span):
            yield Frame(subject, self.lexicon.verb_triggers[key], span.root, token, object_span=span,
                        subject_span=doc[first : subject.i + 1] if first < subject.i else None, pattern="misread-verb")

    # --- verbal ------------------------------------------------------------------
    def _verbal(self, verb: Token) -> Iterator[Frame]:
        passive = self._is_passive(verb)
        adverbs = [c.lemma_.lower() for c in verb.children if c.dep_ == "advmod"]
        for key_base, obj, via in self._slots(verb):
            predicate = self._verb_trigger(key_base, adverbs)
            if predicate is None and passive and via == "prep" and obj.head.lower_ in INSTRUMENT_PREPOSITIONS:
                predicate, via = self._verb_trigger(key_base.rsplit(" ", 1)[0], adverbs), "agent"  # "is treated with X"
            if predicate is None:
                continue
            if passive and via == "agent":
                subject, target = obj, clause_subject(verb)
                if target is None:
                    continue
                yield Frame(subject, predicate, target, verb, pattern="passive")
                continue
            if passive and via == "direct":
                continue
            subject = self._instrument(verb) or clause_subject(verb)
            if subject is None:
                continue
            yield from self._with_object(subject, predicate, obj, verb)

    def _instrument(self, verb: Token) -> Token | None:
        """"people use kratom to manage pain": the purpose clause is said of what is used, not of the users."""
        head = verb.head
        if verb.dep_ not in ("xcomp", "advcl") or head.lemma_.lower() not in self.lexicon.cue("usageVerb") or head.i == verb.i:
            return None
        if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return None
        used = [c for c in head.children if c.dep_ in ("dobj", "obj")]
        return used[0] if used else None

    def _slots(self, verb: Token) -> Iterator[tuple[str, Token, str]]:
        lemma = verb.lemma_.lower()
        particles = [c.lower_ for c in verb.children if c.dep_ == "prt"]
        base = f"{lemma} {particles[0]}" if particles else lemma
        for child in verb.children:
            if child.dep_ in ("dobj", "obj"):
                yield base, child, "direct"
            elif child.dep_ == "xcomp" and child.tag_ == "VBG" and not any(c.dep_ in ("dobj", "obj", "prep") for c in child.children):
                yield base, child, "direct"  # "relieves bruising/VBG": a gerund noun the parser made a clause
            elif child.dep_ == "prep":
                repeated = [c for c in child.children if c.dep_ == "conj" and c.lower_ == child.lower_]  # "with X and with Y"
                for preposition in (child, *repeated):
                    for grandchild in preposition.children:
                        if grandchild.dep_ in ("pobj", "pcomp"):
                            yield f"{base} {child.lower_}", grandchild, "prep"
            elif child.dep_ == "agent":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        yield base, grandchild, "agent"
                    elif grandchild.dep_ == "pcomp":  # "by throbbing head pain": a misparsed gerund
                        yield from ((base, o, "agent") for o in grandchild.children if o.dep_ in ("dobj", "obj"))

    def _verb_trigger(self, key: str, adverbs: list[str]) -> URIRef | None:
        table = self.lexicon.verb_triggers
        for adverb in adverbs:
            for candidate in (f"{adverb} {key}", f"{key} {adverb}"):
                if candidate in table:
                    return table[candidate]
        return table.get(key)

    @staticmethod
    def _is_passive(verb: Token) -> bool:
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
            return True
        return verb.tag_ == "VBN" and verb.dep_ in ("acl", "advcl") and not any(c.dep_ == "aux" for c in verb.children)

    def _with_object(self, subject: Token, predicate: URIRef, obj: Token, anchor: Token) -> Iterator[Frame]:
        """Attach the object, looking through gerunds ("for managing pain") and effect modifiers ("improved sleep")."""
        if obj.pos_ == "VERB":
            inner = [c for c in obj.children if c.dep_ in ("dobj", "obj")]
            if not inner and not (obj.tag_ == "VBG" and obj.dep_ == "xcomp"):
                return
            obj = inner[0] if inner else obj  # "relieves bruising/VBG" names bruising itself
        observed = self.lexicon.predicates[predicate].always_hedged
        interaction = self._interaction_partner(predicate, obj)
        if interaction is not None:  # "reduces the effect of warfarin"
            yield Frame(subject, CG.interactsWith, interaction, anchor)
            return
        predicate = self._compose(predicate, obj)
        if predicate is None:
            return
        yield Frame(subject, predicate, obj, anchor, observed=observed)

    def _interaction_partner(self, predicate: URIRef, obj: Token) -> Token | None:
        """The substance whose working a raising or lowering verb changes: "increases the effect of warfarin"."""
        if self.lexicon.predicates[predicate].effect == 0 or obj.lemma_.lower() not in self.lexicon.cue("interactionNoun"):
            return None
        return next((p for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"
                     for p in c.children if p.dep_ == "pobj"), None)

    def _compose(self, predicate: URIRef, obj: Token) -> URIRef | None:
        """"leads to improved sleep" → improves; "reduces the risk of" → prevents (via the noun frame)."""
        if obj.pos_ not in NOMINAL:
            return predicate
        info = self.lexicon.predicates[predicate]
        if predicate == CG.causes or info.effect == 0:
            for child in obj.lefts:
                for word in child.subtree:  # "improved sleep", "poor-quality rest"
                    if child.dep_ in ("amod", "compound", "advmod") and word.lower_ in self.lexicon.modifier_triggers:
                        return self.lexicon.modifier_triggers[word.lower_]
        if self._noun_trigger_keys(obj) and info.effect != 0:
            return None  # "reduce the risk of X": the noun frame composes it
        return predicate

    # --- nominal -----------------------------------------------------------------
    def _noun_trigger_keys(self, noun: Token) -> list[tuple[str, Token | None]]:
        """Noun-trigger keys this noun matches, each with the token that introduces its object."""
        modifiers = [c.lower_ for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i]
        names = [" ".join([*modifiers[cut:], noun.lemma_.lower()]) for cut in range(len(modifiers) + 1)]  # longest first
        table = self.lexicon.noun_triggers
        found: list[tuple[str, Token | None]] = []
        prepositions = [c for c in noun.children if c.dep_ == "prep"]
        if noun.dep_ in ("dobj", "obj") and noun.head.lemma_.lower() in self.light_verbs:
            # "provide relief from pain": the parser often hangs the preposition on the light verb
            prepositions += [c for c in noun.head.children if c.dep_ == "prep" and c.i > noun.i]
        for child in prepositions:
            key = next((f"{name} {child.lower_}" for name in names if f"{name} {child.lower_}" in table), None)
            if key is not None:
                found.append((key, child))
        key = next((name for name in names if name in table), None)
        if key is not None and not found:
            found.append((key, None))
        return found

    def _nominal(self, noun: Token) -> Iterator[Frame]:
        for key, preposition in self._noun_trigger_keys(noun):
            predicate = self.lexicon.noun_triggers[key]
            objects = self._noun_objects(noun, preposition)
            if not objects:
                continue
            subject, governing = self._noun_subject(noun)
            if subject is None:
                continue
            if governing is not None:
                composed = self._compose_effect(governing, predicate)
                if composed is None:
                    continue
                if predicate == CG.hasSymptom and composed == CG.causes:
                    objects = [o for o in objects if o.i > noun.i]  # the listed symptoms, not "short-lived"
                predicate = composed
            for obj in objects:
                fitted = self._compose(predicate, obj)  # "a cause of poor sleep" disrupts sleep
                if fitted is not None:
                    yield Frame(subject, fitted, obj, noun, extra=(governing,) if governing is not None else (),
                                pattern="nominal")

    def _noun_objects(self, noun: Token, preposition: Token | None) -> list[Token]:
        if preposition is not None:
            objects = []
            for child in preposition.children:
                if child.dep_ == "pobj":
                    objects.append(child)
                elif child.dep_ == "pcomp":  # "relief from bloating", "good for easing pain/swelling(VBG)"
                    inner = [c for c in child.children if c.dep_ in ("dobj", "obj") or c.dep_ == "xcomp" and c.tag_ == "VBG"]
                    objects.extend(inner or ([child] if child.tag_ == "VBG" else []))
            return objects
        members = [c for c in noun.children if c.dep_ in ("compound", "amod") and c.pos_ in NOMINAL | {"VERB"}]
        members = [m for m in members if f"{m.lower_} {noun.lemma_.lower()}" not in self.lexicon.noun_triggers]
        for child in noun.children:
            if child.dep_ == "prep" and (child.lower_ in self.lexicon.cue("exampleMarker") or is_such_as(child)):
                members.extend(c for c in child.children if c.dep_ == "pobj")
        return members

    def _noun_subject(self, noun: Token) -> tuple[Token | None, Token | None]:
        """Who the noun is said of, and the governing verb when that verb composes ("reduces the risk")."""
        owners = [c for c in noun.children if c.dep_ == "poss"]
        if owners:
            return owners[0], None
        head = noun.head
        if noun.dep_ == "nsubj" and head.lemma_.lower() in self.lexicon.cue("inclusionVerb"):
            listed = [c for c in head.children if c.dep_ in ("dobj", "obj") or c.dep_ == "xcomp" and c.tag_ == "VBG"]
            return (listed[0] if listed else None), None  # "side effects of X include nausea": nausea is the effect
        if noun.dep_ in ("dobj", "obj") and head.pos_ == "VERB" and head.lemma_.lower() not in self.light_verbs:
            predicate = self._verb_trigger(head.lemma_.lower(), [])
            if predicate is not None and self.lexicon.predicates[predicate].effect != 0:
                return clause_subject(head), head
            return None, None
        if noun.dep_ in ("dobj", "obj", "attr", "oprd") and head.pos_ in ("VERB", "AUX"):
            return clause_subject(head), None
        if noun.dep_ == "conj" and head.pos_ in NOMINAL:
            return self._noun_subject(head)
        if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "VERB":
            verb = head.head
            predicate = self._verb_trigger(f"{verb.lemma_.lower()} {head.lower_}", [])
            if predicate is not None and self.lexicon.predicates[predicate].effect != 0:
                return clause_subject(verb), verb
        return predicated_of(noun, light_objects=self.light_objects), None

    def _compose_effect(self, verb: Token, predicate: URIRef) -> URIRef | None:
        """"increases the risk of X" causes X; "reduces the risk of X" prevents X; "leads to a decrease in X" treats X."""
        verb_predicate = self._verb_trigger(verb.lemma_.lower(), [])
        for child in verb.children:
            if child.dep_ == "prep" and verb_predicate is None:
                verb_predicate = self._verb_trigger(f"{verb.lemma_.lower()} {child.lower_}", [])
        if verb_predicate is None:
            return predicate
        if verb_predicate == CG.causes:
            # "can cause withdrawal symptoms, such as dizziness": what causes symptoms causes each of them
            return CG.causes if self.lexicon.predicates[predicate].effect == 0 and predicate == CG.hasSymptom else predicate
        sign = self.lexicon.predicates[verb_predicate].effect * self.lexicon.predicates[predicate].effect
        if sign > 0:
            return CG.causes
        if sign < 0:
            return CG.prevents
        return None

    # --- adjectival and property -------------------------------------------------
    def _adjectival(self, adjective: Token) -> Iterator[Frame]:
        lemma = adjective.lemma_.lower()
        for child in adjective.children:
            if child.dep_ != "prep":
                continue
            predicate = self.lexicon.adjective_triggers.get(f"{lemma} {child.lower_}") or self.lexicon.adjective_triggers.get(
                f"{adjective.lower_} {child.lower_}"
            )
            if predicate is None:
                continue
            if is_restrictive(adjective):
                continue  # "diets high in salt raise blood pressure": the adjective names the diets
            if adjective.dep_ in ("amod", "acl") and adjective.head.pos_ in NOMINAL:
                subject: Token | None = adjective.head
            elif adjective.pos_ == "VERB":
                subject = clause_subject(adjective)
            else:
                subject = clause_subject(adjective.head) if adjective.dep_ == "acomp" else None
            if subject is None:
                continue
            observed = self.lexicon.predicates[predicate].always_hedged
            for obj in self._noun_objects(adjective, child):
                composed = self._compose(predicate, obj) if observed else predicate  # "associated with a higher risk of"
                if composed is not None:
                    yield Frame(subject, composed, obj, adjective, pattern="adjectival", observed=observed)

    def _property(self, noun: Token) -> Iterator[Frame]:
        """"its gentle sedative properties": the owner causes the outcome the adjective names."""
        if noun.lemma_.lower() not in self.property_nouns and noun.lower_ not in self.property_nouns:
            return
        adjectives = [c for c in noun.children if c.dep_ in ("amod", "compound") and self.lexicon.entity_for(c.text)]
        if not adjectives:
            return
        owners = [c for c in noun.children if c.dep_ == "poss"]
        subject = owners[0] if owners else self._noun_subject(noun)[0]
        if subject is None:
            return
        for adjective in adjectives:
            yield Frame(subject, CG.causes, adjective, noun, pattern="property")

    # --- "without X" -------------------------------------------------------------
    def _without(self, preposition: Token) -> Iterator[Frame]:
        objects = [c for c in preposition.children if c.dep_ == "pobj"]
        if not objects:
            return
        obj = objects[0]
        if self._noun_trigger_keys(obj) or obj.lemma_.lower() in self.property_nouns:
            return  # "without addiction risks" is a nominal frame; the "without" above negates it
        governor = preposition.head
        if governor.pos_ in ("VERB", "AUX"):
            subject = clause_subject(governor)
        elif governor.pos_ in NOMINAL:
            subject = predicated_of(governor, light_objects=self.light_objects) or _clause_subject_above(governor)
        else:
            subject = None
        if subject is None:
            return
        yield Frame(subject, CG.causes, obj, obj, extra_negated=True, pattern="without")


def _clause_subject_above(token: Token) -> Token | None:
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return clause_subject(ancestor)
    return None
