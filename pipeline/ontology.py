"""Load and check the ontology: vocabulary, predicate lexicon, entity lexicon, cues.

Everything domain-specific the extractor knows comes from the Turtle files in
``ontology/``; this module turns them into a :class:`Lexicon` of plain lookup
tables and refuses files that contradict themselves.

>>> lexicon = load_lexicon()
>>> lexicon.verb_triggers["interact with"] == CG.interactsWith
True
>>> lexicon.entity_for("Opioid Receptors") == ENT.opioid_receptors
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from .resources import ontology_dir

CG = Namespace("https://claimgraph.org/ns#")
ENT = Namespace("https://claimgraph.org/entity/")
SHAPES_FILE = "shapes.ttl"
CONSTRUCTIONS_FILE = "constructions.ttl"  # examples of each construction, run as tests; not vocabulary


class OntologyError(Exception):
    """The ontology files are malformed or contradict themselves."""


@dataclass(frozen=True)
class PredicateInfo:
    iri: URIRef
    label: str
    effect: int = 0
    inverse_of: URIRef | None = None
    functional: bool = False
    value_kind: str | None = None
    on_outcome: URIRef | None = None
    on_condition: URIRef | None = None
    upper_bound_of: URIRef | None = None
    always_hedged: bool = False  # "linked to", "associated with": observational, never asserted as an effect


@dataclass(frozen=True)
class EntityInfo:
    iri: URIRef
    label: str
    classes: frozenset[URIRef]
    broader: frozenset[URIRef] = frozenset()


@dataclass
class Lexicon:
    """The ontology as lookup tables for the extractor, normaliser and reasoner."""

    predicates: dict[URIRef, PredicateInfo] = field(default_factory=dict)
    verb_triggers: dict[str, URIRef] = field(default_factory=dict)
    noun_triggers: dict[str, URIRef] = field(default_factory=dict)
    adjective_triggers: dict[str, URIRef] = field(default_factory=dict)
    modifier_triggers: dict[str, URIRef] = field(default_factory=dict)
    value_triggers: dict[str, URIRef] = field(default_factory=dict)
    bound_cues: dict[URIRef, frozenset[str]] = field(default_factory=dict)
    bound_cues_after: dict[URIRef, frozenset[str]] = field(default_factory=dict)
    entities: dict[URIRef, EntityInfo] = field(default_factory=dict)
    labels: dict[str, URIRef] = field(default_factory=dict)
    anaphor_nouns: dict[str, frozenset[URIRef]] = field(default_factory=dict)
    superclasses: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    opposites: frozenset[frozenset[URIRef]] = frozenset()
    cues: dict[str, frozenset[str]] = field(default_factory=dict)
    units: dict[str, tuple[str, float]] = field(default_factory=dict)
    number_words: dict[str, float] = field(default_factory=dict)
    digest: str = ""
    graph: Graph = field(default_factory=Graph)

    def entity_for(self, label: str) -> URIRef | None:
        """The lexicon entity a label (preferred or alias) names, if any."""
        return self.labels.get(label_key(label))

    def cue(self, name: str) -> frozenset[str]:
        """The words of one cue list of ``cues.ttl`` (``negation``, ``hedgeModal``, …)."""
        return self.cues.get(name, frozenset())

    def canonical(self, predicate: URIRef) -> tuple[URIRef, bool]:
        """The stored direction of a predicate and whether subject and object swap."""
        info = self.predicates[predicate]
        return (info.inverse_of, True) if info.inverse_of else (predicate, False)

    def fitted(self, predicate: URIRef, obj: URIRef, head: str = "") -> URIRef:
        """The predicate that says this effect of this kind of object: reducing an outcome disrupts it.

        An object the lexicon does not class is an outcome when its head word names a good thing
        (``goodOutcomeHead``): "reduces lung function" disrupts lung function; a condition when it names
        an ailment (``conditionHead``): "worsens kidney disease" causes it.

        >>> lexicon = load_lexicon()
        >>> lexicon.fitted(CG.treats, ENT.sleep) == CG.disrupts
        True
        >>> lexicon.fitted(CG.treats, ENT["lung_function"], head="function") == CG.disrupts
        True
        """
        info = self.predicates[predicate]
        unclassed = obj not in self.entities
        if info.on_outcome is not None and (
                self.is_a(obj, CG.Outcome) or (unclassed and head.lower() in self.cue("goodOutcomeHead"))):
            return info.on_outcome
        if info.on_condition is not None and (
                self.is_a(obj, CG.Condition) or (unclassed and head.lower() in self.cue("conditionHead"))):
            return info.on_condition
        return predicate

    def is_a(self, entity: URIRef, cls: URIRef) -> bool:
        info = self.entities.get(entity)
        return bool(info) and any(cls in self.superclasses.get(c, frozenset({c})) for c in info.classes)


_NOT_IN_LABELS = re.compile(r"(?:[^\w']|_)+")


def label_key(text: str) -> str:
    """Fold a label for lookup: Unicode NFKC, lower case, straight quotes, punctuation to spaces.

    Letters of every script are kept, so "α-blockers" and "β-blockers" stay apart.

    >>> label_key("The body’s Mu-Opioid  receptors"), label_key("α-Blockers")
    ("the body's mu opioid receptors", 'α blockers')
    """
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    return _NOT_IN_LABELS.sub(" ", text).strip()


def ontology_files(directory: Path | None = None) -> list[Path]:
    """The vocabulary's Turtle files (the SHACL shapes and the construction examples are not vocabulary)."""
    folder = directory or ontology_dir()
    return sorted(path for path in folder.glob("*.ttl") if path.name not in (SHAPES_FILE, CONSTRUCTIONS_FILE))


def ontology_digest(directory: Path | None = None) -> str:
    """A hash of the vocabulary files and the confidence weights: a change means a full re-extraction
    (shapes do not count)."""
    digest = hashlib.sha256()
    folder = directory or ontology_dir()
    for path in [*ontology_files(directory), *sorted(folder.glob("*.json"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=4)
def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Parse the ontology folder into a checked :class:`Lexicon`."""
    graph = Graph()
    for path in ontology_files(directory):
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several parser exception types
            raise OntologyError(f"{path.name}: not valid Turtle ({error})") from error
    lexicon = Lexicon(graph=graph, digest=ontology_digest(directory))
    _load_predicates(graph, lexicon)
    _load_classes(graph, lexicon)
    _load_entities(graph, lexicon)
    _load_cues(graph, lexicon)
    return lexicon


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return str(value) if value is not None else None


def _words(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return sorted(label_key(str(o)) for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def _register(table: dict[str, URIRef], key: str, target: URIRef, kind: str) -> None:
    if table.get(key, target) != target:
        raise OntologyError(f"{kind} {key!r} is claimed by both {table[key]} and {target}")
    table[key] = target


def _load_predicates(graph: Graph, lexicon: Lexicon) -> None:
    for iri in sorted(graph.subjects(RDF.type, CG.ClaimPredicate)):
        label = _text(graph, iri, RDFS.label)
        if not label:
            raise OntologyError(f"predicate {iri} has no rdfs:label")
        effect = int(graph.value(iri, CG.effect) or 0)
        if effect not in (-1, 0, 1):
            raise OntologyError(f"predicate {iri}: cg:effect must be -1, 0 or 1, not {effect}")
        inverse = graph.value(iri, OWL.inverseOf)
        lexicon.predicates[iri] = PredicateInfo(
            iri=iri,
            label=label,
            effect=effect,
            inverse_of=inverse if isinstance(inverse, URIRef) else None,
            functional=(iri, RDF.type, OWL.FunctionalProperty) in graph,
            value_kind=_text(graph, iri, CG.valueKind),
            on_outcome=graph.value(iri, CG.onOutcome),
            on_condition=graph.value(iri, CG.onCondition),
            upper_bound_of=graph.value(iri, CG.upperBoundOf),
            always_hedged=bool(graph.value(iri, CG.alwaysHedged)),
        )
        tables = (
            (CG.verbTrigger, lexicon.verb_triggers, "verb trigger"),
            (CG.nounTrigger, lexicon.noun_triggers, "noun trigger"),
            (CG.adjectiveTrigger, lexicon.adjective_triggers, "adjective trigger"),
            (CG.modifierTrigger, lexicon.modifier_triggers, "modifier trigger"),
            (CG.valueTrigger, lexicon.value_triggers, "value trigger"),
        )
        for prop, table, kind in tables:
            for word in _words(graph, iri, prop):
                _register(table, word, iri, kind)
    lexicon.bound_cues = {iri: frozenset(cues) for iri in lexicon.predicates if (cues := _words(graph, iri, CG.boundCue))}
    lexicon.bound_cues_after = {iri: frozenset(cues) for iri in lexicon.predicates
                                if (cues := _words(graph, iri, CG.boundCueAfter))}
    for info in lexicon.predicates.values():
        if info.inverse_of is None:
            continue
        target = lexicon.predicates.get(info.inverse_of)
        if target is None:
            raise OntologyError(f"{info.iri} is owl:inverseOf {info.inverse_of}, which is not a cg:ClaimPredicate")
        if target.inverse_of is not None:
            raise OntologyError(f"{info.iri} and {info.inverse_of} are both declared inverses: declare only one side")


def _load_classes(graph: Graph, lexicon: Lexicon) -> None:
    classes = set(graph.subjects(RDF.type, OWL.Class))
    for cls in classes:
        lexicon.superclasses[cls] = frozenset(graph.transitive_objects(cls, RDFS.subClassOf))
    anaphors: dict[str, set[URIRef]] = {}
    for cls in classes:
        for word in _words(graph, cls, CG.anaphorNoun):
            anaphors.setdefault(word, set()).add(cls)
    lexicon.anaphor_nouns = {word: frozenset(found) for word, found in anaphors.items()}


def _load_entities(graph: Graph, lexicon: Lexicon) -> None:
    known_classes = set(lexicon.superclasses)
    for iri in sorted(set(graph.subjects(SKOS.prefLabel, None))):
        labels = list(graph.objects(iri, SKOS.prefLabel))
        if len(labels) != 1:
            raise OntologyError(f"entity {iri} has {len(labels)} skos:prefLabel values; it needs exactly one")
        classes = frozenset(c for c in graph.objects(iri, RDF.type) if c in known_classes) or frozenset({CG.Entity})
        lexicon.entities[iri] = EntityInfo(
            iri=iri,
            label=str(labels[0]),
            classes=classes,
            broader=frozenset(o for o in graph.objects(iri, SKOS.broader) if isinstance(o, URIRef)),
        )
        for label in [labels[0], *graph.objects(iri, SKOS.altLabel)]:
            _register(lexicon.labels, label_key(str(label)), iri, "entity label")
    for info in lexicon.entities.values():
        for parent in info.broader:
            if parent not in lexicon.entities:
                raise OntologyError(f"entity {info.iri} has skos:broader {parent}, which is not in the lexicon")
    pairs = set()
    for a, b in graph.subject_objects(CG.opposite):
        if a not in lexicon.entities or b not in lexicon.entities:
            raise OntologyError(f"cg:opposite links {a} and {b}; both must be lexicon entities")
        pairs.add(frozenset((a, b)))
    lexicon.opposites = frozenset(pairs)


def _load_cues(graph: Graph, lexicon: Lexicon) -> None:
    for cue in graph.subjects(RDF.type, CG.Cue):
        lexicon.cues[str(cue).removeprefix(str(CG))] = frozenset(_words(graph, cue, CG.word))
    for unit in graph.subjects(RDF.type, CG.Unit):
        normalised = _text(graph, unit, CG.normalisedUnit)
        factor = graph.value(unit, CG.factor)
        if normalised is None or factor is None:
            raise OntologyError(f"unit {unit} needs cg:normalisedUnit and cg:factor")
        for word in _words(graph, unit, CG.word):
            lexicon.units[word] = (normalised, float(factor))
    for number in graph.subjects(RDF.type, CG.NumberWord):
        value = graph.value(number, RDF.value)
        for word in _words(graph, number, CG.word):
            lexicon.number_words[word] = float(value)


@lru_cache(maxsize=1)
def construction_notes(directory: Path | None = None) -> dict[str, str]:
    """What each extraction pattern reads, by the pattern name recorded on evidence (``constructions.ttl``).

    >>> construction_notes()["passive"]
    "A passive verb with its by-agent: 'Insomnia is often caused by stress'."
    """
    graph = Graph().parse((directory or ontology_dir()) / CONSTRUCTIONS_FILE, format="turtle")
    return {str(node).removeprefix(str(CG)): str(comment)
            for node in graph.subjects(RDF.type, CG.Pattern) if (comment := graph.value(node, RDFS.comment))}
