"""The claim graph page without a browser: statuses, entity types, views, self-containment, CLI errors."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from rdflib import RDFS, URIRef

from pipeline.ontology import load_lexicon
from pipeline.reason import agreements, all_claims, conflicts
from pipeline.store import open_store
from pipeline.viz import (
    STATUS_STYLES,
    View,
    ViewError,
    claim_sentence,
    edge_tooltip,
    page_html,
    render,
    select,
    store_graph,
)

REMOTE_REFERENCE = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
                              re.IGNORECASE)


@pytest.fixture(scope="module")
def example(example_store):
    """The example store's claim graph, with the reasoner's own answers to check it against."""
    dataset = open_store(example_store)
    try:
        claims = all_claims(dataset)
        agreed = {(c["id"], c["polarity"]): c["independent_sources"] for c in agreements(dataset)}
        conflicted = {(c["id"], c["polarity"]) for x in conflicts(dataset, claims=claims)
                      for s in x["sides"] for c in s["claims"]}
        graph = store_graph(dataset)
    finally:
        dataset.close()
    return graph, claims, agreed, conflicted


def test_every_claim_is_one_edge_with_the_reasoners_status(example):
    graph, claims, agreed, conflicted = example
    assert graph.number_of_edges() == len(claims)
    statuses = set()
    for _, _, data in graph.edges(data=True):
        claim = data["claim"]
        key = (claim["id"], claim["polarity"])
        expected = ("conflicted" if key in conflicted else "negated" if claim["polarity"] == "negative"
                    else "agreed" if key in agreed else "single")
        assert data["status"] == expected
        assert data["independent"] == agreed.get(key, 1)
        statuses.add(data["status"])
    assert {"conflicted", "single"} <= statuses, "the example corpus has conflicts and single-source claims"


def test_conflicted_edges_name_the_other_side(example, example_store):
    graph, _, _, _ = example
    edges = {(d["claim"]["id"], d["claim"]["polarity"]): d for _, _, d in graph.edges(data=True)}
    for data in edges.values():
        assert bool(data["opposed_by"]) == (data["status"] == "conflicted")
    dataset = open_store(example_store)
    try:
        found = conflicts(dataset)
    finally:
        dataset.close()
    for conflict in found:
        for number, side in enumerate(conflict["sides"]):
            others = [c for n, s in enumerate(conflict["sides"]) if n != number for c in s["claims"]]
            for claim in side["claims"]:
                hover = edge_tooltip(edges[(claim["id"], claim["polarity"])])
                assert all(claim_sentence(other) in hover for other in others)


def test_nodes_are_typed_by_their_most_specific_ontology_class(example):
    graph, _, _, _ = example
    lexicon = load_lexicon()
    class_labels = {c: str(lexicon.graph.value(c, RDFS.label)) for c in lexicon.superclasses}
    checked = 0
    for node, data in graph.nodes(data=True):
        info = lexicon.entities.get(URIRef(node))
        if info is None:
            continue
        own = {class_labels.get(c) for c in info.classes}
        broader = {class_labels.get(s) for c in info.classes for s in lexicon.superclasses.get(c, ()) if s not in info.classes}
        assert data["kind"] in own and data["kind"] not in broader, (node, data["kind"], own)
        checked += 1
    assert checked >= 5
    assert len({d["kind"] for _, d in graph.nodes(data=True)}) >= 4, "several entity types get several colours"


def _busiest_entity(graph: nx.MultiDiGraph) -> str:
    return max((n for n, d in graph.nodes(data=True) if d["kind"] != "value"), key=graph.degree)


def test_about_view_is_the_neighbourhood_within_depth(example):
    graph, _, _, _ = example
    centre = _busiest_entity(graph)
    undirected = nx.Graph(graph.to_undirected())
    for depth in (1, 2):
        view = select(graph, View(about=graph.nodes[centre]["label"].upper(), depth=depth))
        distances = nx.single_source_shortest_path_length(undirected, centre, cutoff=depth)
        assert set(view) == set(distances)
        assert view.number_of_edges() == graph.subgraph(distances).number_of_edges()
    assert select(graph, View(about=centre, depth=2)).number_of_nodes() > select(graph, View(about=centre)).number_of_nodes()


def test_about_accepts_a_lexicon_alias(example):
    graph, _, _, _ = example
    lexicon = load_lexicon()
    aliases = [(str(iri), alias) for alias, iri in lexicon.labels.items()
               if str(iri) in graph and alias != graph.nodes[str(iri)]["label"].lower()]
    assert aliases, "some entity in the example graph has an alias"
    iri, alias = aliases[0]
    assert iri in select(graph, View(about=alias))


def test_filters_keep_only_matching_edges(example):
    graph, _, _, _ = example
    conflicts_only = select(graph, View(conflicts_only=True))
    expected = sum(d["status"] == "conflicted" for _, _, d in graph.edges(data=True))
    assert conflicts_only.number_of_edges() == expected > 0
    assert all(d["status"] == "conflicted" for _, _, d in conflicts_only.edges(data=True))
    assert all(conflicts_only.degree(n) for n in conflicts_only), "no isolated nodes left behind"

    source = min({s for _, _, d in graph.edges(data=True) for s in d["claim"]["sources"]})
    by_source = select(graph, View(source=source))
    assert 0 < by_source.number_of_edges() < graph.number_of_edges()
    assert all(source in d["claim"]["sources"] for _, _, d in by_source.edges(data=True))

    multi = select(graph, View(min_sources=2))
    assert multi.number_of_edges() == sum(d["independent"] >= 2 for _, _, d in graph.edges(data=True))


def test_unknown_entity_or_source_is_a_view_error(example):
    graph, _, _, _ = example
    with pytest.raises(ViewError, match="no entity"):
        select(graph, View(about="no such thing at all"))
    with pytest.raises(ViewError, match="no claims from a source"):
        select(graph, View(source="no-such-source"))


def test_page_is_self_contained_and_writes_only_its_file(example, tmp_path, monkeypatch):
    graph, _, _, _ = example
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out" / "page.html"
    render(graph, out)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["out", "out/page.html"]
    page = out.read_text()
    assert not REMOTE_REFERENCE.search(page)
    assert "<script src" not in page and "<link" not in page and "sourceMappingURL" not in page
    assert "default-src 'none'" in page, "a Content-Security-Policy forbids every fetch"
    licence_banner = page[page.index("/**"):page.index("*/", page.index("/**"))]
    assert "vis-network" in licence_banner and "http" not in licence_banner


def test_page_embeds_every_node_and_edge_with_status_styles(example):
    graph, _, _, _ = example
    page = page_html(graph)
    nodes = json.loads(re.search(r"new vis\.DataSet\((\[.*?\])\);\n  const edges", page, re.DOTALL).group(1))
    edges = json.loads(re.search(r"const edges = new vis\.DataSet\((\[.*?\])\);", page, re.DOTALL).group(1))
    assert {n["id"] for n in nodes} == set(graph)
    assert len(edges) == graph.number_of_edges()
    for edge in edges:
        assert edge["color"] == STATUS_STYLES[edge["status"]][0]
        assert edge["dashes"] == ("· hedged ·" in edge["title"])
    widths = {e["status"]: e["width"] for e in edges}
    assert widths["conflicted"] > widths["single"], "conflicting edges stand out"


def test_same_graph_same_page(example):
    graph, _, _, _ = example
    assert page_html(graph) == page_html(graph)


def test_untrusted_text_cannot_close_the_script_element():
    hostile = "</script><script>alert(1)</script><!--"
    claim = {"id": "c", "subject": {"id": "e:a", "label": hostile}, "predicate": {"id": "p", "label": hostile},
             "object": {"id": "e:b", "label": "b"}, "polarity": "positive", "modality": "asserted", "sources": ["s"],
             "evidence": [{"source": "s", "sentence": hostile}]}
    from pipeline.viz import claim_graph

    page = page_html(claim_graph([claim], {}, [], {}), heading=hostile)
    assert hostile not in page and "<script>alert" not in page
    assert page.lower().count("</script") == 2, "only the page's own two scripts end"


def test_cli_writes_a_view_and_reports_counts(cli, example_store, tmp_path):
    page = tmp_path / "views" / "conflicts.html"
    result = cli("viz", "--store", example_store, "--output", page, "--conflicts-only")
    assert result.exit_code == 0, result.output
    assert page.is_file() and "conflicts only" in page.read_text()
    assert re.search(r"\d+ entities, \d+ claims", result.stdout)


@pytest.mark.parametrize("args, message", [
    (("--about", "no such thing at all"), "no entity named"),
    (("--source", "no-such-source"), "no claims from a source"),
    (("--depth", "2"), "--depth needs --about"),
    (("--min-sources", "0"), "--min-sources"),
])
def test_cli_view_mistakes_are_one_line(cli, example_store, tmp_path, args, message):
    result = cli("viz", "--store", example_store, "--output", tmp_path / "p.html", *args)
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.output
    if message != "--min-sources":  # typer's own range check prints a usage box
        assert result.stderr.startswith("claimgraph: error:") and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "p.html").exists()


def test_cli_output_folder_is_a_one_line_error(cli, example_store, tmp_path):
    result = cli("viz", "--store", example_store, "--output", tmp_path)
    assert result.exit_code != 0 and result.stderr.startswith("claimgraph: error:")


def test_cli_help_explains_each_view_option(cli):
    result = cli("viz", "--help")
    assert result.exit_code == 0
    for option in ("--about", "--depth", "--conflicts-only", "--source", "--min-sources", "--output", "--store"):
        assert option in result.stdout


def test_a_class_keeps_its_colour_on_every_view(example):
    from pipeline.viz import type_colours

    graph, _, _, _ = example
    whole = type_colours(graph)
    for kind in {d["kind"] for _, d in graph.nodes(data=True)} - {"entity", "value"}:
        one_class = graph.subgraph([n for n, d in graph.nodes(data=True) if d["kind"] == kind])
        assert type_colours(one_class) == {kind: whole[kind]}


def test_a_source_links_only_to_its_web_page_or_its_file(tmp_path):
    from pipeline.viz import source_link

    article = tmp_path / "a.txt"
    article.write_text("x")
    assert source_link("https://example.org/a?b=1", str(article)) == "https://example.org/a?b=1"
    assert source_link("", str(article)) == article.as_uri()
    assert source_link("", f"{tmp_path / 'feed.jsonl'}:3") == ""
    (tmp_path / "feed.jsonl").write_text("{}")
    assert source_link("", f"{tmp_path / 'feed.jsonl'}:3") == (tmp_path / "feed.jsonl").as_uri()
    for hostile in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"):
        assert source_link(hostile, "") == ""
        assert source_link(hostile, str(article)) == article.as_uri()
    assert source_link("", "relative/path.txt") == ""


def test_store_graph_knows_every_sources_title_and_file(example):
    graph, _, _, _ = example
    sources = graph.graph["sources"]
    used = {s for _, _, d in graph.edges(data=True) for s in d["claim"]["sources"]}
    assert used <= set(sources)
    assert all(sources[s]["link"].startswith("file:///") for s in used)
    assert any(sources[s]["title"] for s in used), "the Markdown and HTML articles have titles"


def test_the_panel_table_holds_both_sides_of_a_conflict_even_outside_the_view(example):
    from pipeline.viz import claim_table

    graph, _, _, _ = example
    claims, sources = claim_table(graph)
    assert set(claims) >= {k for _, _, k in graph.edges(keys=True)}
    for _, _, key, data in graph.edges(keys=True, data=True):
        entry = claims[key]
        assert entry["text"] == claim_sentence(data["claim"])
        assert [e["sentence"] for e in entry["evidence"]] == [e["sentence"] for e in data["claim"]["evidence"]]
        assert {other for _, other in entry["opposed"]} == {f"{c['id']}:{c['polarity']}" for _, c in data["opponents"]}
        assert bool(entry["opposed"]) == (data["status"] == "conflicted")
    assert set(sources) == {e["source"] for c in claims.values() for e in c["evidence"]}

    for _, _, data in graph.edges(data=True):  # a one-source view that leaves a conflict's other side out
        if data["opponents"]:
            source = data["claim"]["sources"][0]
            others = [c for _, c in data["opponents"] if source not in c["sources"]]
            if others:
                break
    else:
        pytest.fail("the example corpus has a conflict between different sources")
    narrow = select(graph, View(source=source))
    claims, _ = claim_table(narrow)
    outside = f"{others[0]['id']}:{others[0]['polarity']}"
    assert outside not in {k for _, _, k in narrow.edges(keys=True)} and outside in claims
    assert claims[outside]["independent"] is None and claims[outside]["status"] == "conflicted"


def test_page_embeds_search_names_panel_claims_and_sources(example):
    graph, _, _, _ = example
    page = page_html(graph)
    nodes = json.loads(re.search(r"new vis\.DataSet\((\[.*?\])\);\n  const edges", page, re.DOTALL).group(1))
    edges = json.loads(re.search(r"const edges = new vis\.DataSet\((\[.*?\])\);", page, re.DOTALL).group(1))
    claims = json.loads(re.search(r"const claims = (\{.*?\});\n", page, re.DOTALL).group(1))
    sources = json.loads(re.search(r"const sources = (\{.*?\});\n", page, re.DOTALL).group(1))
    assert any(n["aliases"] for n in nodes), "aliases reach the search box"
    assert {e["key"] for e in edges} <= set(claims) and len({e["id"] for e in edges}) == len(edges)
    assert sources == {s: graph.graph["sources"][s] for s in sources}
    for edge in edges:
        data = next(d for _, _, k, d in graph.edges(keys=True, data=True) if k == edge["key"])
        assert (edge["status"], edge["independent"], edge["sources"], edge["hedged"]) == (
            data["status"], data["independent"], data["claim"]["sources"], data["claim"]["modality"] == "hedged")
    for wording in ("conflicts-first", "claimgraph viz --conflicts-only", "--about NAME --depth N", "--source ID",
                    "--min-sources N", 'id="search"', 'id="filter-source"', 'id="filter-predicate"', 'id="filter-min"'):
        assert wording in page


def test_page_script_writes_text_never_markup():
    from pipeline.viz import APP_SCRIPT

    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in APP_SCRIPT
    assert "textContent" in APP_SCRIPT and "safeLink" in APP_SCRIPT
