"""Reasoning over the store: claims, agreements and conflicts, as the JSON contract.

The logic lives in ``queries/*.rq``; this module runs those files and shapes
their rows into the objects of the JSON contract (design.md): claims with
their evidence, agreements, and conflicts with their sides.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable, Mapping

from rdflib import Dataset, Literal, URIRef
from rdflib.query import Result

from .counts import counts
from .ontology import CG, label_key, load_lexicon
from .resources import queries_dir

ClaimKey = tuple[str, str]  # (claim IRI, "positive" | "negative")


class QueryError(Exception):
    """A SPARQL query is malformed or failed."""


def query_text(name: str) -> str:
    """The text of a named query in ``queries/`` (``"agreements"`` → ``agreements.rq``)."""
    path = queries_dir() / f"{name}.rq"
    if not path.is_file():
        raise QueryError(f"no query named {name!r} in {queries_dir()}")
    return path.read_text()


def run_query(dataset: Dataset, sparql: str, bindings: Mapping[str, Any] | None = None) -> Result:
    """Run SPARQL over the union of all graphs, parameters bound by initBindings (never spliced into text)."""
    try:
        return dataset.query(sparql, initBindings=dict(bindings or {}))
    except Exception as error:  # the parser and Oxigraph raise several exception types
        prefix = undeclared_prefix(sparql, {name for name, _ in dataset.namespaces()})
        if prefix is not None:
            raise QueryError(f"SPARQL query uses the prefix {prefix}: without declaring it "
                             f"(add PREFIX {prefix}: <…> at the top)") from error
        raise QueryError(f"SPARQL query failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from error


_NOT_NAMES = re.compile(r'<[^<>\s]*>|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|#[^\n]*')  # IRIs, strings, comments
_PREFIXED = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def undeclared_prefix(sparql: str, known: set[str]) -> str | None:
    """The first prefix the query uses that neither it nor ``known`` declares (``""`` for ``:name``).

    >>> undeclared_prefix('PREFIX ex: <http://x/> SELECT * { ?s ex:p "a:b" ; foo:q <http://y> }', {"rdf"})
    'foo'
    >>> undeclared_prefix("SELECT * { ?s rdf:type ?o }", {"rdf"}) is None
    True
    """
    text = _NOT_NAMES.sub(" ", sparql)
    declared = {found.group(1) or "" for found in _DECLARED.finditer(text)} | known
    for found in _PREFIXED.finditer(text):
        if (found.group(1) or "") not in declared:
            return found.group(1) or ""
    return None


def _local(value: URIRef | Literal) -> str:
    return str(value).removeprefix(str(CG))


def all_claims(dataset: Dataset) -> dict[ClaimKey, dict]:
    """Every claim element of the contract, keyed by (claim IRI, polarity).

    Entity terms also list ``aliases``: the other ways the evidence wrote them ("dependence" for addiction).
    """
    claims: dict[ClaimKey, dict] = {}
    evidence_seen: set[str] = set()
    for row in run_query(dataset, query_text("claims")):
        polarity = _local(row.polarity)
        key = (str(row.claim), polarity)
        element = claims.get(key)
        if element is None:
            element = claims[key] = {
                "id": str(row.claim),
                "subject": {"id": str(row.subject), "label": str(row.subjectLabel or _tail(row.subject))},
                "predicate": {"id": str(row.predicate), "label": str(row.predicateLabel or _tail(row.predicate))},
                "object": _object_term(row.object, row.objectLabel, row.objectText),
                "polarity": polarity,
                "modality": "hedged",
                "sources": [],
                "evidence": [],
            }
        if str(row.evidence) in evidence_seen:
            continue
        evidence_seen.add(str(row.evidence))
        modality = _local(row.modality)
        source = str(row.sourceId)
        if source not in element["sources"]:
            element["sources"].append(source)
        if modality == "asserted":
            element["modality"] = "asserted"
        _add_alias(element["subject"], str(row.subjectText))
        _add_alias(element["object"], str(row.objectText))
        element["evidence"].append({
            "source": source, "sentence": str(row.sentence), "start": int(row.start), "end": int(row.end),
            "polarity": polarity, "modality": modality,
            "pattern": str(row.pattern or ""), "confidence": float(row.confidence) if row.confidence is not None else 1.0,
        })
    for element in claims.values():
        element["sources"].sort()
    return claims


def _add_alias(term: dict, written: str) -> None:
    """Record how an entity was written when that differs from its label (values keep their text as label)."""
    if "value" in term:
        return
    written = " ".join(written.lower().split())
    if written and label_key(written) != label_key(term["label"]) and written not in term.setdefault("aliases", []):
        term["aliases"].append(written)
        term["aliases"].sort()


def _tail(iri: URIRef) -> str:
    return str(iri).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("_", " ")


def _object_term(node: URIRef | Literal, label: Literal | None, text: Literal) -> dict:
    if isinstance(node, Literal):
        return {"value": str(node), "datatype": str(node.datatype), "label": str(text)}
    return {"id": str(node), "label": str(label or _tail(node))}


class UnknownEntity(LookupError):
    """A name that matches no entity of the claims; the message suggests near names."""


def _entity_names(claims: Iterable[dict]) -> dict[str, str]:
    """Every way to name an entity of the claims (label, alias as written, IRI, IRI tail), folded, to its IRI."""
    names: dict[str, str] = {}
    for claim in claims:
        for term in (claim["subject"], claim["object"]):
            if "id" not in term:
                continue
            names.setdefault(term["id"], term["id"])
            for name in (term["label"], _tail(URIRef(term["id"])), *term.get("aliases", ())):
                names.setdefault(label_key(name), term["id"])
    return names


def resolve_entity(claims: Iterable[dict], name: str) -> str:
    """The IRI of the entity a user's name refers to: IRI, label, IRI tail, or an alias (evidence or lexicon).

    >>> claim = {"subject": {"id": "https://claimgraph.org/entity/melatonin", "label": "melatonin"},
    ...          "object": {"value": "P1D", "label": "1 day"}}
    >>> resolve_entity([claim], "Melatonin")
    'https://claimgraph.org/entity/melatonin'
    >>> resolve_entity([claim], "melatonine")
    Traceback (most recent call last):
    ...
    pipeline.reason.UnknownEntity: no entity named 'melatonine' in the claims; did you mean: melatonin?

    Raises:
        UnknownEntity: nothing in the claims goes by that name.
    """
    names = _entity_names(claims)
    found = names.get(name) or names.get(label_key(name))
    if found is None:
        alias = load_lexicon().entity_for(name)
        found = names.get(str(alias)) if alias is not None else None
    if found is None:
        near = difflib.get_close_matches(label_key(name), [n for n in names if "://" not in n], n=3, cutoff=0.6)
        hint = f"; did you mean: {', '.join(near)}?" if near else " (`claimgraph stats` counts them, `claimgraph claims` lists them)"
        raise UnknownEntity(f"no entity named {name!r} in the claims{hint}")
    return found


def about(claims: Iterable[dict], entity: str) -> list[dict]:
    """Claims whose subject or object is the named entity (see :func:`resolve_entity`).

    Raises:
        UnknownEntity: nothing in the claims goes by that name.
    """
    claims = list(claims)
    iri = resolve_entity(claims, entity)
    return [c for c in claims if iri in (c["subject"].get("id"), c["object"].get("id"))]


def agreements(dataset: Dataset, min_sources: int = 2, claims: dict[ClaimKey, dict] | None = None,
               found_conflicts: list[dict] | None = None) -> list[dict]:
    """Claims with ``min_sources`` or more independent sources of one polarity, each with a support score.

    Pass the store's ``claims`` and ``found_conflicts`` when you already have them, to avoid computing them twice.
    """
    claims = claims if claims is not None else all_claims(dataset)
    if found_conflicts is None:
        found_conflicts = conflicts(dataset, claims=claims)
    against = _opposition(found_conflicts)
    out = []
    for row in run_query(dataset, query_text("agreements")):
        independent = int(row.independentSources)
        if independent < min_sources:
            continue
        key = (str(row.claim), _local(row.polarity))
        opposed_asserted, opposed_hedged = against.get(key, (0, 0))
        element = dict(claims[key])
        element["independent_sources"] = independent
        element["support"] = support_score(int(row.asserted), int(row.hedged), opposed_asserted, opposed_hedged)
        out.append(element)
    out.sort(key=lambda c: (-c["support"], -c["independent_sources"], c["subject"]["label"]))
    return out


def support_score(asserted: int, hedged: int, opposed_asserted: int = 0, opposed_hedged: int = 0) -> float:
    """Belief in a claim, after INDRA's belief model: evidence for and against scored separately.

    Each independent source that asserts the claim is taken as 80% reliable, one that only hedges as 50%;
    belief for = 1 − Π(1 − p). Sources on the other side of a conflict give a belief against, computed the
    same way; support = belief for × (1 − belief against).

    >>> support_score(2, 0), support_score(1, 1), support_score(2, 0, opposed_asserted=1)
    (0.96, 0.9, 0.192)
    """
    belief_for = 1 - 0.2**asserted * 0.5**hedged
    belief_against = 1 - 0.2**opposed_asserted * 0.5**opposed_hedged
    return round(belief_for * (1 - belief_against), 3)


def _opposition(found: list[dict]) -> dict[ClaimKey, tuple[int, int]]:
    """For each claim in a conflict: how many sources on the other sides assert, and how many only hedge."""
    against: dict[ClaimKey, tuple[set[str], set[str]]] = {}
    for conflict in found:
        for i, side in enumerate(conflict["sides"]):
            asserted, hedged = set(), set()
            for j, other in enumerate(conflict["sides"]):
                if i == j:
                    continue
                for claim in other["claims"]:
                    for evidence in claim["evidence"]:
                        (asserted if evidence["modality"] == "asserted" else hedged).add(evidence["source"])
            for claim in side["claims"]:
                known = against.setdefault((claim["id"], claim["polarity"]), (set(), set()))
                known[0].update(asserted)
                known[1].update(hedged - asserted)
    return {key: (len(a), len(h - a)) for key, (a, h) in against.items()}


def conflicts(dataset: Dataset, claims: dict[ClaimKey, dict] | None = None, about_entity: str | None = None) -> list[dict]:
    """Polarity, opposing-effect and value conflicts, each with its sides' claims and evidence.

    Raises:
        UnknownEntity: ``about_entity`` names no entity of the claims.
    """
    claims = claims if claims is not None else all_claims(dataset)
    found: list[dict] = []
    for row in run_query(dataset, query_text("conflicts-polarity")):
        iri = str(row.claim)
        positive, negative = claims[(iri, "positive")], claims[(iri, "negative")]
        found.append(_conflict("polarity", _label(positive), [[positive], [negative]]))
    entailed: dict[str, list[dict]] = {}
    for row in run_query(dataset, query_text("conflicts-entailed")):
        asserted = claims.get((str(row.asserted), "positive"))
        if asserted is not None:
            entailed.setdefault(str(row.denied), []).append(asserted)
    for denied_iri, asserted in entailed.items():
        denied = claims[(denied_iri, "negative")]
        found.append(_conflict("polarity", _label(denied), [asserted, [denied]]))
    found.extend(_opposing_conflicts(dataset, claims))
    found.extend(_value_conflicts(dataset, claims))
    if about_entity:
        iri = resolve_entity(claims.values(), about_entity)
        found = [x for x in found if any(iri in (c["subject"].get("id"), c["object"].get("id"))
                                         for side in x["sides"] for c in side["claims"])]
    return found


def _label(claim: dict) -> str:
    return f"{claim['subject']['label']} {claim['predicate']['label']} {claim['object']['label']}"


def _opposing_conflicts(dataset: Dataset, claims: dict[ClaimKey, dict]) -> list[dict]:
    """One conflict per (subject, outcome axis): claims raising the axis' pole against claims lowering it."""
    effects: dict[str, int] = {}
    opposites: dict[str, set[str]] = {}
    for row in run_query(dataset, query_text("outcome-axes")):
        if row.predicate is not None:
            effects[str(row.predicate)] = int(row.effect)
        if row.outcome is not None:
            opposites.setdefault(str(row.outcome), set()).add(str(row.opposite))
    groups: dict[tuple[str, str], dict[int, list[dict]]] = {}
    seen: set[str] = set()
    for row in run_query(dataset, query_text("conflicts-opposing")):
        for iri in (str(row.claimA), str(row.claimB)):
            claim = claims.get((iri, "positive"))
            if claim is None or iri in seen:
                continue
            seen.add(iri)
            pole, parity = _axis(claim["object"]["id"], opposites)
            direction = effects.get(claim["predicate"]["id"], 0) * parity
            sides = groups.setdefault((claim["subject"]["id"], pole), {1: [], -1: []})
            sides[direction].append(claim)
    found = []
    for sides in groups.values():
        if sides[1] and sides[-1]:
            outcomes = sorted({c["object"]["label"] for side in sides.values() for c in side})
            topic = f"{sides[1][0]['subject']['label']}: {' / '.join(outcomes)}"
            found.append(_conflict("opposing", topic, [sides[1], sides[-1]]))
    return found


def _axis(outcome: str, opposites: dict[str, set[str]]) -> tuple[str, int]:
    """The axis an outcome lies on (its pole: the smallest IRI linked by cg:opposite) and its side of it.

    "sleep", "insomnia" and "sleep disturbances" share one axis; sleep is +1 or -1 and the other two the reverse.
    """
    parity = {outcome: 1}
    queue = [outcome]
    while queue:
        node = queue.pop()
        for other in opposites.get(node, ()):
            if other not in parity:
                parity[other] = -parity[node]
                queue.append(other)
    pole = min(parity)
    return pole, parity[outcome] * parity[pole]


def _value_conflicts(dataset: Dataset, claims: dict[ClaimKey, dict]) -> list[dict]:
    """Conflicts per (subject, compared predicate) between clusters of overlapping values.

    Two clusters make one conflict; more make one per neighbouring pair (12 weeks vs 3 months,
    3 months vs 6 months), so every conflict has the two sides the JSON contract promises.
    """
    ranges: dict[tuple[str, str], dict[str, tuple[float, float]]] = {}
    for row in run_query(dataset, query_text("conflicts-value")):
        for iri, low, high in ((row.claimA, row.minA, row.maxA), (row.claimB, row.minB, row.maxB)):
            claim = claims.get((str(iri), "positive"))
            if claim is not None:
                key = (claim["subject"]["id"], str(row.predicate))
                ranges.setdefault(key, {})[str(iri)] = (float(low), float(high))
    found = []
    for (_, compared), found_ranges in ranges.items():
        clusters: list[tuple[float, list[dict]]] = []
        for iri, (low, high) in sorted(found_ranges.items(), key=lambda item: item[1]):
            claim = claims[(iri, "positive")]
            if clusters and low <= clusters[-1][0]:
                clusters[-1] = (max(clusters[-1][0], high), clusters[-1][1] + [claim])
            else:
                clusters.append((high, [claim]))
        for (_, lower), (_, upper) in zip(clusters, clusters[1:]):
            named = next((c for c in lower + upper if c["predicate"]["id"] == compared), lower[0])
            topic = f"{named['subject']['label']}: {named['predicate']['label']}"
            found.append(_conflict("value", topic, [lower, upper]))
    return found


def _side(claims: list[dict]) -> dict:
    sources = sorted({s for c in claims for s in c["sources"]})
    modality = "asserted" if any(c["modality"] == "asserted" for c in claims) else "hedged"
    return {"claims": claims, "sources": sources, "modality": modality}


def _conflict(kind: str, topic: str, sides: list[list[dict]]) -> dict:
    built = [_side(claims) for claims in sides]
    counts: dict[str, int] = {}
    for side in built:
        for source in side["sources"]:
            counts[source] = counts.get(source, 0) + 1
    contradicting = sorted(source for source, n in counts.items() if n > 1)
    return {"kind": kind, "topic": topic, "sides": built, "self_contradicting_sources": contradicting}


def stats(dataset: Dataset) -> dict[str, int]:
    """Counts of sources, claims, evidence, entities, conflicts and triples (claims, entities and conflicts
    as :mod:`pipeline.counts` defines them, so every command agrees)."""
    row = next(iter(run_query(dataset, query_text("stats"))))
    found = all_claims(dataset)
    total = counts(found.values(), conflicts(dataset, claims=found))
    return {"sources": int(row["sources"]), "claims": total.claims, "evidence": int(row["evidence"]),
            "entities": total.entities, "conflicts": total.conflicts, "triples": len(dataset)}

