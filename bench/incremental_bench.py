"""Whole builds as a user runs them: ``claimgraph build`` in a child process, model start-up included.

For ``n`` synthetic articles: a full build with ``--jobs 1`` (throughput and peak
memory), the same store rebuilt after one article is added (the incremental
rebuild), and a full build into a fresh store with ``--jobs 2``. Each child's
wall time, CPU time and peak resident memory come from ``os.wait4``, so every
figure belongs to one run. The rebuild must extract exactly one article; if the
ontology or the extractor changed while the benchmark ran (others edit this
working tree), it re-extracts everything and the table says so.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .corpus import synthetic_corpus, word_count


@dataclass(frozen=True)
class Run:
    """One child process: wall-clock seconds, CPU seconds (itself and its workers), peak RSS in MiB,
    and how many articles the build extracted (new + changed, from its summary line)."""

    wall: float
    cpu: float
    peak_mib: float
    extracted: int


def claimgraph_command() -> list[str]:
    """The ``claimgraph`` console script of this environment."""
    script = Path(sys.executable).with_name("claimgraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def run_build(folder: Path, store: Path, jobs: int = 1) -> Run:
    """Run ``claimgraph build FOLDER --store STORE --jobs JOBS`` and measure it; a failed build raises."""
    command = [*claimgraph_command(), "build", str(folder), "--store", str(store), "--jobs", str(jobs)]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        output.seek(0)
        printed = output.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {printed[-500:]}")
    counts = re.search(r"(\d+) new, (\d+) changed", printed)
    extracted = int(counts[1]) + int(counts[2]) if counts else -1
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, extracted)


def measure_builds(n: int) -> dict:
    """Full build, +1-article rebuild and ``--jobs 2`` build of ``n`` synthetic articles."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "articles"
        words = word_count(synthetic_corpus(n, folder))
        full = run_build(folder, Path(scratch) / "store")
        synthetic_corpus(n + 1, folder)
        incremental = run_build(folder, Path(scratch) / "store")
        parallel = run_build(folder, Path(scratch) / "store-jobs2", jobs=2)
    return {"articles": n, "words": words, "full": full, "incremental": incremental,
            "jobs2": parallel, "jobs2_articles": n + 1}
