"""An interactive claim graph page (pyvis), self-contained and safe to open offline.

Entities are nodes, claims are edges; edge width grows with independent
sources and colour shows status (agreed, single-source, conflicted, negated).
Hover text is built from untrusted article sentences, so it is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import networkx as nx
from pyvis.network import Network

STATUS_COLOURS = {
    "conflicted": "#d62728",
    "agreed": "#2ca02c",
    "single": "#7f7f7f",
    "negated": "#9467bd",
}


def claim_graph(claims: list[dict], agreed: set[tuple[str, str]], conflicted: set[tuple[str, str]]) -> nx.MultiDiGraph:
    """A networkx multigraph: entity nodes, one edge per claim element, with display attributes."""
    graph = nx.MultiDiGraph()
    for claim in claims:
        subject, obj = claim["subject"], claim["object"]
        object_id = obj.get("id") or f"value:{obj['value']}"
        graph.add_node(subject["id"], label=subject["label"])
        graph.add_node(object_id, label=obj["label"])
        key = (claim["id"], claim["polarity"])
        status = "conflicted" if key in conflicted else "negated" if claim["polarity"] == "negative" else (
            "agreed" if key in agreed else "single")
        graph.add_edge(subject["id"], object_id, key=f"{claim['id']}:{claim['polarity']}", claim=claim, status=status)
    return graph


def _tooltip(claim: dict) -> str:
    head = f"{claim['subject']['label']} — {'NOT ' if claim['polarity'] == 'negative' else ''}{claim['predicate']['label']} — {claim['object']['label']}"
    lines = [head, f"{claim['modality']}; sources: {', '.join(claim['sources'])}"]
    for evidence in claim["evidence"][:5]:
        lines.append(f"[{evidence['source']}] {evidence['sentence'][:300]}")
    return html.escape("\n".join(lines))


def render(graph: nx.MultiDiGraph, output: Path) -> Path:
    """Write the graph as an HTML page with every script inlined and no remote reference."""
    network = Network(height="900px", width="100%", directed=True, cdn_resources="in_line", notebook=False)
    for node, data in graph.nodes(data=True):
        network.add_node(node, label=html.escape(data["label"]), title=html.escape(data["label"]))
    for source, target, data in graph.edges(data=True):
        claim = data["claim"]
        network.add_edge(
            source, target,
            title=_tooltip(claim),
            label=html.escape(claim["predicate"]["label"]),
            color=STATUS_COLOURS[data["status"]],
            width=1 + 2 * len(claim["sources"]),
            dashes=claim["modality"] == "hedged",
        )
    network.toggle_physics(True)
    page = network.generate_html(notebook=False)
    page = re.sub(r"<link[^>]+href=\"https?://[^\"]+\"[^>]*>", "", page)
    page = re.sub(r"<script[^>]+src=\"https?://[^\"]+\"[^>]*>\s*</script>", "", page)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output
