"""Every example of ontology/constructions.ttl, run through the real extractor.

A construction is declared once, in Turtle, with the sentences it must read and the claims each
must (``cg:yields``) or must not (``cg:forbids``) give; this module turns each example into a test.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal

from pipeline.normalise import normalise
from pipeline.ontology import CG
from pipeline.resources import ontology_dir


def _examples() -> list[tuple[str, str, list[str], list[str], bool]]:
    graph = Graph().parse(ontology_dir() / "constructions.ttl")
    found = []
    for construction in graph.subjects(RDFS.label, None):
        if not any(graph.triples((construction, RDF.type, kind)) for kind in (CG.Pattern, CG.Rule)):
            continue
        for example in graph.objects(construction, CG.example):
            found.append((str(construction).removeprefix(str(CG)), str(graph.value(example, CG.text)),
                          sorted(str(y) for y in graph.objects(example, CG.yields)),
                          sorted(str(f) for f in graph.objects(example, CG.forbids)),
                          graph.value(example, CG.yieldsNothing) == Literal(True)))
    return sorted(found)


EXAMPLES = _examples()


def test_every_construction_has_a_checked_example():
    assert len({name for name, *_ in EXAMPLES}) >= 12
    assert all(yields or forbids or nothing for _, _, yields, forbids, nothing in EXAMPLES)


@pytest.mark.parametrize("name, text, yields, forbids, nothing", EXAMPLES, ids=[f"{e[0]}: {e[1][:40]}" for e in EXAMPLES])
def test_construction_example(name, text, yields, forbids, nothing, extract, lexicon):
    claims = {
        " | ".join((item.claim.subject.label, lexicon.predicates[item.claim.predicate].label, item.claim.object.label,
                    "positive" if item.positive else "negative", "hedged" if item.hedged else "asserted"))
        for item in normalise(extract(text), lexicon)
    }
    for claim in yields:
        assert claim in claims, f"{name}: {text!r} should yield {claim!r}; got {sorted(claims)}"
    for claim in forbids:
        assert claim not in claims, f"{name}: {text!r} must not yield {claim!r}"
    if nothing:
        assert not claims, f"{name}: {text!r} claims nothing; got {sorted(claims)}"
