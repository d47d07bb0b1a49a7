"""How long the graph page takes to open and settle in headless Chromium, with networking off.

``measure_viz_load(2000, 5000)`` renders a synthetic claim graph of that size
(random edges, every status, hedged and multi-source claims, evidence text on
every edge), opens it in Debian's Chromium through chromedriver and reports the
time from navigation start until the page signals that vis-network has drawn a
settled layout (``window.claimgraphReady``, set after stabilisation and the
freeze of physics, or on the first draw when the layout is computed in Python).

Run alone: ``python -m bench.viz_load [--nodes N] [--edges M] [--store PATH]``.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.viz import claim_graph, render, store_graph

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
LOAD_TIMEOUT_SECONDS = 120
TARGET_SECONDS = 3.0  # a 2,000-node, 5,000-edge page must open and settle within this
CLASS_LABELS = ("substance", "condition", "outcome", "symptom", "practice")
PREDICATES = ("affects", "improves", "causes", "reduces", "treats", "interacts with")
SOURCE_COUNT = 200


def browser_available() -> bool:
    """Whether Debian's Chromium and ChromeDriver are installed."""
    return CHROMIUM.is_file() and CHROMEDRIVER.is_file()


@contextmanager
def headless_chromium(profile: Path) -> Iterator[object]:
    """A selenium driver for headless Chromium that collects console and network logs, offline."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        driver.set_page_load_timeout(LOAD_TIMEOUT_SECONDS)
        driver.get("about:blank")  # leave Chromium's new-tab page, whose chrome:// requests would fill the logs
        yield driver
    finally:
        driver.quit()


def open_page(driver, page: Path) -> float:
    """Load a graph page and wait until it has settled; seconds from navigation start."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page.resolve().as_uri())
    WebDriverWait(driver, LOAD_TIMEOUT_SECONDS, poll_frequency=0.05).until(
        lambda d: d.execute_script("return window.claimgraphReady !== undefined"))
    return driver.execute_script("return window.claimgraphReady") / 1000


def synthetic_claims(nodes: int, edges: int, seed: int = 7) -> tuple[list[dict], dict, list[dict], dict]:
    """Claims (JSON contract) over a random connected graph (needs ``edges >= nodes - 1``), with independent-source counts, conflicts and entity types."""
    rng = random.Random(seed)
    pairs = [(i, rng.randrange(i)) for i in range(1, nodes)]  # a random tree: every entity is drawn
    pairs += [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(edges - len(pairs))]
    entity = [f"https://claimgraph.org/entity/e{i}" for i in range(nodes)]
    claims, independent = [], {}
    for number, (a, b) in enumerate(pairs):
        sources = [f"source{rng.randrange(SOURCE_COUNT):03d}" for _ in range(rng.choice((1, 1, 2, 3)))]
        predicate = PREDICATES[rng.randrange(len(PREDICATES))]
        claim = {
            "id": f"https://claimgraph.org/claim/c{number}",
            "subject": {"id": entity[a], "label": f"entity {a}"},
            "predicate": {"id": f"https://claimgraph.org/ns#{predicate.replace(' ', '-')}", "label": predicate},
            "object": {"id": entity[b], "label": f"entity {b}"},
            "polarity": "negative" if rng.random() < 0.05 else "positive",
            "modality": "hedged" if rng.random() < 0.3 else "asserted",
            "sources": sorted(set(sources)),
            "evidence": [{"source": s, "sentence": f"Entity {a} is said to {predicate} entity {b} in a sentence of "
                          "ordinary article length, long enough to make the tooltip text realistic.",
                          "start": 0, "end": 120, "polarity": "positive", "modality": "asserted"} for s in sources],
        }
        claims.append(claim)
        independent[(claim["id"], claim["polarity"])] = len(claim["sources"])
    conflicts = [{"kind": "opposing", "topic": "synthetic", "sides": [{"claims": [a]}, {"claims": [b]}]}
                 for a, b in zip(claims[0:200:2], claims[1:200:2])]
    types = {iri: CLASS_LABELS[i % len(CLASS_LABELS)] for i, iri in enumerate(entity)}
    return claims, independent, conflicts, types


def synthetic_sources(count: int = SOURCE_COUNT) -> dict[str, dict[str, str]]:
    """Titles, dates and web links for the synthetic claims' sources (as ``viz.source_details`` gives them)."""
    return {f"source{i:03d}": {"title": f"Synthetic article {i}", "date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                               "link": f"https://example.org/articles/{i}"} for i in range(count)}


def synthetic_graph(nodes: int, edges: int):
    """The claim graph of :func:`synthetic_claims`, with its sources' details."""
    return claim_graph(*synthetic_claims(nodes, edges), synthetic_sources())


def measure_page(page: Path) -> dict:
    """Seconds for one page to load and settle in headless Chromium (a fresh browser profile)."""
    with tempfile.TemporaryDirectory() as profile, headless_chromium(Path(profile)) as driver:
        started = time.perf_counter()
        settled = open_page(driver, page)
        wall = time.perf_counter() - started
        drawn = driver.execute_script("return [window.claimgraph.nodes.length, window.claimgraph.edges.length]")
    return {"load_seconds": round(settled, 3), "wall_seconds": round(wall, 3),
            "nodes_drawn": drawn[0], "edges_drawn": drawn[1], "html_bytes": page.stat().st_size}


def measure_viz_load(nodes: int = 2000, edges: int = 5000) -> dict:
    """Render a synthetic graph of this size and time its page to load and settle in headless Chromium.

    Returns nodes, edges, ``render_seconds`` (Python: graph to HTML file), ``load_seconds``
    (browser: navigation start to settled drawing), ``wall_seconds``, ``html_bytes`` and
    ``load_to_target``, the load time as a fraction of the 3 s target (below 1 passes).
    """
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        page = render(synthetic_graph(nodes, edges), Path(folder) / "graph.html")
        rendered = time.perf_counter() - started
        result = measure_page(page)
    return {"nodes": nodes, "edges": edges, "render_seconds": round(rendered, 3), **result,
            "target_seconds": TARGET_SECONDS, "load_to_target": round(result["load_seconds"] / TARGET_SECONDS, 3)}


def measure_store_viz_load(store: Path) -> dict:
    """Time the page of a built store (rendered from the store, then opened in headless Chromium)."""
    from pipeline.store import open_store

    dataset = open_store(store)
    try:
        graph = store_graph(dataset)
    finally:
        dataset.close()
    with tempfile.TemporaryDirectory() as folder:
        page = render(graph, Path(folder) / "graph.html")
        result = measure_page(page)
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000, help="synthetic graph: number of entities")
    parser.add_argument("--edges", type=int, default=5000, help="synthetic graph: number of claims")
    parser.add_argument("--store", type=Path, help="also time the page of this built store")
    args = parser.parse_args()
    if not browser_available():
        parser.exit(1, f"viz_load: needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)\n")
    results = [measure_viz_load(args.nodes, args.edges)]
    if args.store:
        results.append({"store": str(args.store), **measure_store_viz_load(args.store)})
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
