"""Reasoning over the store: claims, agreements and conflicts, as the JSON contract.

The logic lives in ``queries/*.rq``; this module runs those files and shapes
their rows into the objects of the JSON contract (design.md): claims with
their evidence, agreements, and conflicts with their sides.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from rdflib import Dataset, Literal, URIRef
from rdflib.query import Result

from .ontology import CG, label_key
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
        raise QueryError(f"SPARQL query failed: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from error


def _local(value: URIRef | Literal) -> str:
    return str(value).removeprefix(str(CG))


def all_claims(dataset: Dataset) -> dict[ClaimKey, dict]:
    """Every claim element of the contract, keyed by (claim IRI, polarity)."""
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
        element["evidence"].append({
            "source": source, "sentence": str(row.sentence), "start": int(row.start), "end": int(row.end),
            "polarity": polarity, "modality": modality,
        })
    for element in claims.values():
        element["sources"].sort()
    return claims


def _tail(iri: URIRef) -> str:
    return str(iri).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1].replace("_", " ")


def _object_term(node: URIRef | Literal, label: Literal | None, text: Literal) -> dict:
    if isinstance(node, Literal):
        return {"value": str(node), "datatype": str(node.datatype), "label": str(text)}
    return {"id": str(node), "label": str(label or _tail(node))}


def about(claims: Iterable[dict], entity: str) -> list[dict]:
    """Claims whose subject or object is the named entity (label, alias or IRI tail, case-folded)."""
    wanted = label_key(entity)
    return [c for c in claims if any(
        wanted in (label_key(term.get("label", "")), label_key(_tail(URIRef(term["id"])) if "id" in term else ""))
        for term in (c["subject"], c["object"]))]


def agreements(dataset: Dataset, min_sources: int = 2) -> list[dict]:
    """Claims with ``min_sources`` or more independent sources of one polarity, each with a support score."""
    claims = all_claims(dataset)
    conflicted = {key for conflict in conflicts(dataset, claims=claims) for side in conflict["sides"]
                  for key in ((c["id"], c["polarity"]) for c in side["claims"])}
    out = []
    for row in run_query(dataset, query_text("agreements")):
        independent = int(row.independentSources)
        if independent < min_sources:
            continue
        key = (str(row.claim), _local(row.polarity))
        element = dict(claims[key])
        element["independent_sources"] = independent
        element["support"] = support_score(int(row.asserted), int(row.hedged), key in conflicted)
        out.append(element)
    out.sort(key=lambda c: (-c["support"], -c["independent_sources"], c["subject"]["label"]))
    return out


def support_score(asserted: int, hedged: int, opposed: bool) -> float:
    """Belief in a claim from independent sources: each asserting source is 80% reliable, each hedging one 50%.

    Combined as in INDRA's belief model (1 − Π(1 − p)), halved when the corpus also holds opposing evidence.

    >>> support_score(2, 0, False), support_score(1, 1, False), support_score(2, 0, True)
    (0.96, 0.9, 0.48)
    """
    disbelief = (1 - 0.8) ** asserted * (1 - 0.5) ** max(hedged - asserted, 0)
    belief = 1 - disbelief
    return round(belief / 2 if opposed else belief, 3)


def conflicts(dataset: Dataset, claims: dict[ClaimKey, dict] | None = None, about_entity: str | None = None) -> list[dict]:
    """Polarity, opposing-effect and value conflicts, each with its two sides' claims and evidence."""
    claims = claims if claims is not None else all_claims(dataset)
    found: list[dict] = []
    for row in run_query(dataset, query_text("conflicts-polarity")):
        iri = str(row.claim)
        positive, negative = claims[(iri, "positive")], claims[(iri, "negative")]
        found.append(_conflict("polarity", _topic(positive), [positive], [negative]))
    for kind, name in (("opposing", "conflicts-opposing"), ("value", "conflicts-value")):
        pairs: dict[tuple[str, str], None] = {}
        for row in run_query(dataset, query_text(name)):
            pairs[(str(row.claimA), str(row.claimB))] = None
        for a, b in pairs:
            side_a, side_b = claims.get((a, "positive")), claims.get((b, "positive"))
            if side_a and side_b:
                found.append(_conflict(kind, _topic(side_a, side_b), [side_a], [side_b]))
    if about_entity:
        wanted = {id(c) for c in about([c for x in found for s in x["sides"] for c in s["claims"]], about_entity)}
        found = [x for x in found if any(id(c) in wanted for s in x["sides"] for c in s["claims"])]
    return found


def _topic(a: dict, b: dict | None = None) -> str:
    if b is None:
        return f"{a['subject']['label']} {a['predicate']['label']} {a['object']['label']}"
    if a["object"].get("id") == b["object"].get("id") or "value" in a["object"]:
        return f"{a['subject']['label']} / {a['predicate']['label'] if 'value' in a['object'] else a['object']['label']}"
    return f"{a['subject']['label']} / {a['object']['label']} vs {b['object']['label']}"


def _side(claims: list[dict]) -> dict:
    sources = sorted({s for c in claims for s in c["sources"]})
    modality = "asserted" if any(c["modality"] == "asserted" for c in claims) else "hedged"
    return {"claims": claims, "sources": sources, "modality": modality}


def _conflict(kind: str, topic: str, a: list[dict], b: list[dict]) -> dict:
    side_a, side_b = _side(a), _side(b)
    both = sorted(set(side_a["sources"]) & set(side_b["sources"]))
    return {"kind": kind, "topic": topic, "sides": [side_a, side_b], "self_contradicting_sources": both}


def stats(dataset: Dataset) -> dict[str, int]:
    """Counts of sources, claims, evidence, entities and triples in the store."""
    row = next(iter(run_query(dataset, query_text("stats"))))
    counts = {name: int(row[name]) for name in ("sources", "claims", "evidence", "entities")}
    counts["triples"] = len(dataset)
    return counts

