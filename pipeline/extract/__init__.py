"""Extraction: parsed article text → claim mentions.

A pure function of (parsed text, ontology): :func:`extract_claims` walks an
article's sentences in order (anaphora needs the order), finds predicate
frames and values on the dependency parse, resolves their arguments to
entity phrases and reads negation, hedging and conditions.

>>> from pipeline.nlp import load_model, model_name
>>> from pipeline.ontology import load_lexicon
>>> from pipeline.extract.statements import statement_blocks
>>> nlp, lexicon = load_model(model_name()), load_lexicon()
>>> blocks = statement_blocks("Caffeine may disrupt sleep.")
>>> [(m.subject.text, m.predicate.split("#")[1], m.object.text, m.hedged)
...  for m in extract_claims(zip(blocks, nlp.pipe(b.text for b in blocks)), lexicon)]
[('Caffeine', 'disrupts', 'sleep', True)]
"""

from __future__ import annotations

from typing import Iterable

from spacy.tokens import Doc, Span, Token

from ..ontology import CG, Lexicon, label_key
from .anaphora import Discourse
from .confidence import parse_signals
from .frames import Frame, FrameFinder
from .syntax import clause_subject, is_plural
from .mentions import ClaimMention, Phrase, Value
from .modality import conditions, is_hedged, is_negated, is_open_question
from .phrases import PhraseResolver
from .statements import Block, is_clause
from .values import find_values

MAX_SECTION_NAME_WORDS = 3
EXTRACTOR_NAME = "claimgraph-dependency"
EXTRACTOR_VERSION = "0.4.0"


def extract_claims(parsed: Iterable[tuple[Block, Doc]], lexicon: Lexicon) -> list[ClaimMention]:
    """All claim mentions of one article, given its statement blocks and their parses, in order."""
    discourse = Discourse(lexicon)
    finder = FrameFinder(lexicon)
    mentions: list[ClaimMention] = []
    for block, doc in parsed:
        if block.heading:
            discourse.open_section(_heading_names(doc, discourse, lexicon))
            continue
        for sentence in doc.sents:
            if (block.list_item and not is_clause(sentence)) or sentence.text.rstrip().endswith("?"):
                continue  # a question asks; it claims nothing
            mentions.extend(_sentence_claims(sentence, block, discourse, finder, lexicon))
            discourse.next_sentence()
    return _merge_duplicates(mentions)


def _heading_names(doc: Doc, discourse: Discourse, lexicon: Lexicon) -> Phrase | None:
    """The one thing a short heading names ("Tart cherry juice", "Gabapentin"); None for a clause ("How it
    works"), a list of things, or a kind of section ("Safety", "Active compounds", "The bottom line")."""
    root = doc[:].root
    words = [t for t in doc if t.is_alpha]
    if root.pos_ not in ("NOUN", "PROPN") or any(t.pos_ in ("VERB", "AUX") for t in doc) or len(words) > MAX_SECTION_NAME_WORDS:
        return None
    generic = lexicon.cue("sectionNoun") | lexicon.cue("nonEntityNoun") | lexicon.cue("constituentNoun") | lexicon.cue("propertyNoun")
    if any(t.lemma_.lower() in generic for t in words):
        return None
    found = PhraseResolver(lexicon, discourse, doc[:]).resolve(root)
    return found[0] if len(found) == 1 else None


def _merge_duplicates(mentions: list[ClaimMention]) -> list[ClaimMention]:
    """One mention per (claim, polarity, sentence); asserted wins over hedged when two frames find it."""
    merged: dict[tuple, ClaimMention] = {}
    for mention in mentions:
        key = (mention.subject.lemma_key, mention.subject.entity, mention.predicate, _object_key(mention.object),
               mention.negated, mention.start)
        kept = merged.get(key)
        if kept is None or (kept.hedged and not mention.hedged):
            merged[key] = mention
    return list(merged.values())


def _object_key(obj: Phrase | Value) -> tuple:
    if isinstance(obj, Value):
        return (obj.kind, obj.low, obj.high)
    return (obj.lemma_key, obj.entity)


def _sentence_claims(
    sentence: Span, block: Block, discourse: Discourse, finder: FrameFinder, lexicon: Lexicon
) -> list[ClaimMention]:
    resolver = PhraseResolver(lexicon, discourse, sentence, opens_list_item=block.bulleted and sentence.start == 0)
    main_subject = _main_subject(sentence, resolver)
    start, end = block.start + sentence.start_char, block.start + sentence.end_char
    out: list[ClaimMention] = []

    def emit(subject: Phrase, predicate, obj: Phrase | Value, negated: bool, hedged: bool, conds: tuple[str, ...],
             pattern: str, signals: tuple[str, ...]) -> None:
        canonical, swap = lexicon.canonical(predicate)
        if swap:
            if isinstance(obj, Value):
                return
            subject, obj = obj, subject
        if isinstance(obj, Phrase) and _same(subject, obj):
            return
        out.append(ClaimMention(subject, canonical, obj, negated, hedged, sentence.text, start, end, conds,
                                pattern, signals))

    for frame in finder.frames(sentence):
        spanned = resolver.span_phrase(frame.subject_span) if frame.subject_span is not None else None
        subjects = [spanned] if spanned is not None else resolver.resolve(frame.subject)
        objects = _objects(frame, resolver, lexicon)
        if not subjects or not objects or is_open_question(frame.anchor, lexicon):
            continue
        negated = frame.extra_negated or is_negated(frame.anchor, lexicon, list(frame.extra))
        hedged = frame.observed or is_hedged(frame.anchor, lexicon, list(frame.extra))
        used = {frame.subject.i, frame.object.i, *(t.i for t in frame.object.ancestors if t.head.i == frame.anchor.i)}
        conds = conditions(frame.anchor, used, lexicon)
        signals = parse_signals(sentence, frame.anchor, frame.subject, frame.object, len(subjects) * len(objects))
        for subject in subjects:
            for obj in objects:
                emit(subject, frame.predicate, obj, negated, hedged, conds, frame.pattern, signals)
    for found in find_values(sentence, lexicon):
        if is_open_question(found.anchor, lexicon):
            continue
        hedged = is_hedged(found.anchor, lexicon)
        subjects = resolver.resolve(found.subject)
        signals = parse_signals(sentence, found.anchor, found.subject, None, len(subjects))
        for subject in subjects:
            emit(subject, found.predicate, found.value, is_negated(found.anchor, lexicon), hedged, (), "value", signals)
    resolver.find_parts()
    for part in resolver.parts:
        emit(part.owner, CG.hasConstituent, part.member, False, False, (), "constituent-list", ())
    for phrase in resolver.noun_phrases():
        discourse.note_name(phrase)
    for mention in out:
        for phrase in (mention.subject, mention.object):
            if isinstance(phrase, Phrase):
                discourse.note_mention(phrase)
    if main_subject is not None:
        phrase, token = main_subject
        discourse.note_mention(phrase)
        discourse.note_subject(phrase, is_plural(token), token.pos_ == "PROPN")
    return out


def _main_subject(sentence: Span, resolver: PhraseResolver) -> tuple[Phrase, Token] | None:
    """The sentence's own subject, which "its" later in the sentence refers to."""
    subject = clause_subject(sentence.root)
    if subject is None:
        return None
    phrases = resolver.resolve(subject)
    if len(phrases) != 1:
        return None
    resolver.current_subject = phrases[0]
    resolver.current_subject_index = subject.i
    resolver.current_is_named = resolver.discourse.can_be_antecedent(phrases[0], subject.pos_ == "PROPN") or (
        phrases[0] == resolver.discourse.section)  # a section's subject, however it was named
    return phrases[0], subject


def _objects(frame: Frame, resolver: PhraseResolver, lexicon: Lexicon) -> list[Phrase]:
    """The object's entity phrases; an adjective object ("sedative properties", "a bleeding risk") is one word."""
    token = frame.object
    if frame.object_span is not None:
        phrase = resolver.span_phrase(frame.object_span)
        return [phrase] if phrase else []
    if token.pos_ == "ADJ" or token.dep_ == "amod":
        phrase = resolver.phrase_of_word(token.text, token.lemma_)
        if phrase is None and frame.anchor.lemma_.lower() not in lexicon.cue("propertyNoun"):
            phrase = Phrase(text=token.text, key=label_key(token.text), lemma_key=label_key(token.text))
        return [phrase] if phrase else []
    return resolver.resolve(token)


def _same(a: Phrase, b: Phrase) -> bool:
    if a.entity is not None and a.entity == b.entity:
        return True
    return a.lemma_key == b.lemma_key


__all__ = ["extract_claims", "ClaimMention", "Phrase", "Value", "EXTRACTOR_NAME", "EXTRACTOR_VERSION"]
