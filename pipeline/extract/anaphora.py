"""Anaphora inside one article: which entity "it", "its" or "the herb" means.

The resolver keeps a short memory of the entities recent sentences were about.
A pronoun resolves only when that memory gives one clear answer; otherwise the
claim is dropped rather than guessed, and a pronoun is never a subject itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from ..ontology import Lexicon
from .mentions import Phrase

SINGULAR_PRONOUNS = frozenset({"it", "its", "itself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "themselves", "theirs"})
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
MEMORY_SENTENCES = 2
MENTIONS_OF_A_NAME = 2  # an unknown noun named this often is something the article is about


@dataclass
class _Subject:
    phrase: Phrase
    plural: bool
    sentence: int


@dataclass
class Discourse:
    """Per-article memory of recent subjects and mentioned lexicon entities."""

    lexicon: Lexicon
    sentence: int = 0
    subjects: list[_Subject] = field(default_factory=list)
    mentions: list[tuple[int, Phrase]] = field(default_factory=list)
    subject_counts: dict[str, int] = field(default_factory=dict)
    mention_counts: dict[str, int] = field(default_factory=dict)
    section: Phrase | None = None  # what the current section's heading names, if it names one thing
    section_start: int = 0

    def next_sentence(self) -> None:
        self.sentence += 1

    def open_section(self, named: Phrase | None) -> None:
        """A heading that names one thing ("Gabapentin", "Chamomile tea") starts a section about it: "it" and
        "this drug" refer to it until another is named, and earlier subjects stop being antecedents. Any other
        heading ("Side effects and interactions", "How it works") only ends the previous section's thing."""
        self.section = named
        if named is not None:
            self.section_start = self.sentence

    def can_be_antecedent(self, phrase: Phrase, proper_noun: bool) -> bool:
        """Named things (lexicon entities, proper nouns, recurring subjects or mentions) can be referred back to."""
        return (phrase.entity is not None or proper_noun or self.subject_counts.get(phrase.lemma_key, 0) >= 2
                or self.mention_counts.get(phrase.lemma_key, 0) >= MENTIONS_OF_A_NAME)

    def note_subject(self, phrase: Phrase, plural: bool, proper_noun: bool) -> None:
        self.subject_counts[phrase.lemma_key] = self.subject_counts.get(phrase.lemma_key, 0) + 1
        if self.can_be_antecedent(phrase, proper_noun):
            self.subjects.append(_Subject(phrase, plural, self.sentence))

    def note_name(self, phrase: Phrase) -> None:
        """A noun phrase of this sentence: counted, and remembered for "the herb" when it is a lexicon entity."""
        self.mention_counts[phrase.lemma_key] = self.mention_counts.get(phrase.lemma_key, 0) + 1
        self.note_mention(phrase)

    def note_mention(self, phrase: Phrase) -> None:
        """A claim's argument: a lexicon entity is remembered for "the herb"."""
        if phrase.entity is not None:
            self.mentions.append((self.sentence, phrase))

    def pronoun(self, word: str, current: Phrase | None) -> Phrase | None:
        """The antecedent of a personal pronoun, or None when it is not clear.

        ``current`` is this sentence's own subject when it precedes the pronoun
        ("Kratom, a herb known for its effects": "its" is kratom).
        """
        word = word.lower()
        if word in SINGULAR_PRONOUNS:
            plural = False
        elif word in PLURAL_PRONOUNS:
            plural = True
        else:
            return None
        if current is not None:
            return current
        for subject in reversed(self.subjects):
            if self.sentence - subject.sentence > MEMORY_SENTENCES or subject.sentence < self.section_start:
                break
            if subject.plural == plural:
                return subject.phrase
        return None if plural else self.section

    def by_class(self, classes: frozenset[URIRef], noun: str = "") -> Phrase | None:
        """The entity a definite class noun refers back to ("the herb" → kratom).

        The previous sentence's subject when it can be of the class (an unknown name, or a lexicon
        entity of the class); else the most recent lexicon entity of the class, if exactly one kind is
        recent; else a recent unknown named subject, if only one is recent; else the article's topic.

        When no lexicon entity of the class was mentioned, an unknown topic can still be meant ("Kava … the
        herb"): the article's recurring named subject is taken when it is the only one recently.
        """
        if self.section is not None and (self.section.entity is None or any(self.lexicon.is_a(self.section.entity, cls) for cls in classes)) \
                and not any(s.sentence >= self.section_start and s.phrase.entity is not None for s in self.subjects):
            return self.section  # "Gabapentin" (heading), "This prescription drug is effective…"
        if self.subjects and self.sentence - self.subjects[-1].sentence <= 1 and not self.subjects[-1].plural:
            last = self.subjects[-1].phrase  # "St. John's wort may help… The herb interacts with…"
            topic = self.topic()
            if (last.entity is None and (topic is None or topic.lemma_key == last.lemma_key)) or (
                    last.entity is not None and any(self.lexicon.is_a(last.entity, cls) for cls in classes)):
                return last
        candidates: list[Phrase] = []
        for _, phrase in reversed(self.mentions):
            if phrase.entity is not None and phrase.lemma_key != noun and any(self.lexicon.is_a(phrase.entity, cls) for cls in classes):
                candidates.append(phrase)  # "drugs" in general is not what "the drug" refers back to
        if candidates:
            recent = {p.entity for p in candidates[:3]}
            return candidates[0] if len(recent) == 1 else None
        unknown = [s.phrase for s in reversed(self.subjects) if s.phrase.entity is None and not s.plural
                   and self.sentence - s.sentence <= MEMORY_SENTENCES * 2]
        if unknown and len({p.lemma_key for p in unknown[:3]}) == 1:
            return unknown[0]
        return self.topic()

    def topic(self) -> Phrase | None:
        """The article's topic so far: the named singular subject it returns to most often (at least twice)."""
        latest: dict[str, Phrase] = {}
        for subject in self.subjects:
            if not subject.plural:
                latest[subject.phrase.lemma_key] = subject.phrase
        ranked = sorted(latest, key=lambda key: self.subject_counts.get(key, 0), reverse=True)
        if not ranked or self.subject_counts.get(ranked[0], 0) < 2:
            return None
        if len(ranked) > 1 and self.subject_counts[ranked[1]] == self.subject_counts[ranked[0]]:
            return None
        return latest[ranked[0]]
