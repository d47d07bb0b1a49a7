"""Noun phrases to entity phrases: folding, aliases, coordination, anaphora.

``resolve(token)`` answers "which entities does this noun phrase name?": a
list, because "mitragynine and 7-hydroxymitragynine" names two and "it" may
name none. It folds determiners, possessives, vague adjectives and plurals;
looks through nouns that stand for their modifier ("kratom use", "sleep
quality"); expands a constituent noun to its members and owner ("kratom's
active compounds, such as mitragynine"); and resolves anaphora.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rdflib import URIRef
from spacy.tokens import Span, Token

from ..ontology import Lexicon, label_key
from .anaphora import DEMONSTRATIVES, PLURAL_PRONOUNS, SINGULAR_PRONOUNS, Discourse
from .mentions import Phrase
from .syntax import NOMINAL, is_plural, is_such_as, predicated_of

MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
OWNER_PREPOSITIONS = frozenset({"in", "of", "from", "within", "inside"})
MAX_PHRASE_WORDS = 6
RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$"})
POINTING_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})
ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj"})  # where an "adjective" must be a misread noun


@dataclass
class PartClaim:
    """A constituent relation found while resolving a phrase: owner has member."""

    owner: Phrase
    member: Phrase
    token: Token


@dataclass
class PhraseResolver:
    """Resolves noun tokens of one sentence to entity phrases."""

    lexicon: Lexicon
    discourse: Discourse
    sentence: Span
    opens_list_item: bool = False  # the sentence opens an item of a list ("3. It eases muscle soreness")
    current_subject: Phrase | None = None
    current_subject_index: int = -1
    current_is_named: bool = False
    parts: list[PartClaim] = field(default_factory=list)

    # --- public ---------------------------------------------------------------
    def resolve(self, token: Token) -> list[Phrase]:
        """All entity phrases ``token``'s noun phrase names, coordination expanded."""
        shared = self._shared_head(token)
        if shared:
            return shared
        phrases: list[Phrase] = []
        first = token
        for conjunct in [token, *self._conjuncts(token)]:
            found = self._resolve_one(conjunct, depth=0)
            if not found and conjunct.i != first.i:
                found = self._borrow_modifiers(first, conjunct)
            if not self._is_constituent(conjunct):
                found += self._examples(conjunct)  # "medications, including benzodiazepines": both
            phrases.extend(p for p in found if p not in phrases)
        return phrases

    def _examples(self, token: Token) -> list[Phrase]:
        """The members an example phrase lists under a noun: "…, including X and Y", "…, such as X"."""
        examples = self.lexicon.cue("exampleMarker")
        found: list[Phrase] = []
        for child in token.children:
            if child.dep_ == "prep" and (child.lower_ in examples or is_such_as(child)):
                found.extend(self._objects_of(child, depth=0))
        return found

    def span_phrase(self, span: Span) -> Phrase | None:
        """A phrase from a span of text whose parse is not to be trusted (determiners dropped)."""
        words = [t for t in span if t.pos_ not in ("DET", "PRON", "PUNCT")]
        if not words or len(words) > MAX_PHRASE_WORDS:
            return None
        text = " ".join(t.text for t in words)
        lemma_text = " ".join(t.text for t in words[:-1]) + (" " if len(words) > 1 else "") + words[-1].lemma_
        return Phrase(text=text, key=label_key(text), lemma_key=label_key(lemma_text), entity=self._lookup(text, lemma_text))

    def find_parts(self) -> None:
        """Resolve every constituent noun of the sentence, so "X, a compound in Y" records Y has X."""
        for token in self.sentence:
            if self._is_constituent(token):
                self._constituents(token, depth=0)

    def noun_phrases(self) -> list[Phrase]:
        """Every noun the sentence names with its compounds, claim or not (what "the herb" or "it" may later mean).

        A cheap reading (no modifiers, no broader entity): it runs on every noun of every sentence.
        """
        found = []
        for token in self.sentence:
            if token.pos_ in NOMINAL and token.dep_ != "compound":
                names = [t.text for t in token.lefts if t.dep_ == "compound"]
                text, lemma_text = " ".join([*names, token.text]), " ".join([*names, token.lemma_])
                found.append(Phrase(text=text, key=label_key(text), lemma_key=label_key(lemma_text),
                                    entity=self._lookup(text, lemma_text)))
        return found

    def phrase_of_word(self, text: str, lemma: str) -> Phrase | None:
        """A lexicon entity named by a single word (an adjective such as "sedative")."""
        for candidate in (text, lemma):
            entity = self.lexicon.entity_for(candidate)
            if entity is not None:
                return Phrase(text=text, key=label_key(text), lemma_key=label_key(lemma), entity=entity)
        return None

    # --- internals -----------------------------------------------------------
    def _conjuncts(self, token: Token) -> list[Token]:
        found = []
        for child in token.children:
            if (child.dep_ == "conj" or _is_list_item(child)) and child.pos_ in NOMINAL | {"PRON", "ADJ"}:
                found.append(child)
                found.extend(self._conjuncts(child))
        return found

    def _shared_head(self, token: Token) -> list[Phrase]:
        """ "black and green tea": coordinated modifiers of one noun name one thing each (black tea, green tea)."""
        if token.pos_ not in NOMINAL:
            return []
        coordinated = [m for m in token.lefts if m.dep_ in ("amod", "compound", "nmod")
                       and any(c.dep_ == "conj" and c.i < token.i for c in m.children)]
        if len(coordinated) != 1:
            return []
        modifier = coordinated[0]
        variants = [modifier, *(c for c in modifier.children if c.dep_ == "conj" and c.i < token.i)]
        others = [t for t in self._kept_modifiers(token) if t not in set(modifier.subtree)]
        phrases = []
        for variant in variants:
            nested = {t.i for c in variant.children if c.dep_ == "conj" for t in c.subtree}
            own = [t for t in variant.subtree if t.i == variant.i or (
                t.dep_ not in ("cc", "conj", "punct", "det") and t.i not in nested)]
            words = sorted({*own, *others}, key=lambda t: t.i)
            text = _surface([*words, token])
            lemma_text = f"{_join(words)} {token.lemma_ if is_plural(token) else token.lower_}"
            entity = self._lookup(text, lemma_text)
            phrase = Phrase(text=text, key=label_key(text), lemma_key=label_key(lemma_text), entity=entity,
                            broader=None if entity else self._suffix_entity([*words, token], token))
            if phrase not in phrases:
                phrases.append(phrase)
        return phrases

    def _borrow_modifiers(self, first: Token, conjunct: Token) -> list[Phrase]:
        """"sleep quality and duration": a bare aspect noun borrows the first conjunct's modifier."""
        cues = self.lexicon.cue("aspectNoun")
        if conjunct.lemma_.lower() not in cues:
            return []
        modifiers = [c for c in first.children if c.dep_ == "compound"]
        found: list[Phrase] = []
        for modifier in modifiers:
            found.extend(self._resolve_one(modifier, depth=1))
        return found

    def _resolve_one(self, token: Token, depth: int) -> list[Phrase]:
        if depth > 4:
            return []
        lower = token.lower_
        lemma = token.lemma_.lower()
        if token.dep_ == "appos" and token.head.pos_ in NOMINAL and not self._is_constituent(token.head) and not _is_list_item(token):
            return self._resolve_one(token.head, depth + 1)
        if token.tag_ in RELATIVE_TAGS:
            head = token.head
            if head.dep_ == "relcl":
                return self._resolve_one(head.head, depth + 1)
            return []
        if lower in SINGULAR_PRONOUNS | PLURAL_PRONOUNS:
            if self.opens_list_item and token.i == self.sentence.start and lower in SINGULAR_PRONOUNS:
                topic = self.discourse.topic()  # a listicle's items are about what the article is about
                if topic is not None:
                    return [topic]
            before = self._subject_before(token)
            current = before if self.current_is_named else None
            if current is None and token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ == "conj":
                current = before  # "X is distilled from…, and it contains…": the same subject
            if current is None and lower in SINGULAR_PRONOUNS:
                current = self._named_before(token)
            antecedent = self.discourse.pronoun(lower, current)
            return [antecedent] if antecedent else []
        if token.pos_ == "VERB" and token.dep_ in ("csubj", "nsubj", "nsubjpass", "pobj", "pcomp"):
            objects = [c for c in token.children if c.dep_ in ("dobj", "obj")]
            if objects:
                return self.resolve(objects[0])  # "taking melatonin improves…" is about melatonin
            if token.tag_ != "VBG":
                return []
        if (token.pos_ == "PRON" and token.is_stop) or lower in DEMONSTRATIVES or token.pos_ in {"DET", "NUM"}:
            return []  # a real pronoun; "myopia/PRP" is a noun the tagger did not know
        if self._is_constituent(token):
            parts = self._constituents(token, depth)
            if parts or lemma not in self.lexicon.cue("chemicalClassNoun"):
                return parts  # "flavonoids" alone still names a class of chemicals; "compounds" alone does not
        if lemma in self.lexicon.cue("quantityNoun"):
            counted = [p for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "in")
                       for p in c.children if p.dep_ == "pobj"]
            if counted:
                return self.resolve(counted[0])  # "a number of prescription medications"
        anaphor = self._class_anaphor(token)
        if anaphor is not None:
            return anaphor
        bearer = self._property_bearer(token)
        if bearer is not None:
            return self._resolve_one(bearer, depth + 1)
        if {lemma, lower} & (self.lexicon.cue("transparentNoun") | self.lexicon.cue("aspectNoun")):
            inner = self._modifier_entity(token, depth)
            if inner is not None:
                written = _surface([*self._kept_modifiers(token), token])
                return [replace(p, text=written) if len(inner) == 1 and p.text in written else p for p in inner]
                # "White willow bark" names willow, and is how the article wrote it (an alias)
            if self._lookup(token.text, token.lemma_) is None and not (
                    lemma in self.lexicon.cue("aspectNoun") | self.lexicon.cue("usageNoun") and self._kept_modifiers(token)):
                if lemma in self.lexicon.cue("transparentNoun") and not self._kept_modifiers(token):
                    return self._definite_form(token)  # "The bark contains salicin": the bark of what the text is about
                return []  # "cognitive behavioural therapy" names itself; "a powder" names nothing
        shortened = self._shortened_name(token)
        if shortened is not None:
            return [shortened]
        phrase = self._phrase(token)
        if phrase is None or (phrase.entity is None and lemma in self.lexicon.cue("nonEntityNoun") and " " not in phrase.key):
            return []  # "system" alone names nothing; "immune system" does
        return [phrase]

    def _subject_before(self, token: Token) -> Phrase | None:
        """This sentence's own subject, when it comes before ``token``."""
        return self.current_subject if 0 <= self.current_subject_index < token.i else None

    def _shortened_name(self, token: Token) -> Phrase | None:
        """"the cream" under the heading "Capsaicin Cream": a definite bare noun that ends the name of the
        section's (or the article's) subject stands for that subject."""
        if not _points_back(token) or self._kept_modifiers(token):
            return None
        for referent in (self.discourse.section, self.discourse.topic()):
            if referent is not None and " " in referent.text and label_key(referent.text).split()[-1] in (
                    token.lower_, token.lemma_.lower()):
                return referent
        return None

    def _definite_form(self, token: Token) -> list[Phrase]:
        """"the bark", "the oil", "this extract": a definite form word stands for the sentence's named subject
        before it, else the section's or the article's topic; with any other determiner it names nothing."""
        if not _points_back(token):
            return []
        before = self._subject_before(token)
        if before is not None and self.current_is_named:
            return [before]
        referent = self.discourse.section or self.discourse.topic()
        return [referent] if referent is not None else []

    def _named_before(self, pronoun: Token) -> Phrase | None:
        """"…when incorporating kratom, as it may…": the nearest named singular noun earlier in the sentence."""
        for token in reversed(self.sentence[: pronoun.i - self.sentence.start]):
            if token.pos_ in NOMINAL and token.tag_ in ("NN", "NNP") and token.dep_ != "compound":
                phrase = self._phrase(token)
                if phrase is not None and self.discourse.can_be_antecedent(phrase, token.pos_ == "PROPN"):
                    return phrase
        return None

    def _property_bearer(self, token: Token) -> Token | None:
        """"kratom's analgesic effects", "the effects of caffeine", "X offers benefits that…": a quality noun stands for its bearer."""
        if token.lemma_.lower() not in self.lexicon.cue("propertyNoun") and token.lower_ not in self.lexicon.cue("propertyNoun"):
            return None
        owners = [c for c in token.children if c.dep_ == "poss"]
        owners += [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        if owners:
            return owners[0]
        if token.dep_ in ("dobj", "attr") and token.head.lemma_.lower() in self.lexicon.cue("lightVerb"):
            return predicated_of(token, light_objects=self.lexicon.cue("lightObject"))
        return None

    def _modifier_entity(self, token: Token, depth: int) -> list[Phrase] | None:
        """What a transparent or aspect noun stands for: its compound, possessor or of-phrase."""
        full = self._phrase(token)
        if full is not None and full.entity is not None:
            return [full]
        if any(c.dep_ == "amod" and c.lower_ in self.lexicon.cue("amountAdjective") for c in token.children):
            return None  # "low vitamin D levels" are not vitamin D: the amount is the claim's subject
        modifiers = self._kept_modifiers(token)
        if modifiers:
            text = _join(modifiers)
            entity = self.lexicon.entity_for(text)
            if entity is not None:
                return [Phrase(text=text, key=label_key(text), lemma_key=label_key(text), entity=entity)]
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        named = self.resolve(pobj)
                        appositions = [c for c in token.children if c.dep_ == "appos"]
                        if not named and appositions:  # "the leaves of the tree Mitragyna speciosa" misparsed
                            phrase = self._phrase(appositions[0])
                            named = [phrase] if phrase is not None else []
                        return named
        if token.lemma_.lower() in self.lexicon.cue("usageNoun"):
            return None  # "screen use", "egg intake": unless the modifier is a known name, the use is what is meant
        for child in token.children:
            if child.dep_ == "poss" or (child.dep_ == "compound" and child.pos_ in NOMINAL):
                return self._resolve_one(child, depth + 1)
        for child in token.children:
            if child.dep_ in ("nummod", "amod", "compound") and any(c.isalpha() for c in child.text):
                named = self.phrase_of_word(child.text, child.lemma_)
                if named is not None:
                    return [named]
                if child.dep_ == "amod" and child.pos_ in NOMINAL:  # "Lavender/NN oil" with the noun as an amod
                    return self._resolve_one(child, depth + 1) or None
        return None

    def _class_anaphor(self, token: Token) -> list[Phrase] | None:
        """"the herb", "this condition": a definite class noun refers back; None if it is not one."""
        classes = self.lexicon.anaphor_nouns.get(token.lemma_.lower())
        if not classes:
            return None
        named = self._phrase(token)
        if named is not None and named.entity is not None:
            return None  # "other medications" names a lexicon entity
        vague = self.lexicon.cue("vagueModifier")
        determiners = [c for c in token.children if c.dep_ in ("det", "poss")]
        pointing = bool(determiners) and determiners[0].lower_ in DEMONSTRATIVES  # "this prescription drug" points back
        if not pointing and any(c.dep_ in MODIFIER_DEPS | {"nummod"} and c.lemma_.lower() not in vague and c.lower_ not in vague
                                for c in token.children):
            return None
        if not determiners or determiners[0].lower_ not in {"the", "this", "that", "its", "these", "those"}:
            return []  # "a herb which soothes worry" is any herb: no entity
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
            return None  # "the root of Withania somnifera" names its own referent
        before = self._subject_before(token)
        if before is not None and (before.entity is None or any(self.lexicon.is_a(before.entity, cls) for cls in classes)):
            return [before]  # "Tart cherry juice can cause diarrhea, because the fruit contains sorbitol"
        antecedent = self.discourse.by_class(classes, token.lemma_.lower())
        return [antecedent] if antecedent else []

    def _is_constituent(self, token: Token) -> bool:
        return token.pos_ in NOMINAL and token.lemma_.lower() in self.lexicon.cue("constituentNoun") - {"active"}

    def _constituents(self, token: Token, depth: int) -> list[Phrase]:
        """"kratom's active compounds, such as mitragynine": the members and the owner."""
        owners: list[Phrase] = []
        members: list[Phrase] = []
        examples = self.lexicon.cue("exampleMarker")
        doc = token.doc
        if token.dep_ in ("nmod", "compound") and token.head.i > token.i + 1 and doc[token.i + 1].text == ",":
            named = self._phrase(token.head)  # "Its main alkaloid, mitragynine, …" parsed as a modifier of the name
            members.extend([named] if named is not None else [])
            owners.extend(p for c in token.head.children if c.dep_ == "poss" for p in self._resolve_one(c, depth + 1))
        for child in token.children:
            if child.dep_ == "poss":
                owners.extend(self._resolve_one(child, depth + 1))
            elif child.dep_ == "compound" and child.pos_ in NOMINAL:
                owners.extend(self._resolve_one(child, depth + 1))
            elif child.dep_ == "prep" and child.lower_ in OWNER_PREPOSITIONS:
                owners.extend(self._objects_of(child, depth))
            elif child.dep_ in ("acl", "amod") and child.lemma_.lower() in {"find", "present", "contain", "locate"}:
                for grandchild in child.children:
                    if grandchild.dep_ == "prep" and grandchild.lower_ in OWNER_PREPOSITIONS:
                        owners.extend(self._objects_of(grandchild, depth))
            elif child.dep_ == "acl" and child.lemma_.lower() in {"know", "call", "name", "term"}:
                for grandchild in child.children:  # "its active ingredients, known as kavalactones"
                    if grandchild.dep_ in ("prep", "oprd") and grandchild.lower_ == "as":
                        members.extend(self._objects_of(grandchild, depth))
            elif child.dep_ == "appos":
                members.extend(self.resolve(child))
            elif child.dep_ == "prep" and (child.lower_ in examples or is_such_as(child)):
                members.extend(self._objects_of(child, depth))
        if token.dep_ in ("appos", "attr", "npadvmod") and not members:
            described = predicated_of(token)  # "curcumin, a compound in turmeric", "X is a compound that…"
            if described is not None and described.i != token.i:
                members.extend(self._resolve_one(described, depth + 1))
        owners = [o for o in owners if o not in members]
        for owner in owners:
            for member in members:
                if member.entity != owner.entity or member.key != owner.key:
                    self.parts.append(PartClaim(owner, member, token))
        return members + owners

    def _objects_of(self, prep: Token, depth: int) -> list[Phrase]:
        found: list[Phrase] = []
        for child in prep.children:
            if child.dep_ == "pobj":
                found.extend(self.resolve(child))
        return found

    def _phrase(self, token: Token) -> Phrase | None:
        """The folded phrase of a noun with its restrictive modifiers, matched against the lexicon."""
        if token.pos_ not in NOMINAL | {"ADJ", "VERB"} and not (token.dep_ in ARGUMENT_DEPS and token.is_alpha):
            return None  # "from Salix alba/RB": where a noun must be, a mis-tagged word is one
        if token.tag_.startswith("VB") and token.pos_ in NOMINAL or token.tag_ in ("JJR", "JJS", "RBR", "RBS"):
            return None  # "…and shortens", "far more": not names of things
        modifiers = self._kept_modifiers(token)
        words = _glued_prefix(modifiers[0] if modifiers else token) + modifiers + [token]
        text = _surface(words)
        plural = is_plural(token) and token.lower_ not in self.lexicon.cue("singularNoun")
        head_lemma = token.lemma_ if plural else token.lower_  # only plurals fold: not "rooibo", "flush", "diabete"
        lemma_text = _join(words[:-1]) + (" " if len(words) > 1 else "") + head_lemma
        of_phrase = self._of_phrase(token)
        if of_phrase:
            for candidate in (f"{text} {of_phrase}", f"{lemma_text} {of_phrase}"):
                entity = self.lexicon.entity_for(candidate)
                if entity is not None:
                    return Phrase(text=candidate, key=label_key(candidate), lemma_key=label_key(candidate), entity=entity)
        entity = self._lookup(text, lemma_text)
        if entity is None and token.pos_ not in NOMINAL and token.tag_ != "VBG" and token.dep_ not in ARGUMENT_DEPS:
            return None  # an adjective names a thing only when the lexicon knows it, or when it stands where a noun
            # must ("treated with buprenorphine/JJ"); a gerund ("bloating") may
        if len(words) > MAX_PHRASE_WORDS or not label_key(text):
            return None
        if entity is not None:
            return Phrase(text=text, key=label_key(text), lemma_key=label_key(lemma_text), entity=entity)
        abbreviation = _abbreviation(token)
        if abbreviation is not None and len(words) > 1:
            # "cognitive behavioural therapy (CBT)": named by the short form, so articles that write only "CBT" meet it
            key = label_key(abbreviation)
            return Phrase(text=text, key=key, lemma_key=key, entity=self.lexicon.entity_for(abbreviation))
        broader = self._suffix_entity(words, token)
        if broader is not None and self._only_naming_words(words, broader):
            return Phrase(text=text, key=label_key(text), lemma_key=label_key(lemma_text), entity=broader)
        restriction = _restrictive_adjective(token)
        if restriction and not of_phrase:
            text, lemma_text = f"{text} {restriction}", f"{lemma_text} {restriction}"  # "diets high in salt"
        elif of_phrase and len(of_phrase.split()) <= 4 and (
                (len(words) == 1 and of_phrase.startswith("of "))
                or (sum(t.is_alpha for t in words) <= 3 and of_phrase.startswith("to "))):
            text, lemma_text = f"{text} {of_phrase}", f"{lemma_text} {of_phrase}"  # "breakdown of cartilage",
            # "long-term exposure to PM2.5": without its complement the head names nothing in particular
        return Phrase(text=text, key=label_key(text), lemma_key=label_key(lemma_text), broader=broader)

    def _only_naming_words(self, words: list[Token], entity: URIRef) -> bool:
        """"the tropical plant Mitragyna speciosa": the words before the known name only say what kind it is."""
        label = label_key(self.lexicon.entities[entity].label).split()
        generic = self.lexicon.cue("vagueModifier") | self.lexicon.cue("transparentNoun") | set(self.lexicon.anaphor_nouns)
        prefix = [t for t in words if t.lower_ not in label]
        return bool(prefix) and all(t.lower_ in generic or t.lemma_.lower() in generic for t in prefix)

    def _suffix_entity(self, words: list[Token], head: Token) -> URIRef | None:
        """The known entity an unknown phrase ends in: "knee pain" narrows pain."""
        for cut in range(1, len(words)):
            kept = words[cut:]
            entity = self._lookup(_join(kept), _join(kept[:-1]) + (" " if len(kept) > 1 else "") + head.lemma_)
            if entity is not None:
                return entity
        return None

    def _lookup(self, text: str, lemma_text: str) -> URIRef | None:
        return self.lexicon.entity_for(text) or self.lexicon.entity_for(lemma_text)

    def _kept_modifiers(self, token: Token) -> list[Token]:
        vague = self.lexicon.cue("vagueModifier") | set(self.lexicon.modifier_triggers)
        kept: list[Token] = []
        for child in token.lefts:
            if child.dep_ == "poss" and child.tag_ == "NNP" and any(t.dep_ == "case" for t in child.children):
                # "St. John's wort", "Alzheimer's disease": a proper-noun possessive that is part of the name
                kept.extend(t for t in child.subtree if t.dep_ not in ("det", "punct") or t.text == ".")
                continue
            if child.dep_ not in MODIFIER_DEPS and not (
                    child.dep_ == "nummod" and (_hyphenated(child, token) or _numbers_a_name(child, token))):
                continue
            if child.dep_ == "amod" and (child.lemma_.lower() in vague or child.lower_ in vague or child.tag_ in ("JJR", "JJS")):
                continue
            if (child.like_num or child.pos_ in {"DET", "PRON", "NUM"}) and not (
                    _hyphenated(child, token) or _numbers_a_name(child, token)):
                continue
            if child.dep_ == "compound" and any(t.like_num for t in child.subtree):
                continue
            kept.extend(t for t in child.subtree if t.dep_ not in ("det", "poss", "case", "cc", "punct") or t.text == "-")
        return sorted(set(kept), key=lambda t: t.i)

    def _of_phrase(self, token: Token) -> str:
        for child in token.rights:
            if child.dep_ == "prep" and child.lower_ in ("of", "to"):
                pobjs = [c for c in child.children if c.dep_ == "pobj"]
                if pobjs:
                    inner = [t for t in pobjs[0].subtree if t.dep_ not in ("punct",) and t.i <= pobjs[0].i]
                    return f"{child.lower_} {_join(inner)}"
        return ""


def _points_back(noun: Token) -> bool:
    """"the bark", "this extract": a definite or demonstrative determiner refers to something named before."""
    determiner = next((c.lower_ for c in noun.children if c.dep_ == "det"), None)
    return determiner in POINTING_DETERMINERS


def _is_list_item(token: Token) -> bool:
    """"aches, irritability, a dry mouth and …": an apposition that leads on to a conjunction is a list item."""
    return token.dep_ == "appos" and any(c.dep_ == "conj" or _is_list_item(c) for c in token.children)


def _abbreviation(noun: Token) -> str | None:
    """The short form a name defines in brackets right after it: "chronic obstructive pulmonary disease (COPD)"."""
    for child in noun.rights:
        if (child.dep_ == "appos" and child.i >= 1 and child.doc[child.i - 1].text == "(" and child.i + 1 < len(child.doc)
                and child.doc[child.i + 1].text == ")" and 2 <= len(child.text) <= 8 and sum(c.isupper() for c in child.text) >= 2):
            return child.text
    return None


def _restrictive_adjective(noun: Token) -> str:
    """ "diets high in salt", "foods rich in fibre": an adjective phrase right after the noun, with no comma
    between, says which ones are meant, so it is part of the name ("" when there is none)."""
    for child in noun.rights:
        if child.dep_ == "amod" and child.pos_ == "ADJ" and child.i == noun.i + 1 and any(c.dep_ == "prep" for c in child.children):
            words = [t for t in child.subtree if not t.is_punct]
            if len(words) <= 4:
                return _join(words)
    return ""


def is_restrictive(adjective: Token) -> bool:
    """The adjective phrase right after its noun, not set off by a comma: it names, it does not claim."""
    return adjective.dep_ == "amod" and adjective.head.i < adjective.i and bool(_restrictive_adjective(adjective.head))


def _numbers_a_name(number: Token, head: Token) -> bool:
    """ "type 2 diabetes", "COVID 19 vaccines": a number right after a noun modifier of the same head is part of a name."""
    before = number.doc[number.i - 1] if number.i > 0 else None
    return (number.like_num and before is not None and before.head.i == head.i and before.pos_ in ("NOUN", "PROPN")
            and before.dep_ in MODIFIER_DEPS)


def _hyphenated(modifier: Token, head: Token) -> bool:
    """"7-hydroxymitragynine": the modifier is glued to the head by hyphens, no spaces between."""
    between = modifier.doc[modifier.i : head.i]
    return all(not t.whitespace_ for t in between) and any(t.text == "-" for t in between)


def _glued_prefix(first: Token) -> list[Token]:
    """"β-blockers" parsed as "β" beside "blockers": words glued on by hyphens belong to the phrase, whatever the parse."""
    doc = first.doc
    start = first.i
    while (start >= 2 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_ and not doc[start - 2].whitespace_
           and not doc[start - 2].is_punct):
        start -= 2
    return list(doc[start : first.i])


def _surface(tokens: list[Token]) -> str:
    """The phrase as written when its words are contiguous (hyphens included), else the words joined."""
    span = tokens[0].doc[tokens[0].i : tokens[-1].i + 1]
    chosen = {t.i for t in tokens}
    if all(t.i in chosen or t.text == "-" for t in span):
        return span.text
    return _join(tokens)


def _join(tokens: list[Token]) -> str:
    out = ""
    for i, token in enumerate(tokens):
        if i and (token.text == "-" or tokens[i - 1].text == "-" or token.text == "'s"):
            out += token.text
        else:
            out += (" " if out else "") + token.text
    return out

