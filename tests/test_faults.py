"""A build killed at any point (kill -9) leaves the previous graph intact, and the next build completes."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.resources import example_corpus_dir
from pipeline.store import GENERATIONS, open_store

EVAL = Path(__file__).parent / "data" / "eval"


def many_articles(folder: Path, copies: int) -> Path:
    folder.mkdir(parents=True)
    sources = sorted(example_corpus_dir().iterdir()) + sorted(EVAL.glob("*.txt"))
    for copy in range(copies):
        for source in sources:
            (folder / f"{copy:03d}-{source.name}").write_text(f"{source.read_text()}\n<!-- copy {copy} -->\n"
                                                             if source.suffix == ".html" else
                                                             f"{source.read_text()}\nCopy {copy} ends here.\n")
    return folder


def snapshot(store: Path) -> set[tuple]:
    dataset = open_store(store)
    try:
        return set(dataset.quads((None, None, None, None)))
    finally:
        dataset.close()


def start_build(folder: Path, store: Path) -> tuple[subprocess.Popen, list[str]]:
    """A `claimgraph build` subprocess, and the lines of its stderr as they arrive."""
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "build", str(folder), "--store", str(store)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True).start()
    return process, lines


def kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline, "the build never reached the point to kill it at"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    return many_articles(tmp_path_factory.mktemp("big") / "articles", 6)


@pytest.mark.parametrize("moment", ["while extracting", "while writing the new generation"])
def test_kill_9_leaves_the_previous_graph_and_the_next_build_completes(tmp_path, big_corpus, moment, cli):
    store = tmp_path / "store"
    build([example_corpus_dir()], store)
    before = snapshot(store)
    folder = tmp_path / "articles"
    shutil.copytree(big_corpus, folder)
    for source in example_corpus_dir().iterdir():
        shutil.copy(source, folder / source.name)
    process, stderr = start_build(folder, store)
    if moment == "while extracting":
        kill_when(process, lambda: any(line.startswith("extracting ") for line in stderr))
    else:
        kill_when(process, lambda: (store / GENERATIONS / "000002").exists())
    assert process.returncode == -signal.SIGKILL
    assert snapshot(store) == before, "the previous graph is intact"
    result = cli("claims", "--store", store, "--format", "json")
    assert result.exit_code == 0 and result.stdout.startswith("[")
    report = build([folder], store)
    assert len(report.new) == len(list(big_corpus.iterdir())) and len(report.unchanged) == 5
    generations = list((store / GENERATIONS).iterdir())
    assert len(generations) == 2 and all((g / "report.json").is_file() for g in generations), "no unfinished generation is left"

