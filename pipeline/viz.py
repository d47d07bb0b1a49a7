"""The interactive claim graph: one self-contained HTML page that opens offline.

Entities are nodes coloured by their ontology class; claims are edges whose
width grows with the number of independent sources and whose colour gives the
claim's status (agreed, single-source, conflicted, negated); hedged claims are
dashed. Hovering an edge shows the claim, its sources and evidence sentences.

The page inlines vis-network (shipped inside pyvis) and embeds the graph as
JSON, so it needs no network and writes nothing beside itself. Article text is
untrusted: it reaches the page only through ``tojson`` (which escapes ``<``,
``>``, ``&`` and quotes) and vis-network shows tooltips with ``innerText``,
so markup in a sentence is displayed, never run.

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

import igraph
import networkx as nx
from jinja2 import Environment
from markupsafe import Markup
from pyvis.network import Network
from rdflib import RDFS, Dataset, URIRef

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
# Up to this many nodes the browser refines the layout, then freezes it, and edges carry labels;
# beyond it the page draws the precomputed layout at once and edge labels (3/4 of the drawing time) are left
# to the hover text.
PHYSICS_NODE_LIMIT = 300

ENTITY_TYPES_QUERY = """
PREFIX cg: <https://claimgraph.org/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?entity ?class ?label WHERE {
  ?entity a ?class . ?class rdfs:subClassOf+ cg:Entity .
  OPTIONAL { ?class rdfs:label ?label }
  FILTER NOT EXISTS { ?entity a ?narrower . ?narrower rdfs:subClassOf+ ?class . }
}
"""


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


def store_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """The whole claim graph of a store, with statuses, source counts, conflicts and entity types."""
    claims = all_claims(dataset)
    found = conflicts(dataset, claims=claims)
    independent = {(c["id"], c["polarity"]): c["independent_sources"]
                   for c in agreements(dataset, claims=claims, found_conflicts=found)}
    graph = claim_graph(claims.values(), independent, found, entity_types(dataset))
    graph.graph["conflicts"] = found  # for counting the conflicts a view shows (pipeline.counts)
    return graph


def claim_graph(claims: Iterable[dict], independent: dict[ClaimKey, int], conflicts: list[dict],
                types: dict[str, str]) -> nx.MultiDiGraph:
    """Entity nodes and one edge per claim element (JSON contract), with what the page needs to draw them.

    ``independent`` maps claim keys to their count of independent sources (claims missing
    from it have one); ``conflicts`` are ``reason.conflicts`` results; ``types`` maps entity
    IRIs to class labels.
    """
    opposition = _opposition(conflicts)
    graph = nx.MultiDiGraph()
    for claim in claims:
        key = (claim["id"], claim["polarity"])
        subject, obj = claim["subject"], claim["object"]
        object_id = obj.get("id") or f"{VALUE}:{obj['datatype']}:{obj['value']}"
        graph.add_node(subject["id"], label=subject["label"], kind=types.get(subject["id"], UNTYPED))
        graph.add_node(object_id, label=obj["label"], kind=types.get(object_id, UNTYPED) if "id" in obj else VALUE)
        if key in opposition:
            status = "conflicted"
        elif claim["polarity"] == "negative":
            status = "negated"
        else:
            status = "agreed" if independent.get(key, 1) >= 2 else "single"
        graph.add_edge(subject["id"], object_id, key=f"{claim['id']}:{claim['polarity']}", claim=claim,
                       status=status, independent=independent.get(key, 1), opposed_by=opposition.get(key, []))
    return graph


def _opposition(found: list[dict]) -> dict[ClaimKey, list[str]]:
    """Claim key → one line per claim on the other side of a conflict."""
    opposed: dict[ClaimKey, list[str]] = {}
    for conflict in found:
        for number, side in enumerate(conflict["sides"]):
            lines = [f"{conflict['kind']} conflict with: {claim_sentence(c)} [{', '.join(c['sources'])}]"
                     for other_number, other in enumerate(conflict["sides"]) if other_number != number
                     for c in other["claims"]]
            for claim in side["claims"]:
                opposed.setdefault((claim["id"], claim["polarity"]), []).extend(lines)
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
    """A pyvis network holding vis-network's node and edge objects (positions laid out) and options."""
    positions = layout(graph)
    network = Network(directed=True, cdn_resources="in_line", notebook=False)
    degrees = dict(graph.degree())
    for node, data in graph.nodes(data=True):
        colour = colours[data["kind"]]
        x, y = positions[node]
        network.add_node(node, label=data["label"], x=x, y=y,
                         title=f"{data['label']}\n{data['kind']} · {degrees[node]} claims\n{node}",
                         shape="box" if data["kind"] == VALUE else "dot", size=10 + 4 * math.log2(1 + degrees[node]),
                         color={"background": colour, "border": "#555555"})
    large = graph.number_of_nodes() > PHYSICS_NODE_LIMIT
    parallel: dict[frozenset, int] = {}
    for source, target, data in graph.edges(data=True):
        pair = frozenset((source, target))
        rank = parallel[pair] = parallel.get(pair, -1) + 1
        conflicted = data["status"] == "conflicted"
        negation = "not " if data["claim"]["polarity"] == "negative" else ""
        label = "" if large else ("⚠ " if conflicted else "") + negation + data["claim"]["predicate"]["label"]
        network.add_edge(source, target, label=label, title=edge_tooltip(data), status=data["status"], color=STATUS_STYLES[data["status"]][0],
                         width=min(1.5 * data["independent"], 9) + 2 * conflicted,
                         dashes=data["claim"]["modality"] == "hedged",
                         shadow={"enabled": conflicted, "color": STATUS_STYLES["conflicted"][0], "size": 8},
                         smooth={"enabled": rank > 0, "type": "curvedCW", "roundness": 0.2 * rank})
    network.options = _options(physics=not large)
    return network


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
        "nodes": {"font": {"size": 14, "strokeWidth": 3}, "borderWidth": 1},
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

    A Content-Security-Policy lets only the page's own two scripts run (by hash) and
    forbids every fetch, as a second guard behind escaping.
    """
    colours = type_colours(graph)
    nodes, edges, _, _, _, options = _network(graph, colours).get_network_data()
    library, style = _vis_assets()
    environment = Environment(autoescape=True)
    app = environment.from_string(APP_SCRIPT).render(nodes=nodes, edges=edges, options=Markup(options))
    counts = {status: 0 for status in STATUS_STYLES}
    for _, _, data in graph.edges(data=True):
        counts[data["status"]] += 1
    return environment.from_string(PAGE_TEMPLATE).render(
        heading=heading, library=library, app=Markup(app), style=style,
        script_hashes=" ".join(f"'sha256-{_digest(text)}'" for text in (library, app)),
        statuses=STATUS_STYLES, counts=counts, colours=colours,
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
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {{ script_hashes }}; style-src 'unsafe-inline'; img-src data:">
<title>claimgraph — {{ heading }}</title>
<style>{{ style }}</style>
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
  #graph { position: absolute; top: 0; bottom: 0; right: 0; left: 300px; }
  #legend { position: absolute; top: 0; bottom: 0; left: 0; width: 272px; overflow-y: auto; background: #fafafa;
            border-right: 1px solid #ccc; padding: 10px 14px; font-size: 13px; }
  #legend h1 { font-size: 15px; margin: 0 0 6px; }
  #legend h2 { font-size: 12px; margin: 10px 0 4px; text-transform: uppercase; color: #555; }
  #legend div { margin: 3px 0; }
  .line { display: inline-block; width: 34px; margin-right: 6px; vertical-align: middle; }
  .dot { display: inline-block; width: 12px; height: 12px; border-radius: 50%; border: 1px solid #555;
         margin-right: 6px; vertical-align: middle; }
  #progress { position: absolute; bottom: 12px; left: 312px; font-size: 13px; color: #555; }
  div.vis-tooltip { white-space: pre-wrap; max-width: 520px; font-size: 12px; line-height: 1.35; }
</style>
</head>
<body>
<div id="graph"></div>
<div id="legend">
  <h1>claimgraph</h1>
  <div>{{ heading }}</div>
  <div>{{ entity_count }} entities · {{ claim_count }} claims</div>
  <h2>Claims (edges)</h2>
  {% for status, (colour, meaning) in statuses.items() %}
  <div title="{{ meaning }}"><span class="line" style="border-top: {{ 6 if status == 'conflicted' else 3 }}px solid {{ colour }}"></span>{{ status }} ({{ counts[status] }}) — {{ meaning }}</div>
  {% endfor %}
  <div><span class="line" style="border-top: 3px dashed #8c8c8c"></span>hedged (dashed)</div>
  <div><span class="line" style="border-top: 8px solid #8c8c8c"></span>wider: more independent sources</div>
  <h2>Entities (nodes)</h2>
  {% for kind, colour in colours.items() %}
  <div><span class="dot" style="background: {{ colour }}"></span>{{ kind }}</div>
  {% endfor %}
  <div style="margin-top: 8px; color: #555">Hover an edge for its sources and evidence.</div>
</div>
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
  const network = new vis.Network(document.getElementById("graph"), {nodes: nodes, edges: edges}, options);
  const progress = document.getElementById("progress");
  window.claimgraph = {network: network, nodes: nodes, edges: edges};
  function markReady() {
    progress.textContent = "";
    window.claimgraphReady = performance.now();
  }
  if (options.physics.enabled) {
    network.on("stabilizationProgress", function (p) {
      progress.textContent = "laying out… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.once("afterDrawing", markReady);
    });
  } else {
    network.once("afterDrawing", markReady);
  }
"""
