"""The interactive claim graph: one self-contained HTML page that opens offline.

Entities are nodes coloured by their ontology class; claims are edges whose
width grows with the number of independent sources and whose colour gives the
claim's status (agreed, single-source, conflicted, negated); hedged claims are
dashed. Hovering an edge previews the claim and its evidence. The page script
adds what a fact-checker works with: a search by name or alias that centres on
an entity and dims all but its neighbourhood, live filters (source, predicate,
kind, independent sources, "conflicts first"), an evidence panel pinned by a
click (every sentence with its source's title, date and link; both sides of a
conflict side by side), and labels for the best-connected nodes in view, sized
to the zoom. vis-network has no such features, so they are written here, as
plain DOM code over vis-network's data sets.

The page inlines vis-network (shipped inside pyvis) and embeds the graph as
JSON, so it needs no network and writes nothing beside itself. Article text is
untrusted: it reaches the page only through ``tojson`` (which escapes ``<``,
``>``, ``&`` and quotes), vis-network shows tooltips with ``innerText`` and the
page script only sets ``textContent`` and http(s)/file links, so markup in a
sentence is displayed, never run.

>>> claim = {"id": "c1", "subject": {"id": "e:a", "label": "a"}, "predicate": {"id": "p", "label": "raises"},
...          "object": {"id": "e:b", "label": "b"}, "polarity": "positive", "modality": "hedged",
...          "sources": ["s1"], "evidence": [{"source": "s1", "sentence": "a may raise b."}]}
>>> graph = claim_graph([claim], independent={}, conflicts=[], types={"e:a": "substance"})
>>> [(graph.nodes[n]["label"], graph.nodes[n]["kind"]) for n in graph]
[('a', 'substance'), ('b', 'entity')]
>>> [data["status"] for _, _, data in graph.edges(data=True)]
['single']
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import igraph
import networkx as nx
from jinja2 import Environment
from markupsafe import Markup
from pyvis.network import Network
from rdflib import RDFS, SKOS, Dataset, URIRef

from .ontology import label_key, load_lexicon
from .reason import ClaimKey, agreements, all_claims, conflicts, run_query

STATUS_STYLES = {
    "conflicted": ("#d62728", "contradicted by another claim"),
    "agreed": ("#2ca02c", "two or more independent sources"),
    "single": ("#8c8c8c", "one independent source"),
    "negated": ("#9467bd", "denied by its sources"),
}
TYPE_PALETTE = ("#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                "#b3de69", "#fccde5", "#bc80bd", "#ccebc5", "#ffed6f", "#a6cee3", "#b2df8a", "#fdbf6f",
                "#cab2d6", "#ff9896", "#c49c94", "#9edae5", "#dbdb8d", "#f7b6d2")
UNTYPED = "entity"
CG_ENTITY = URIRef("https://claimgraph.org/ns#Entity")
VALUE = "value"
UNTYPED_COLOUR, VALUE_COLOUR = "#e8e8e8", "#ffffff"
MAX_EVIDENCE_SHOWN = 6
MAX_SENTENCE_CHARS = 300
MAX_PANEL_SENTENCE_CHARS = 2000
# Up to this many nodes the browser refines the layout, then freezes it, and edges carry labels;
# beyond it the page draws the precomputed layout at once and edge labels (3/4 of the drawing time) are left
# to the hover text.
PHYSICS_NODE_LIMIT = 300
# Node labels drawn at once: the best-connected nodes in view; zooming in brings the others' labels.
LABEL_BUDGET = 40
DIM_NODE = {"background": "rgba(225,225,225,0.3)", "border": "rgba(180,180,180,0.3)"}
DIM_EDGE = {"color": "#d0d0d0", "highlight": "#d0d0d0", "hover": "#d0d0d0", "opacity": 0.35}

ENTITY_TYPES_QUERY = """
PREFIX cg: <https://claimgraph.org/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?entity ?class ?label WHERE {
  ?entity a ?class . ?class rdfs:subClassOf+ cg:Entity .
  OPTIONAL { ?class rdfs:label ?label }
  FILTER NOT EXISTS { ?entity a ?narrower . ?narrower rdfs:subClassOf+ ?class . }
}
"""
SOURCES_QUERY = """
PREFIX cg: <https://claimgraph.org/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id (MIN(?t) AS ?title) (MIN(?u) AS ?url) (MIN(?d) AS ?date) (MIN(?p) AS ?path) WHERE {
  ?source a cg:Source ; dcterms:identifier ?id .
  OPTIONAL { ?source dcterms:title ?t } OPTIONAL { ?source dcterms:source ?u }
  OPTIONAL { ?source dcterms:date ?d } OPTIONAL { ?source cg:path ?p }
}
GROUP BY ?id
"""
LINK_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class View:
    """Which part of the graph to show; the defaults show everything."""

    about: str | None = None
    depth: int = 1
    conflicts_only: bool = False
    source: str | None = None
    min_sources: int = 1

    def describe(self) -> str:
        """A heading for the page.

        >>> View(about="tea", depth=2, conflicts_only=True).describe()
        'claims around tea (depth 2) · conflicts only'
        """
        parts = [f"claims around {self.about} (depth {self.depth})" if self.about else "all claims"]
        if self.source:
            parts.append(f"made by {self.source}")
        if self.min_sources > 1:
            parts.append(f"{self.min_sources}+ independent sources")
        if self.conflicts_only:
            parts.append("conflicts only")
        return " · ".join(parts)


class ViewError(Exception):
    """The requested view names an entity or source the store does not hold."""


def entity_types(dataset: Dataset) -> dict[str, str]:
    """Entity IRI → label of its most specific ontology class (rdf:type under cg:Entity)."""
    return {str(row.entity): str(row.label or row["class"]) for row in run_query(dataset, ENTITY_TYPES_QUERY)}


def source_details(dataset: Dataset) -> dict[str, dict[str, str]]:
    """Source id → its ``title``, ``date`` and ``link`` (empty strings when unknown).

    The link is the article's web address when it is an http(s) URL, else the article file
    (``file:`` URI) when its recorded path is absolute and still there; never another scheme,
    so a ``javascript:`` address from an article cannot become a link.
    """
    return {str(row.id): {"title": str(row.title or ""), "date": str(row.date or ""),
                          "link": source_link(str(row.url or ""), str(row.path or ""))}
            for row in run_query(dataset, SOURCES_QUERY)}


def source_link(url: str, path: str) -> str:
    """The address a source's name links to: its http(s) URL, else its file, else nothing.

    >>> source_link("https://example.org/a", "/no/such/file.txt"), source_link("javascript:alert(1)", "")
    ('https://example.org/a', '')
    """
    if urlsplit(url).scheme.lower() in LINK_SCHEMES:
        return url
    for candidate in (path, path.rsplit(":", 1)[0]):  # a JSONL record's path is "file.jsonl:line"
        if candidate and Path(candidate).is_absolute() and Path(candidate).is_file():
            return Path(candidate).as_uri()
    return ""


def store_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """The whole claim graph of a store, with statuses, source counts, conflicts, entity types and sources."""
    claims = all_claims(dataset)
    found = conflicts(dataset, claims=claims)
    independent = {(c["id"], c["polarity"]): c["independent_sources"]
                   for c in agreements(dataset, claims=claims, found_conflicts=found)}
    graph = claim_graph(claims.values(), independent, found, entity_types(dataset), source_details(dataset))
    graph.graph["conflicts"] = found  # for counting the conflicts a view shows (pipeline.counts)
    return graph


def claim_graph(claims: Iterable[dict], independent: dict[ClaimKey, int], conflicts: list[dict],
                types: dict[str, str], sources: dict[str, dict[str, str]] | None = None) -> nx.MultiDiGraph:
    """Entity nodes and one edge per claim element (JSON contract), with what the page needs to draw them.

    ``independent`` maps claim keys to their count of independent sources (claims missing
    from it have one); ``conflicts`` are ``reason.conflicts`` results; ``types`` maps entity
    IRIs to class labels; ``sources`` are :func:`source_details`. Each edge lists its
    ``opponents``, (conflict kind, claim) pairs, and the graph keeps ``sources`` in ``graph.graph``.
    """
    opponents = _opponents(conflicts)
    graph = nx.MultiDiGraph(sources=sources or {})
    for claim in claims:
        key = (claim["id"], claim["polarity"])
        subject, obj = claim["subject"], claim["object"]
        object_id = obj.get("id") or f"{VALUE}:{obj['datatype']}:{obj['value']}"
        graph.add_node(subject["id"], label=subject["label"], kind=types.get(subject["id"], UNTYPED))
        graph.add_node(object_id, label=obj["label"], kind=types.get(object_id, UNTYPED) if "id" in obj else VALUE)
        if key in opponents:
            status = "conflicted"
        elif claim["polarity"] == "negative":
            status = "negated"
        else:
            status = "agreed" if independent.get(key, 1) >= 2 else "single"
        graph.add_edge(subject["id"], object_id, key=f"{claim['id']}:{claim['polarity']}", claim=claim,
                       status=status, independent=independent.get(key, 1),
                       opposed_by=[f"{kind} conflict with: {claim_sentence(c)} [{', '.join(c['sources'])}]"
                                   for kind, c in opponents.get(key, [])],
                       opponents=opponents.get(key, []))
    return graph


def _opponents(found: list[dict]) -> dict[ClaimKey, list[tuple[str, dict]]]:
    """Claim key → (conflict kind, claim) for each claim on the other side of a conflict."""
    opposed: dict[ClaimKey, list[tuple[str, dict]]] = {}
    for conflict in found:
        for number, side in enumerate(conflict["sides"]):
            others = [c for other_number, other in enumerate(conflict["sides"]) if other_number != number
                      for c in other["claims"]]
            for claim in side["claims"]:
                opposed.setdefault((claim["id"], claim["polarity"]), []).extend((conflict["kind"], c) for c in others)
    return opposed


def claim_sentence(claim: dict) -> str:
    """The claim as one line of text.

    >>> claim_sentence({"subject": {"label": "a"}, "predicate": {"label": "raises"}, "object": {"label": "b"},
    ...                 "polarity": "negative"})
    'a — NOT raises — b'
    """
    negation = "NOT " if claim["polarity"] == "negative" else ""
    return f"{claim['subject']['label']} — {negation}{claim['predicate']['label']} — {claim['object']['label']}"


def find_entity(graph: nx.MultiDiGraph, name: str) -> str | None:
    """The node a user's name refers to: IRI, label, IRI tail or lexicon alias (case-folded)."""
    if name in graph:
        return name
    wanted = label_key(name)
    for node, data in graph.nodes(data=True):
        if wanted in (label_key(data["label"]), label_key(node.rstrip("/").rsplit("/", 1)[-1])):
            return node
    alias = load_lexicon().entity_for(name)
    return str(alias) if alias is not None and str(alias) in graph else None


def select(graph: nx.MultiDiGraph, view: View) -> nx.MultiDiGraph:
    """The part of the graph a view asks for: a neighbourhood, then the edges that pass its filters.

    Raises:
        ViewError: the view's entity or source is not in the graph.
    """
    centre = None
    if view.about:
        centre = find_entity(graph, view.about)
        if centre is None:
            raise ViewError(f"no entity named {view.about!r} in the claim graph")
        graph = nx.ego_graph(graph, centre, radius=view.depth, undirected=True)
    if view.source and not any(view.source in d["claim"]["sources"] for _, _, d in graph.edges(data=True)):
        raise ViewError(f"no claims from a source named {view.source!r} in this view")
    kept = [(u, v, k) for u, v, k, data in graph.edges(keys=True, data=True) if _passes(data, view)]
    selected = graph.edge_subgraph(kept).copy()
    if centre is not None:
        selected.add_node(centre, **graph.nodes[centre])
    return selected


def _passes(edge: dict, view: View) -> bool:
    return ((not view.conflicts_only or edge["status"] == "conflicted")
            and (not view.source or view.source in edge["claim"]["sources"])
            and edge["independent"] >= view.min_sources)


def edge_tooltip(edge: dict) -> str:
    """Plain text shown on hover: the claim, status, conflicts and evidence sentences (never parsed as HTML)."""
    claim = edge["claim"]
    support = (f"{edge['status']} · {claim['modality']} · {edge['independent']} independent of "
               f"{len(claim['sources'])} sources: {', '.join(claim['sources'])}")
    lines = [claim_sentence(claim), support]
    lines += [f"⚠ {line}" for line in edge["opposed_by"]]
    for evidence in claim["evidence"][:MAX_EVIDENCE_SHOWN]:
        sentence = evidence["sentence"]
        if len(sentence) > MAX_SENTENCE_CHARS:
            sentence = sentence[:MAX_SENTENCE_CHARS] + "…"
        lines.append(f"[{evidence['source']}] “{sentence}”")
    if len(claim["evidence"]) > MAX_EVIDENCE_SHOWN:
        lines.append(f"… and {len(claim['evidence']) - MAX_EVIDENCE_SHOWN} more")
    return "\n".join(lines)


def type_colours(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Entity class label → node colour for the classes in this graph.

    A class's colour comes from its place among all the ontology's entity classes (sorted by
    label), not among the classes this view happens to hold, so a class keeps its colour on
    every view of every build of the same ontology.
    """
    lexicon = load_lexicon()
    ontology_kinds = sorted({str(lexicon.graph.value(c, RDFS.label) or c) for c in lexicon.superclasses
                             if CG_ENTITY in lexicon.superclasses[c] and c != CG_ENTITY})
    present = {data["kind"] for _, data in graph.nodes(data=True)}
    extra = sorted(present - set(ontology_kinds) - {UNTYPED, VALUE})
    order = {kind: i for i, kind in enumerate([*ontology_kinds, *extra])}
    colours = {kind: TYPE_PALETTE[order[kind] % len(TYPE_PALETTE)]
               for kind in sorted(present & set(order), key=order.__getitem__)}
    colours.update({k: c for k, c in ((UNTYPED, UNTYPED_COLOUR), (VALUE, VALUE_COLOUR)) if k in present})
    return colours


def _network(graph: nx.MultiDiGraph, colours: dict[str, str]) -> Network:
    """A pyvis network holding vis-network's node and edge objects (positions laid out) and options.

    Nodes also carry ``degree`` and ``aliases`` (for the search box); edges carry an ``id``,
    their claim's ``key`` in :func:`claim_table`, and what the filters read: ``predicate``,
    ``sources``, ``independent`` and ``hedged``.
    """
    positions = layout(graph)
    network = Network(directed=True, cdn_resources="in_line", notebook=False)
    degrees = dict(graph.degree())
    aliases = _aliases(graph)
    for node, data in graph.nodes(data=True):
        colour = colours[data["kind"]]
        x, y = positions[node]
        network.add_node(node, label=data["label"], x=x, y=y, kind=data["kind"], degree=degrees[node],
                         aliases=aliases.get(node, []),
                         title=f"{data['label']}\n{data['kind']} · {degrees[node]} claims\n{node}",
                         shape="square" if data["kind"] == VALUE else "dot", size=10 + 4 * math.log2(1 + degrees[node]),
                         color={"background": colour, "border": "#555555"})
    large = graph.number_of_nodes() > PHYSICS_NODE_LIMIT
    parallel: dict[frozenset, int] = {}
    for number, (source, target, key, data) in enumerate(graph.edges(keys=True, data=True)):
        pair = frozenset((source, target))
        rank = parallel[pair] = parallel.get(pair, -1) + 1
        claim = data["claim"]
        conflicted = data["status"] == "conflicted"
        negation = "not " if claim["polarity"] == "negative" else ""
        label = "" if large else ("⚠ " if conflicted else "") + negation + claim["predicate"]["label"]
        network.add_edge(source, target, id=f"e{number}", key=key, label=label, title=edge_tooltip(data),
                         status=data["status"], predicate=claim["predicate"]["label"], sources=claim["sources"],
                         independent=data["independent"], hedged=claim["modality"] == "hedged",
                         color=STATUS_STYLES[data["status"]][0],
                         width=min(1.5 * data["independent"], 9) + 2 * conflicted,
                         dashes=claim["modality"] == "hedged",
                         shadow={"enabled": conflicted, "color": STATUS_STYLES["conflicted"][0], "size": 8},
                         smooth={"enabled": rank > 0, "type": "curvedCW", "roundness": 0.2 * rank})
    network.options = _options(physics=not large)
    return network


def _aliases(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Node → other names a user may search it by: the ontology's alternative labels and the words articles used."""
    lexicon = load_lexicon()
    names: dict[str, set[str]] = {}
    for node in graph:
        names[node] = {str(alias) for alias in lexicon.graph.objects(URIRef(node), SKOS.altLabel)}
    for subject, obj, data in graph.edges(data=True):
        names[subject].update(data["claim"]["subject"].get("aliases", []))
        names[obj].update(data["claim"]["object"].get("aliases", []))
    return {node: sorted(found - {graph.nodes[node]["label"]}) for node, found in names.items() if found}


def claim_table(graph: nx.MultiDiGraph) -> tuple[dict[str, dict], dict[str, dict[str, str]]]:
    """What the evidence panel shows: claim key → claim, and source id → title, date and link.

    Every edge's claim is there, and so is every claim on the other side of one of its
    conflicts, even when the view leaves that claim out. A claim lists ``opposed``,
    [conflict kind, claim key] pairs; ``independent`` is None for a claim outside the view.

    >>> claim = {"id": "c1", "subject": {"id": "e:a", "label": "a"}, "predicate": {"id": "p", "label": "raises"},
    ...          "object": {"id": "e:b", "label": "b"}, "polarity": "positive", "modality": "asserted",
    ...          "sources": ["s1"], "evidence": [{"source": "s1", "sentence": "A raises b.", "polarity": "positive",
    ...          "modality": "asserted"}]}
    >>> claims, sources = claim_table(claim_graph([claim], {}, [], {}, {"s1": {"title": "T", "date": "", "link": ""}}))
    >>> claims["c1:positive"]["text"], claims["c1:positive"]["evidence"][0]["sentence"], sources["s1"]["title"]
    ('a — raises — b', 'A raises b.', 'T')
    """
    table: dict[str, dict] = {}
    for _, _, key, data in graph.edges(keys=True, data=True):
        table[key] = _claim_entry(data["claim"], data["status"], data["independent"], data["opponents"])
    for _, _, data in graph.edges(data=True):
        for _, other in data["opponents"]:
            table.setdefault(_claim_key(other), _claim_entry(other, "conflicted", None, []))
    known = graph.graph.get("sources", {})
    used = sorted({e["source"] for claim in table.values() for e in claim["evidence"]} |
                  {s for claim in table.values() for s in claim["sources"]})
    return table, {s: known.get(s, {"title": "", "date": "", "link": ""}) for s in used}


def _claim_key(claim: dict) -> str:
    return f"{claim['id']}:{claim['polarity']}"


def _claim_entry(claim: dict, status: str, independent: int | None, opponents: list[tuple[str, dict]]) -> dict:
    return {"text": claim_sentence(claim), "polarity": claim["polarity"], "modality": claim["modality"],
            "status": status, "independent": independent, "sources": claim["sources"],
            "evidence": [{"source": e["source"], "sentence": e["sentence"][:MAX_PANEL_SENTENCE_CHARS],
                          "polarity": e.get("polarity", claim["polarity"]), "modality": e.get("modality", claim["modality"])}
                         for e in claim["evidence"]],
            "opposed": [[kind, _claim_key(other)] for kind, other in opponents]}


def layout(graph: nx.MultiDiGraph, edge_length: float = 150.0) -> dict[str, tuple[float, float]]:
    """Node positions in pixels from igraph's Fruchterman–Reingold (grid variant), seeded: same graph, same page.

    igraph lays out 2,000 nodes in well under a second, where networkx's spring layout takes
    tens of seconds and vis-network's in-browser physics half a minute.

    >>> positions = layout(nx.MultiDiGraph([("a", "b"), ("b", "c")]))
    >>> sorted(positions) == ["a", "b", "c"] and all(isinstance(x, float) for x, _ in positions.values())
    True
    """
    nodes = list(graph)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    simple = igraph.Graph(n=len(nodes), edges=sorted({(index[u], index[v]) for u, v in graph.edges()}))
    rng = random.Random(7)
    spread = math.sqrt(len(nodes))  # igraph's grid variant is slow when every node starts in one cell
    start = [[rng.uniform(-spread, spread), rng.uniform(-spread, spread)] for _ in nodes]
    igraph.set_random_number_generator(random.Random(7))  # the layout draws from igraph's generator too
    try:
        coords = simple.layout_fruchterman_reingold(seed=start, grid="auto").coords
    finally:
        igraph.set_random_number_generator(random)  # igraph's default
    lengths = [math.dist(coords[u], coords[v]) for u, v in simple.get_edgelist() if u != v]
    scale = edge_length / (sum(lengths) / len(lengths)) if lengths and sum(lengths) else edge_length
    return {node: (coords[i][0] * scale, coords[i][1] * scale) for node, i in index.items()}


def _options(physics: bool) -> dict:
    """vis-network options; with physics the layout is refined briefly in the browser, then frozen."""
    return {
        "nodes": {"borderWidth": 1},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "smooth": False,
                  "font": {"size": 11, "align": "middle", "strokeWidth": 3}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": not physics},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -120, "springLength": 140, "avoidOverlap": 0.4},
                    "stabilization": {"enabled": physics, "iterations": 150, "updateInterval": 10}},
    }


def _vis_assets() -> tuple[Markup, Markup]:
    """vis-network's script and stylesheet from the pyvis package, without links in the licence banner or a source map."""
    lib = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    script = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    banner_end = script.index("*/") + 2
    script = re.sub(r"https?://", "", script[:banner_end]) + script[banner_end:]
    script = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", script)
    return Markup(script), Markup((lib / "vis-network.css").read_text(encoding="utf-8"))


def page_html(graph: nx.MultiDiGraph, heading: str = "all claims") -> str:
    """The complete HTML page for a claim graph: scripts, styles and data inlined.

    All data, article text included, is embedded as JSON by ``tojson`` (which escapes ``<``,
    ``>``, ``&`` and quotes, so nothing can close the script element) and the page script puts
    it on screen only through ``textContent`` and checked ``href`` values, never as markup.
    A Content-Security-Policy lets only the page's own two scripts run (by hash) and
    forbids every fetch, as a second guard behind escaping.
    """
    colours = type_colours(graph)
    nodes, edges, _, _, _, options = _network(graph, colours).get_network_data()
    for node in nodes:  # the page paints node labels itself (see APP_SCRIPT), so vis-network gets none
        node["name"] = node.pop("label")
    claims, sources = claim_table(graph)
    library, style = _vis_assets()
    environment = Environment(autoescape=True)
    app = environment.from_string(APP_SCRIPT).render(nodes=nodes, edges=edges, options=Markup(options),
                                                     claims=claims, sources=sources,
                                                     dim_node=DIM_NODE, dim_edge=DIM_EDGE, label_budget=LABEL_BUDGET)
    counts = {status: 0 for status in STATUS_STYLES}
    for _, _, data in graph.edges(data=True):
        counts[data["status"]] += 1
    hedged = sum(d["claim"]["modality"] == "hedged" for _, _, d in graph.edges(data=True))
    return environment.from_string(PAGE_TEMPLATE).render(
        heading=heading, library=library, app=Markup(app), style=style,
        script_hashes=" ".join(f"'sha256-{_digest(text)}'" for text in (library, app)),
        statuses=STATUS_STYLES, counts=counts, hedged=hedged, colours=colours,
        entity_count=graph.number_of_nodes(), claim_count=graph.number_of_edges())


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def render(graph: nx.MultiDiGraph, output: Path, heading: str = "all claims") -> Path:
    """Write the graph's page to ``output`` (creating its folder); nothing else is written."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page_html(graph, heading), encoding="utf-8")
    return output


PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {{ script_hashes }}; style-src 'unsafe-inline'; img-src data:; form-action 'none'">
<title>claimgraph — {{ heading }}</title>
<style>{{ style }}</style>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
  #graph { position: absolute; top: 0; bottom: 0; right: 0; left: 300px; }
  #legend { position: absolute; top: 0; bottom: 0; left: 0; width: 272px; overflow-y: auto; background: #fafafa;
            border-right: 1px solid #ccc; padding: 10px 14px; font-size: 13px; }
  #legend h1 { font-size: 15px; margin: 0 0 6px; }
  #legend h2 { font-size: 12px; margin: 12px 0 4px; text-transform: uppercase; color: #555; }
  #legend div, #legend label { margin: 3px 0; display: block; }
  #legend select, #legend input[type=search] { width: 100%; box-sizing: border-box; font-size: 13px; }
  #legend button { font-size: 12px; margin: 4px 4px 0 0; }
  #legend code { font-size: 11px; background: #eee; padding: 0 2px; }
  #conflicts-first { background: #fbe3e3; border: 1px solid #d62728; }
  .line { display: inline-block; width: 30px; margin-right: 6px; vertical-align: middle; }
  .dot { display: inline-block; width: 12px; height: 12px; border-radius: 50%; border: 1px solid #555;
         margin-right: 6px; vertical-align: middle; }
  .note { color: #555; }
  #progress { position: absolute; bottom: 12px; left: 312px; font-size: 13px; color: #555; }
  div.vis-tooltip { white-space: pre-wrap; max-width: 520px; font-size: 12px; line-height: 1.35; }
  #panel { position: absolute; top: 0; right: 0; bottom: 0; width: 540px; overflow-y: auto; background: #fff;
           border-left: 1px solid #bbb; box-shadow: -2px 0 8px rgba(0,0,0,.15); padding: 10px 14px; font-size: 13px;
           box-sizing: border-box; }
  #panel[hidden] { display: none; }
  #panel h2 { font-size: 15px; margin: 0 30px 4px 0; }
  #panel-close { position: absolute; top: 8px; right: 10px; font-size: 16px; }
  .claim { border-left: 4px solid #8c8c8c; padding: 4px 8px; margin: 8px 0; background: #f8f8f8; }
  .claim.conflicted { border-color: #d62728; } .claim.agreed { border-color: #2ca02c; }
  .claim.negated { border-color: #9467bd; }
  .claim-text { font-weight: 600; }
  .side { font-size: 11px; text-transform: uppercase; color: #a00; }
  .meta { color: #555; font-size: 12px; }
  .evidence { margin: 4px 0 0; padding-left: 18px; }
  .evidence li { margin: 4px 0; }
  .sides { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
  .sides .claim { margin: 4px 0; }
</style>
</head>
<body>
<div id="graph"></div>
<div id="legend">
  <h1>claimgraph</h1>
  <div id="shows">This page shows {{ heading }}: {{ entity_count }} entities · {{ claim_count }} claims.</div>
  <div id="shown" class="note"></div>
  <h2>Find an entity</h2>
  <form id="search-form" autocomplete="off">
    <input id="search" type="search" list="names" placeholder="name or alias, then Enter">
    <datalist id="names"></datalist>
    <button type="submit">Find</button><button type="button" id="clear-search">Clear</button>
  </form>
  <div id="search-status" class="note"></div>
  <h2>Filter claims</h2>
  <button type="button" id="conflicts-first" title="show only contradicted claims, to read the disagreements first">Conflicts first</button><button type="button" id="reset">Show everything</button>
  <label>Source <select id="filter-source"><option value="">any source</option></select></label>
  <label>Predicate <select id="filter-predicate"><option value="">any predicate</option></select></label>
  <label>At least <input id="filter-min" type="number" min="1" value="1" style="width: 4em"> independent sources</label>
  <div class="note">Show claims that are:</div>
  {% for status, (colour, meaning) in statuses.items() %}
  <label title="{{ meaning }}"><input type="checkbox" name="kind" value="{{ status }}" checked><span class="line" style="border-top: {{ 6 if status == 'conflicted' else 3 }}px solid {{ colour }}"></span>{{ status }} ({{ counts[status] }}) — {{ meaning }}</label>
  {% endfor %}
  <label><input type="checkbox" name="kind" value="hedged" checked><span class="line" style="border-top: 3px dashed #8c8c8c"></span>hedged ({{ hedged }}) — dashed</label>
  <div><span class="line" style="border-top: 8px solid #8c8c8c"></span>wider: more independent sources</div>
  <h2>Entities (nodes)</h2>
  {% for kind, colour in colours.items() %}
  <div><span class="dot" style="background: {{ colour }}"></span>{{ kind }}</div>
  {% endfor %}
  <div class="note">Click a claim (edge) or entity (node) for its evidence; hover for a preview; click the background to end a highlight. Zoom in for more labels.</div>
  <h2>Other views</h2>
  <div class="note">Each is a command too: <code>claimgraph viz --conflicts-only</code>, <code>--about NAME --depth N</code>,
    <code>--source ID</code>, <code>--min-sources N</code>, with <code>--output FILE.html</code>.
    Conflicts first is also this page's address with <code>#conflicts-first</code>.</div>
</div>
<div id="panel" hidden><button type="button" id="panel-close" title="close">×</button><div id="panel-body"></div></div>
<div id="progress"></div>
<script>{{ library }}</script>
<script>{{ app }}</script>
</body>
</html>
"""

APP_SCRIPT = """
  "use strict";
  const nodes = new vis.DataSet({{ nodes|tojson }});
  const edges = new vis.DataSet({{ edges|tojson }});
  const options = {{ options }};
  const claims = {{ claims|tojson }};
  const sources = {{ sources|tojson }};
  const DIM_NODE = {{ dim_node|tojson }}, DIM_EDGE = {{ dim_edge|tojson }}, LABEL_BUDGET = {{ label_budget }};
  const $ = (id) => document.getElementById(id);
  const container = $("graph"), progress = $("progress");

  // Article text reaches the screen only as text nodes (textContent, append(string)) and links only
  // through safeLink: never as markup.
  function el(tag, props, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === "text") element.textContent = value;
      else if (name === "className") element.className = value;
      else element.setAttribute(name, value);
    }
    for (const child of children) if (child !== null && child !== undefined) element.append(child);
    return element;
  }
  function safeLink(link) {
    try {
      const url = new URL(link);
      return ["http:", "https:", "file:"].includes(url.protocol) ? url.href : "";
    } catch (error) {
      return "";
    }
  }
  function fold(text) {
    return text.toLowerCase().replace(/[\\u2018\\u2019]/g, "'").replace(/[^\\p{L}\\p{N}']+/gu, " ").trim();
  }

  const names = {}, degree = {}, sizes = {}, baseNode = {}, baseEdge = {};
  nodes.forEach((n) => { names[n.id] = n.name; degree[n.id] = n.degree; sizes[n.id] = n.size; baseNode[n.id] = n.color; });
  edges.forEach((e) => { baseEdge[e.id] = {color: e.color, highlight: e.color, hover: e.color, opacity: 1}; });
  const byDegree = nodes.getIds().sort((a, b) => degree[b] - degree[a]);
  const network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  const state = {focus: null, near: null, hiddenNodes: new Set(), labels: []};

  // Node labels are painted on the canvas after vis-network's drawing, not given to it as node labels:
  // changing a vis-network label costs about 13 ms per node at 2,000 nodes, painting 40 labels under 1 ms.
  // Labelled are the best-connected nodes in view (only the searched neighbourhood while there is one),
  // skipping any label that would overlap one already placed, 14 px high at every zoom.
  const LABEL_FACE = "system-ui, sans-serif";
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = `14px ${LABEL_FACE}`;
  const labelWidth = {};
  function chooseLabels() {
    const scale = network.getScale(), box = container.getBoundingClientRect();
    const positions = network.getPositions();
    const chosen = [], placed = [];
    const candidates = state.near ? [...state.near].sort((a, b) => degree[b] - degree[a]) : byDegree;
    for (const id of candidates) {
      if (chosen.length >= LABEL_BUDGET) break;
      if (state.hiddenNodes.has(id)) continue;
      const at = network.canvasToDOM(positions[id]);
      if (at.x < 0 || at.x > box.width || at.y < 0 || at.y > box.height) continue;
      if (labelWidth[id] === undefined) labelWidth[id] = measure.measureText(names[id]).width + 4;
      const top = at.y + sizes[id] * scale;
      const label = {left: at.x - labelWidth[id] / 2, right: at.x + labelWidth[id] / 2, top: top, bottom: top + 18};
      if (placed.some((o) => o.left < label.right && label.left < o.right && o.top < label.bottom && label.top < o.bottom)) continue;
      placed.push(label);
      chosen.push(id);
    }
    return chosen;
  }
  function updateLabels() {
    const chosen = chooseLabels();
    const changed = chosen.length !== state.labels.length || chosen.some((id, i) => id !== state.labels[i]);
    state.labels = chosen;
    if (changed) network.redraw();
  }
  network.on("afterDrawing", (context) => {
    if (!state.labels.length) return;
    const scale = network.getScale(), positions = network.getPositions(state.labels);
    context.save();
    context.font = `${14 / scale}px ${LABEL_FACE}`;
    context.textAlign = "center";
    context.textBaseline = "top";
    context.lineJoin = "round";
    context.lineWidth = 4 / scale;
    context.strokeStyle = "rgba(255, 255, 255, 0.9)";
    context.fillStyle = "#222222";
    for (const id of state.labels) {
      const y = positions[id].y + sizes[id] + 3 / scale;
      context.strokeText(names[id], positions[id].x, y);
      context.fillText(names[id], positions[id].x, y);
    }
    context.restore();
  });
  let labelTimer = null;
  function labelsSoon() { clearTimeout(labelTimer); labelTimer = setTimeout(updateLabels, 120); }
  network.on("zoom", labelsSoon);
  network.on("dragEnd", labelsSoon);

  // Filters and the searched neighbourhood: one pass decides what is hidden and what is dimmed.
  function filters() {
    return {source: $("filter-source").value, predicate: $("filter-predicate").value,
            min: Math.max(1, Number($("filter-min").value) || 1),
            kinds: new Set([...document.querySelectorAll("input[name=kind]:checked")].map((box) => box.value))};
  }
  function passes(edge, f) {
    return f.kinds.has(edge.status) && (f.kinds.has("hedged") || !edge.hedged)
      && (!f.source || edge.sources.includes(f.source)) && (!f.predicate || edge.predicate === f.predicate)
      && edge.independent >= f.min;
  }
  function applyView() {
    const f = filters(), shownNodes = new Set(), shownEdges = new Set();
    edges.forEach((e) => { if (passes(e, f)) { shownEdges.add(e.id); shownNodes.add(e.from); shownNodes.add(e.to); } });
    const focus = state.focus;
    if (focus !== null) shownNodes.add(focus);
    const touches = (e) => e.from === focus || e.to === focus;
    state.near = null;
    if (focus !== null) {
      state.near = new Set([focus]);
      edges.forEach((e) => { if (shownEdges.has(e.id) && touches(e)) { state.near.add(e.from); state.near.add(e.to); } });
    }
    const edgeUpdates = [];
    edges.forEach((e) => {
      const hidden = !shownEdges.has(e.id), dimmed = state.near !== null && !touches(e);
      if (Boolean(e.hidden) !== hidden || Boolean(e.dimmed) !== dimmed) {
        edgeUpdates.push({id: e.id, hidden: hidden, dimmed: dimmed, color: dimmed ? DIM_EDGE : baseEdge[e.id],
                          font: {color: dimmed ? "#bbbbbb" : "#343434"}, shadow: {enabled: !dimmed && e.status === "conflicted"}});
      }
    });
    const nodeUpdates = [];
    state.hiddenNodes = new Set();
    nodes.forEach((n) => {
      const hidden = degree[n.id] > 0 && !shownNodes.has(n.id), dimmed = state.near !== null && !state.near.has(n.id);
      if (hidden) state.hiddenNodes.add(n.id);
      if (Boolean(n.hidden) !== hidden || Boolean(n.dimmed) !== dimmed) {
        nodeUpdates.push({id: n.id, hidden: hidden, dimmed: dimmed, color: dimmed ? DIM_NODE : baseNode[n.id]});
      }
    });
    edges.update(edgeUpdates);
    nodes.update(nodeUpdates);
    $("shown").textContent = `Showing ${shownEdges.size} of ${edges.length} claims, `
      + `${nodes.length - state.hiddenNodes.size} of ${nodes.length} entities.`;
    updateLabels();
    return shownNodes;
  }
  function fitTo(ids) {
    network.fit({nodes: ids, animation: false});
    if (network.getScale() > 1.2) network.moveTo({scale: 1.2, animation: false});
    updateLabels();
  }
  for (const id of ["filter-source", "filter-predicate"]) $(id).addEventListener("change", applyView);
  $("filter-min").addEventListener("input", applyView);
  document.querySelectorAll("input[name=kind]").forEach((box) => box.addEventListener("change", applyView));
  $("conflicts-first").addEventListener("click", () => {
    document.querySelectorAll("input[name=kind]").forEach((box) => { box.checked = ["conflicted", "hedged"].includes(box.value); });
    const shown = applyView();
    fitTo([...shown]);
  });
  function conflictsFromAddress() {  // page.html#conflicts-first opens the conflicts-first view
    if (location.hash === "#conflicts-first") $("conflicts-first").click();
  }
  window.addEventListener("hashchange", conflictsFromAddress);
  $("reset").addEventListener("click", () => {
    document.querySelectorAll("input[name=kind]").forEach((box) => { box.checked = true; });
    $("filter-source").value = ""; $("filter-predicate").value = ""; $("filter-min").value = "1";
    state.focus = null;
    network.unselectAll();
    applyView();
    fitTo(undefined);
  });

  // Search: exact name or alias first, then names that start with the words, then names that hold them.
  const index = [];
  nodes.forEach((n) => {
    for (const name of [names[n.id], ...(n.aliases || []), String(n.id).split("/").pop()]) index.push([fold(name), n.id]);
  });
  function findEntity(query) {
    const wanted = fold(query);
    if (!wanted) return [];
    for (const test of [(k) => k === wanted, (k) => k.startsWith(wanted), (k) => k.includes(wanted)]) {
      const found = [...new Set(index.filter(([key]) => test(key)).map(([, id]) => id))];
      if (found.length) return found.sort((a, b) => degree[b] - degree[a]);
    }
    return [];
  }
  function focusOn(id, centre) {
    state.focus = id;
    applyView();
    network.selectNodes([id]);
    if (centre) fitTo([...state.near]);
  }
  function search(query) {
    const found = findEntity(query);
    if (!found.length) {
      $("search-status").textContent = `No entity matches “${query}”.`;
      return null;
    }
    focusOn(found[0], true);
    const more = found.length > 1 ? ` (${found.length - 1} more match: ${found.slice(1, 4).map((id) => names[id]).join(", ")})` : "";
    $("search-status").textContent = `${names[found[0]]}: ${state.near.size - 1} neighbours highlighted${more}.`;
    return found[0];
  }
  $("search-form").addEventListener("submit", (event) => { event.preventDefault(); search($("search").value); });
  function clearFocus() {
    $("search-status").textContent = "";
    state.focus = null;
    network.unselectAll();
    applyView();
  }
  $("clear-search").addEventListener("click", () => { $("search").value = ""; clearFocus(); });

  // The evidence panel: pinned by a click, closed by its button.
  function claimCard(key, heading) {
    const claim = claims[key];
    const support = claim.independent === null ? `${claim.sources.length} source(s)`
      : `${claim.independent} independent of ${claim.sources.length} source(s)`;
    const list = el("ol", {className: "evidence"});
    for (const evidence of claim.evidence) {
      const source = sources[evidence.source] || {};
      const link = safeLink(source.link || "");
      const name = source.title ? `${source.title} (${evidence.source})` : evidence.source;
      const sourceElement = link ? el("a", {className: "source", href: link, target: "_blank", rel: "noopener noreferrer", text: name})
        : el("span", {className: "source", text: name});
      const details = [source.date, evidence.polarity, evidence.modality].filter(Boolean).join(" · ");
      list.append(el("li", {className: "evidence-item"}, el("q", {className: "sentence", text: evidence.sentence}),
                     el("div", {className: "meta"}, sourceElement, ` · ${details}`)));
    }
    return el("div", {className: `claim ${claim.status}`, "data-key": key},
              heading ? el("div", {className: "side", text: heading}) : null,
              el("div", {className: "claim-text", text: claim.text}),
              el("div", {className: "meta", text: `${claim.status} · ${claim.polarity} · ${claim.modality} · ${support}`}),
              list);
  }
  function claimBlock(key) {
    const opposed = {};
    for (const [kind, other] of claims[key].opposed) (opposed[other] = opposed[other] || []).push(kind);
    if (!Object.keys(opposed).length) return claimCard(key);
    const others = el("div", {className: "column other"});
    for (const [other, kinds] of Object.entries(opposed)) others.append(claimCard(other, `other side · ${[...new Set(kinds)].join(", ")} conflict`));
    return el("div", {className: "sides"}, el("div", {className: "column this"}, claimCard(key, "this side")), others);
  }
  function openPanel(title, subtitle, blocks) {
    $("panel-body").replaceChildren(el("h2", {text: title}), el("div", {className: "meta", text: subtitle}), ...blocks);
    $("panel").hidden = false;
    $("panel").scrollTop = 0;
    const tooltip = container.querySelector("div.vis-tooltip");  // the hover preview gives way to the panel
    if (tooltip) tooltip.style.visibility = "hidden";
  }
  function showEdge(id) {
    const edge = edges.get(id);
    const claim = claims[edge.key];
    openPanel(claim.text, `${claim.status} claim · ${claim.evidence.length} piece(s) of evidence`, [claimBlock(edge.key)]);
  }
  function showNode(id) {
    const node = nodes.get(id);
    const rank = {conflicted: 0, negated: 1, agreed: 2, single: 3};
    const touching = edges.get({filter: (e) => !e.hidden && (e.from === id || e.to === id)})
      .sort((a, b) => rank[a.status] - rank[b.status] || b.independent - a.independent);
    const aliases = node.aliases && node.aliases.length ? ` · also: ${node.aliases.join(", ")}` : "";
    openPanel(names[id], `${node.kind} · ${touching.length} claim(s) shown${aliases}`, touching.map((e) => claimBlock(e.key)));
  }
  $("panel-close").addEventListener("click", () => { $("panel").hidden = true; });
  function clearOfPanel(x) {  // slide the view so that what was clicked is not under the panel
    const limit = container.clientWidth - $("panel").offsetWidth - 60;
    if (x <= limit) return;
    const view = network.getViewPosition();
    network.moveTo({position: {x: view.x + (x - limit + 60) / network.getScale(), y: view.y}, animation: false});
    labelsSoon();
  }
  network.on("click", (params) => {
    if (params.nodes.length) {
      focusOn(params.nodes[0], false);
      showNode(params.nodes[0]);
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    } else {  // a click on the background ends the highlight; the panel stays pinned
      if (state.focus !== null) clearFocus();
      return;
    }
    clearOfPanel(params.pointer.DOM.x);
  });

  // Filter choices and search names come from the data, as option values and text, never markup.
  const predicates = new Set(), sourceIds = new Set();
  edges.forEach((e) => { predicates.add(e.predicate); e.sources.forEach((s) => sourceIds.add(s)); });
  const sourceName = (s) => (sources[s] && sources[s].title ? `${sources[s].title} (${s})` : s);
  for (const s of [...sourceIds].sort((a, b) => sourceName(a).localeCompare(sourceName(b)))) {
    $("filter-source").append(el("option", {value: s, text: sourceName(s)}));
  }
  for (const p of [...predicates].sort()) $("filter-predicate").append(el("option", {value: p, text: p}));
  const datalist = $("names");
  for (const name of [...new Set(nodes.map((n) => [n.name, ...(n.aliases || [])]).flat())].sort()) {
    datalist.append(el("option", {value: name}));
  }
  $("shown").textContent = `Showing ${edges.length} of ${edges.length} claims, ${nodes.length} of ${nodes.length} entities.`;

  window.claimgraph = {network: network, nodes: nodes, edges: edges, claims: claims, sources: sources,
                       search: search, applyView: applyView, showEdge: showEdge, showNode: showNode,
                       labelled: () => [...state.labels]};
  function markReady() {
    progress.textContent = "";
    conflictsFromAddress();
    window.claimgraphReady = performance.now();
  }
  if (nodes.length === 0) {  // vis-network draws nothing, so it would never say it has
    progress.textContent = "No claims in this view.";
    window.claimgraphReady = performance.now();
  } else if (options.physics.enabled) {
    network.on("stabilizationProgress", function (p) {
      progress.textContent = "laying out… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      state.labels = chooseLabels();
      network.once("afterDrawing", markReady);
    });
  } else {
    state.labels = chooseLabels();  // the view is already fitted: the first drawing has the labels
    network.once("afterDrawing", markReady);
  }
"""
