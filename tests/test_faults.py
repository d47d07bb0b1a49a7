"""A build killed at any point (kill -9) leaves the previous graph intact, and the next build completes."""

from __future__ import annotations

import os
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


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (its extraction workers), from Linux's /proc."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def is_running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_until(ready, timeout: float = 120, running: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert running is None or running.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline, "the build never reached the point to kill it at"
        time.sleep(0.005)


def kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    """Kill the build with SIGKILL once ``ready()``; its workers, left without it, must exit by themselves."""
    wait_until(ready, timeout, running=process)
    workers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    wait_until(lambda: not any(is_running(worker) for worker in workers), timeout=60)


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



def test_a_worker_killed_mid_build_stops_the_build_with_a_message_and_the_store_intact(tmp_path, big_corpus):
    store = tmp_path / "store"
    build([example_corpus_dir()], store)
    before = snapshot(store)
    process, stderr = start_build(big_corpus, store)
    wait_until(lambda: any(line.startswith("extracting ") for line in stderr), running=process)
    workers = children(process.pid)
    assert workers, "the build extracts in a worker process"
    for worker in workers:
        os.kill(worker, signal.SIGKILL)
    assert process.wait(timeout=60) != 0
    time.sleep(0.2)  # the reader thread catches the last line
    assert any("an extraction worker died" in line for line in stderr), stderr
    assert not any("Traceback" in line for line in stderr)
    assert snapshot(store) == before
