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

from bench.viz_load import (
    browser_available,
    headless_chromium,
    measure_viz_load,
    open_page,
)
from pipeline.build import build
from pipeline.store import open_store
from pipeline.viz import claim_graph, render, store_graph

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
