"""The graph page in a real browser: Debian's headless Chromium, networking off.

Skips when Chromium, ChromeDriver or selenium is missing, unless CLAIMGRAPH_REQUIRE_BROWSER=1
(CI), where a missing browser fails. Screenshots go to ``test-artifacts/`` in the repo root.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import browser_required

from rdflib import SKOS, URIRef

from bench.viz_load import (
    TARGET_SECONDS,
    browser_available,
    headless_chromium,
    measure_viz_load,
    open_page,
    synthetic_graph,
)
from pipeline.build import build
from pipeline.ontology import label_key, load_lexicon
from pipeline.store import open_store
from pipeline.viz import LABEL_BUDGET, claim_graph, claim_sentence, render, store_graph

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PAYLOAD_MARK = "claimgraphPwned"
HOSTILE_ARTICLE = f"""Caffeine causes insomnia in many adults <script>window.{PAYLOAD_MARK} = "script";</script> say researchers.

Melatonin improves sleep <img src=x onerror="window.{PAYLOAD_MARK} = 'img'"> in older adults.
"""


def _browser_ready() -> bool:
    return browser_available() and importlib.util.find_spec("selenium") is not None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not _browser_ready():
        message = "needs /usr/bin/chromium, /usr/bin/chromedriver and selenium"
        if browser_required():
            pytest.fail(f"CLAIMGRAPH_REQUIRE_BROWSER=1 but the browser test {message}")
        pytest.skip(message)
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _load(driver, page: Path) -> None:
    driver.get_log("browser"), driver.get_log("performance")  # drop what earlier pages logged
    open_page(driver, page)


def _console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _requested_urls(driver) -> list[str]:
    messages = (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
    return [m["params"]["request"]["url"] for m in messages if m["method"] == "Network.requestWillBeSent"]


def _screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))
    return path


def _page_of_store(store: Path, output: Path):
    dataset = open_store(store)
    try:
        graph = store_graph(dataset)
    finally:
        dataset.close()
    return graph, render(graph, output)


def test_example_graph_is_drawn_offline_without_errors(browser, example_store, tmp_path):
    graph, page = _page_of_store(example_store, tmp_path / "claims.html")
    _load(browser, page)
    drawn = browser.execute_script("""
        const canvas = document.querySelector("#graph canvas");
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        return {canvas: canvas.width * canvas.height, painted: painted,
                nodes: claimgraph.nodes.getIds(), edges: claimgraph.edges.length,
                positioned: Object.keys(claimgraph.network.getPositions()).length,
                physics: claimgraph.network.physics.physicsEnabled,
                legend: document.getElementById("legend").innerText};
    """)
    assert drawn["canvas"] > 0 and drawn["painted"] > 1000, "the canvas has something drawn on it"
    assert set(drawn["nodes"]) == set(graph) and drawn["positioned"] == graph.number_of_nodes()
    assert drawn["edges"] == graph.number_of_edges()
    assert drawn["physics"] is False, "physics is frozen once the layout has settled"
    for status in ("conflicted", "agreed", "single", "negated", "hedged"):
        assert status in drawn["legend"]
    assert _console_errors(browser) == []
    requested = _requested_urls(browser)
    assert requested and all(url.startswith(("file:", "data:")) for url in requested), requested
    _screenshot(browser, "example-graph.png")


def _hover_edge(driver, edge_id: str) -> str:
    """Move the mouse onto the middle of a (straight) edge and return the tooltip's text."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    canvas = driver.find_element("css selector", "#graph canvas")
    x, y = driver.execute_script("""
        const edge = claimgraph.edges.get(arguments[0]);
        const p = claimgraph.network.getPositions([edge.from, edge.to]);
        const mid = claimgraph.network.canvasToDOM({x: (p[edge.from].x + p[edge.to].x) / 2,
                                                    y: (p[edge.from].y + p[edge.to].y) / 2});
        const box = document.querySelector("#graph canvas").getBoundingClientRect();
        return [mid.x - box.width / 2, mid.y - box.height / 2];
    """, edge_id)
    ActionChains(driver).move_to_element_with_offset(canvas, round(x) - 3, round(y)).pause(0.1) \
        .move_to_element_with_offset(canvas, round(x), round(y)).perform()
    WebDriverWait(driver, 5).until(lambda d: d.execute_script(
        "const t = document.querySelector('div.vis-tooltip'); return t && t.style.visibility !== 'hidden' && t.innerText"))
    return driver.execute_script("return document.querySelector('div.vis-tooltip').innerText")


def test_markup_in_an_article_is_shown_never_run(browser, tmp_path):
    article = tmp_path / "corpus" / "hostile-article.txt"
    article.parent.mkdir()
    article.write_text(HOSTILE_ARTICLE)
    build([article.parent], tmp_path / "store")
    graph, page = _page_of_store(tmp_path / "store", tmp_path / "hostile.html")
    assert any("onerror" in e["sentence"] for _, _, d in graph.edges(data=True) for e in d["claim"]["evidence"])
    _load(browser, page)
    state = browser.execute_script(f"""
        return {{ran: window.{PAYLOAD_MARK} !== undefined, images: document.images.length,
                 scripts: document.scripts.length,
                 hostileEdges: claimgraph.edges.getIds({{filter: e => e.title.includes("onerror") && !e.smooth.enabled}})}};
    """)
    assert state == {"ran": False, "images": 0, "scripts": 2, "hostileEdges": state["hostileEdges"]}
    assert state["hostileEdges"], "an edge's evidence carries the payload"
    tooltip = _hover_edge(browser, state["hostileEdges"][0])
    assert "<img src=x onerror=" in tooltip, "the markup is displayed as text"
    assert browser.execute_script(f"return window.{PAYLOAD_MARK} === undefined && document.images.length === 0")
    assert _console_errors(browser) == [], "nothing was even attempted (a blocked script would log a CSP error)"
    _screenshot(browser, "hostile-article-tooltip.png")


def test_markup_in_labels_and_heading_is_inert(browser, tmp_path):
    hostile = f"</script><script>window.{PAYLOAD_MARK}=1</script><img src=x onerror=window.{PAYLOAD_MARK}=2>"
    claim = {"id": "c", "subject": {"id": "e:a", "label": hostile}, "predicate": {"id": "p", "label": hostile},
             "object": {"id": "e:b", "label": "b"}, "polarity": "positive", "modality": "hedged", "sources": [hostile],
             "evidence": [{"source": hostile, "sentence": hostile}]}
    page = render(claim_graph([claim], {}, [], {"e:a": hostile}), tmp_path / "labels.html", heading=hostile)
    _load(browser, page)
    assert browser.execute_script(f"return window.{PAYLOAD_MARK} === undefined && document.images.length === 0")
    assert hostile in browser.execute_script("return document.getElementById('legend').innerText")
    assert _console_errors(browser) == []


@pytest.mark.parametrize("nodes, edges", [(60, 150), (400, 900)])
def test_load_benchmark_draws_every_node_and_edge(nodes, edges):
    if not _browser_ready():
        if browser_required():
            pytest.fail("CLAIMGRAPH_REQUIRE_BROWSER=1 but Chromium, ChromeDriver or selenium is missing")
        pytest.skip("needs Chromium, ChromeDriver and selenium")
    result = measure_viz_load(nodes, edges)
    assert (result["nodes_drawn"], result["edges_drawn"]) == (nodes, edges)
    assert 0 < result["load_seconds"] <= result["wall_seconds"]


# --- the fact-checker's page: search, filters, evidence panel, labels at scale -------------------------------

def _page_state(driver) -> dict:
    return driver.execute_script("""
        const shown = claimgraph.edges.get({filter: e => !e.hidden});
        return {shownEdges: shown.map(e => e.id), shownKeys: shown.map(e => e.key),
                dimmedNodes: claimgraph.nodes.getIds({filter: n => n.dimmed}),
                litNodes: claimgraph.nodes.getIds({filter: n => !n.dimmed && !n.hidden}),
                hiddenNodes: claimgraph.nodes.getIds({filter: n => n.hidden}),
                selected: claimgraph.network.getSelectedNodes(),
                labelled: claimgraph.labelled(),
                shownText: document.getElementById("shown").textContent};
    """)


def _dom_point(driver, canvas_point: dict) -> tuple[float, float]:
    """Offset from the canvas centre (selenium's origin) of a point in graph coordinates."""
    return driver.execute_script("""
        const at = claimgraph.network.canvasToDOM(arguments[0]);
        const box = document.querySelector("#graph canvas").getBoundingClientRect();
        return [at.x - box.width / 2, at.y - box.height / 2];
    """, canvas_point)


def _click_at(driver, offset: tuple[float, float]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = driver.find_element("css selector", "#graph canvas")
    ActionChains(driver).move_to_element_with_offset(canvas, round(offset[0]), round(offset[1])).pause(0.1).click().perform()


def _clickable_edge(driver, keys: list[str]) -> str:
    """The id of a straight edge among these claim keys whose midpoint, on screen, is that edge and no node near it."""
    edge = driver.execute_script("""
        const net = claimgraph.network;
        net.redraw();  // hit-testing uses the bounding boxes of the last drawing
        for (const e of claimgraph.edges.get({filter: e => arguments[0].includes(e.key) && !e.smooth.enabled && !e.hidden})) {
            const p = net.getPositions([e.from, e.to]);
            const mid = net.canvasToDOM({x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2});
            const around = [[0, 0], [-6, 0], [6, 0], [0, -6], [0, 6]].map(([dx, dy]) => ({x: mid.x + dx, y: mid.y + dy}));
            if (net.getEdgeAt(mid) === e.id && around.every(at => net.getNodeAt(at) === undefined)) return e.id;
        }
        return null;
    """, keys)
    assert edge, "one of the claims' edges can be clicked on its own"
    return edge


def _click_edge(driver, edge_id: str) -> None:
    middle = driver.execute_script("""
        const e = claimgraph.edges.get(arguments[0]), p = claimgraph.network.getPositions([e.from, e.to]);
        return {x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2};
    """, edge_id)
    _click_at(driver, _dom_point(driver, middle))


def _panel(driver) -> dict:
    """What the evidence panel shows: title, and per claim card its key, side, evidence sentences and source links."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 5).until(lambda d: d.execute_script("return !document.getElementById('panel').hidden"))
    return driver.execute_script("""
        const panel = document.getElementById("panel");
        return {title: panel.querySelector("h2").textContent, text: panel.innerText,
                cards: [...panel.querySelectorAll(".claim")].map(card => ({
                    key: card.dataset.key, side: (card.querySelector(".side") || {}).textContent || "",
                    text: card.querySelector(".claim-text").textContent,
                    sentences: [...card.querySelectorAll("q.sentence")].map(q => q.textContent),
                    links: [...card.querySelectorAll("a.source")].map(a => a.getAttribute("href")),
                    sources: [...card.querySelectorAll(".source")].map(s => s.textContent)})),
                elements: [...panel.querySelectorAll("*")].map(e => e.tagName.toLowerCase())};
    """)


@pytest.fixture(scope="module")
def example_page(example_store, tmp_path_factory):
    return _page_of_store(example_store, tmp_path_factory.mktemp("example-page") / "claims.html")


def _alias_to_search(graph) -> tuple[str, str]:
    """A node with neighbours that the page can find only by an alias: (node, alias)."""
    labels = {label_key(d["label"]) for _, d in graph.nodes(data=True)}
    lexicon = load_lexicon()
    for node in sorted(graph, key=graph.degree, reverse=True):
        for alias in sorted(str(a) for a in lexicon.graph.objects(URIRef(node), SKOS.altLabel)):
            if label_key(alias) not in labels and not any(label_key(alias) in label for label in labels):
                return node, alias
    raise AssertionError("no entity of the example graph has an alias to search by")


def test_search_by_alias_centres_on_the_entity_and_highlights_its_neighbourhood(browser, example_page):
    from selenium.webdriver.common.keys import Keys

    graph, page = example_page
    node, alias = _alias_to_search(graph)
    _load(browser, page)
    box = browser.find_element("id", "search")
    box.send_keys(alias.upper() + Keys.ENTER)
    state = _page_state(browser)
    neighbourhood = {node, *graph.successors(node), *graph.predecessors(node)}
    assert state["selected"] == [node]
    assert set(state["litNodes"]) == neighbourhood and len(neighbourhood) > 1
    assert set(state["dimmedNodes"]) == set(graph) - neighbourhood
    assert neighbourhood <= set(state["labelled"]), "the neighbourhood is labelled"
    inside = browser.execute_script("""
        const box = document.getElementById("graph").getBoundingClientRect();
        return arguments[0].map(id => claimgraph.network.canvasToDOM(claimgraph.network.getPositions([id])[id]))
                           .every(p => p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height);
    """, sorted(neighbourhood))
    assert inside, "the view is centred on the neighbourhood, all of it on screen"
    assert graph.nodes[node]["label"] in browser.find_element("id", "search-status").text
    _screenshot(browser, "example-search-highlight.png")

    box.clear()
    box.send_keys("no such entity at all" + Keys.ENTER)
    assert "No entity matches" in browser.find_element("id", "search-status").text
    browser.find_element("id", "clear-search").click()
    assert _page_state(browser)["dimmedNodes"] == []


def test_filters_hide_exactly_the_claims_they_exclude(browser, example_page):
    from selenium.webdriver.support.ui import Select, WebDriverWait

    graph, page = example_page
    _load(browser, page)
    edges = {key: data for _, _, key, data in graph.edges(keys=True, data=True)}

    def shown() -> set[str]:
        return set(_page_state(browser)["shownKeys"])

    browser.find_element("css selector", "input[name=kind][value=single]").click()
    assert shown() == {k for k, d in edges.items() if d["status"] != "single"}
    browser.find_element("css selector", "input[name=kind][value=hedged]").click()
    expected = {k for k, d in edges.items() if d["status"] != "single" and d["claim"]["modality"] != "hedged"}
    assert shown() == expected and 0 < len(expected) < len(edges)
    state = _page_state(browser)
    assert set(state["hiddenNodes"]) == set(graph) - {n for k in expected for n in _ends(graph, k)}
    assert f"Showing {len(expected)} of {len(edges)} claims" in state["shownText"]

    browser.find_element("id", "reset").click()
    assert shown() == set(edges)
    source = max({s for d in edges.values() for s in d["claim"]["sources"]},
                 key=lambda s: sum(s in d["claim"]["sources"] for d in edges.values()))
    Select(browser.find_element("id", "filter-source")).select_by_value(source)
    assert shown() == {k for k, d in edges.items() if source in d["claim"]["sources"]} != set(edges)
    predicate = edges[min(shown())]["claim"]["predicate"]["label"]
    Select(browser.find_element("id", "filter-predicate")).select_by_value(predicate)
    assert shown() == {k for k, d in edges.items()
                       if source in d["claim"]["sources"] and d["claim"]["predicate"]["label"] == predicate}

    browser.find_element("id", "reset").click()
    minimum = browser.find_element("id", "filter-min")
    minimum.clear()
    minimum.send_keys("2")
    assert shown() == {k for k, d in edges.items() if d["independent"] >= 2} != set()

    browser.find_element("id", "reset").click()
    browser.find_element("id", "conflicts-first").click()
    conflicted = {k for k, d in edges.items() if d["status"] == "conflicted"}
    assert shown() == conflicted and conflicted
    _screenshot(browser, "example-conflicts-first.png")

    browser.get("about:blank")
    browser.get(page.resolve().as_uri() + "#conflicts-first")
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return window.claimgraphReady !== undefined"))
    assert shown() == conflicted, "the conflicts-first view has an address of its own"


def _ends(graph, key: str) -> tuple[str, str]:
    return next((u, v) for u, v, k in graph.edges(keys=True) if k == key)


def test_clicking_a_conflict_pins_both_sides_with_their_evidence_and_source_links(browser, example_page):
    graph, page = example_page
    _load(browser, page)
    conflicted = sorted(k for _, _, k, d in graph.edges(keys=True, data=True) if d["status"] == "conflicted")
    edge_id = _clickable_edge(browser, conflicted)
    key = browser.execute_script("return claimgraph.edges.get(arguments[0]).key", edge_id)
    data = next(d for _, _, k, d in graph.edges(keys=True, data=True) if k == key)
    _click_edge(browser, edge_id)
    panel = _panel(browser)
    assert panel["title"] == claim_sentence(data["claim"])
    by_key = {card["key"]: card for card in panel["cards"]}
    this = by_key.pop(key)
    assert this["side"] == "this side"
    assert this["sentences"] == [e["sentence"] for e in data["claim"]["evidence"]]
    sources = graph.graph["sources"]
    assert this["links"] == [sources[e["source"]]["link"] for e in data["claim"]["evidence"]]
    assert all(link.startswith("file:///") and Path(link[7:]).is_file() for link in this["links"])
    others = {f"{c['id']}:{c['polarity']}": (kind, c) for kind, c in data["opponents"]}
    assert set(by_key) == set(others) and others
    for other_key, (kind, claim) in others.items():
        assert by_key[other_key]["side"].startswith("other side") and kind in by_key[other_key]["side"]
        assert by_key[other_key]["text"] == claim_sentence(claim)
        assert by_key[other_key]["sentences"] == [e["sentence"] for e in claim["evidence"]]
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('#panel .sides')).gridTemplateColumns.split(' ').length") == 2, \
        "the two sides stand next to each other"
    _screenshot(browser, "example-conflict-panel.png")

    node = max(graph, key=graph.degree)
    _click_at(browser, _dom_point(browser, browser.execute_script(
        "return claimgraph.network.getPositions([arguments[0]])[arguments[0]]", node)))
    panel = _panel(browser)
    assert panel["title"] == graph.nodes[node]["label"]
    own = {k for u, v, k in graph.edges(keys=True) if node in (u, v)}
    assert own <= {card["key"] for card in panel["cards"]}
    assert {card["key"] for card in panel["cards"] if card["side"] != "" and not card["side"].startswith("other")} | \
        {card["key"] for card in panel["cards"] if card["side"] == ""} == own
    assert set(_page_state(browser)["litNodes"]) == {node, *graph.successors(node), *graph.predecessors(node)}
    browser.find_element("id", "panel-close").click()
    assert browser.execute_script("return document.getElementById('panel').hidden")
    empty = browser.execute_script("""
        claimgraph.network.redraw();
        const box = document.getElementById("graph").getBoundingClientRect();
        for (let x = 10; x < box.width; x += 40) for (let y = 10; y < box.height; y += 40)
            if (claimgraph.network.getNodeAt({x, y}) === undefined && claimgraph.network.getEdgeAt({x, y}) === undefined)
                return [x - box.width / 2, y - box.height / 2];
    """)
    _click_at(browser, empty)
    assert _page_state(browser)["dimmedNodes"] == [], "a click on the background ends the highlight"


def test_hostile_article_text_stays_inert_in_the_evidence_panel(browser, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile-article.txt").write_text(HOSTILE_ARTICLE)
    record = {"id": "hostile-feed", "title": f"<img src=x onerror=\"window.{PAYLOAD_MARK}='title'\">",
              "url": f"javascript:window.{PAYLOAD_MARK}='link'", "text": HOSTILE_ARTICLE}
    (corpus / "feed.jsonl").write_text(json.dumps(record) + "\n")
    build([corpus], tmp_path / "store")
    graph, page = _page_of_store(tmp_path / "store", tmp_path / "hostile.html")
    hostile = sorted(k for _, _, k, d in graph.edges(keys=True, data=True)
                     if any("onerror" in e["sentence"] for e in d["claim"]["evidence"]))
    assert hostile, "an edge's evidence carries the payload"
    _load(browser, page)
    _click_edge(browser, _clickable_edge(browser, hostile))
    panel = _panel(browser)
    assert "<img src=x onerror=" in panel["text"], "the sentence's markup is displayed as text"
    assert any("onerror" in name for card in panel["cards"] for name in card["sources"]), "so is the title's"
    assert {"img", "script", "iframe"}.isdisjoint(panel["elements"])
    assert all(not link.lower().startswith("javascript") for card in panel["cards"] for link in card["links"])
    for link in browser.find_elements("css selector", "#panel a"):
        link.click()  # a file: link to the article; nothing to run
    assert browser.execute_script(f"return window.{PAYLOAD_MARK} === undefined && document.images.length === 0")
    assert _console_errors(browser) == [], "nothing was even attempted (a blocked script would log a CSP error)"
    _screenshot(browser, "hostile-article-panel.png")


def test_thousand_node_page_labels_hubs_then_more_on_zoom(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains, ScrollOrigin
    from selenium.webdriver.common.keys import Keys

    graph = synthetic_graph(1000, 2500)
    page = render(graph, tmp_path / "thousand.html")
    seconds = open_page(browser, page)
    assert seconds < TARGET_SECONDS
    labelled = set(_page_state(browser)["labelled"])
    assert 10 <= len(labelled) <= LABEL_BUDGET
    assert max(graph, key=graph.degree) in labelled
    mean = 2 * graph.number_of_edges() / graph.number_of_nodes()
    assert sum(graph.degree(n) for n in labelled) / len(labelled) > 1.5 * mean, "the labels name hubs"
    _screenshot(browser, "thousand-nodes.png")

    canvas = browser.find_element("css selector", "#graph canvas")
    ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(canvas), 0, -600).perform()
    browser.execute_script("return new Promise(done => setTimeout(done, 400))")
    zoomed = set(_page_state(browser)["labelled"])
    assert zoomed - labelled, "zooming in labels nodes that were not labelled"

    name = graph.nodes[max(graph, key=graph.degree)]["label"]
    browser.find_element("id", "search").send_keys(name + Keys.ENTER)
    browser.find_element("id", "conflicts-first").click()
    state = _page_state(browser)
    assert len(state["shownEdges"]) == sum(d["status"] == "conflicted" for _, _, d in graph.edges(data=True))
    _screenshot(browser, "thousand-nodes-search-conflicts.png")

    edge_id = _clickable_edge(browser, state["shownKeys"])
    _click_edge(browser, edge_id)
    panel = _panel(browser)
    key = browser.execute_script("return claimgraph.edges.get(arguments[0]).key", edge_id)
    assert panel["title"] == browser.execute_script("return claimgraph.claims[arguments[0]].text", key)
    sides = [card["side"] for card in panel["cards"]]
    assert sides[0] == "this side" and any(side.startswith("other side") for side in sides[1:])
    assert all(link.startswith("https://example.org/articles/") for card in panel["cards"] for link in card["links"])
    _screenshot(browser, "thousand-nodes-conflict-panel.png")


def test_two_thousand_node_page_settles_within_target():
    if not _browser_ready():
        if browser_required():
            pytest.fail("CLAIMGRAPH_REQUIRE_BROWSER=1 but Chromium, ChromeDriver or selenium is missing")
        pytest.skip("needs Chromium, ChromeDriver and selenium")
    runs = [measure_viz_load(2000, 5000)]
    if runs[0]["load_seconds"] >= TARGET_SECONDS:  # the best of two, as timeit takes the best: a busy machine is noise
        runs.append(measure_viz_load(2000, 5000))
    best = min(runs, key=lambda r: r["load_seconds"])
    assert (best["nodes_drawn"], best["edges_drawn"]) == (2000, 5000)
    assert best["load_seconds"] < TARGET_SECONDS, runs
