"""Readers never write: any number of read commands run at once, during a build and on a read-only store.

Every test here runs real `claimgraph` processes over a real Oxigraph store. A read command must either
answer with what one complete generation holds (the one before the build or the one after) or wait; it
never fails, and the store it read is intact afterwards.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.reason import stats
from pipeline.resources import example_corpus_dir
from pipeline.store import GENERATIONS, READERS_LOCK, open_store

CLI = [sys.executable, "-m", "pipeline.cli"]
EVAL = Path(__file__).parent / "data" / "eval"
READS = (("stats",), ("query", "claims-per-source"), ("claims",))
READER_SECONDS = 30  # a reader stops looping after this long, whatever the build does
READER_CALLS = 25  # ... or after this many calls


@dataclass(frozen=True)
class Call:
    command: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    during_build: bool  # started and ended while the build ran
    after_build: bool  # started once the build had ended


def read(store: Path, command: tuple[str, ...]) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *command, "--store", str(store), "--format", "json"],
                          capture_output=True, text=True, timeout=120)


def answers(store: Path) -> dict[tuple[str, ...], str]:
    """What each read command prints over the store as it is now (one process at a time)."""
    found = {}
    for command in READS:
        result = read(store, command)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout), f"{command} printed nothing"
        found[command] = result.stdout
    return found


def articles(folder: Path, copies: int) -> Path:
    """``copies`` variants of the example and evaluation articles: a build that takes a while."""
    folder.mkdir(parents=True)
    sources = sorted(example_corpus_dir().iterdir()) + sorted(EVAL.glob("*.txt"))
    for copy in range(copies):
        for source in sources:
            ending = f"\n<!-- copy {copy} -->\n" if source.suffix == ".html" else f"\nCopy {copy} ends here.\n"
            (folder / f"{copy:03d}-{source.name}").write_text(source.read_text() + ending)
    return folder


class Readers:
    """``count`` threads, each running read commands as subprocesses one after another, in a loop, until the
    build is ``done`` (or for at most ``READER_SECONDS`` and ``READER_CALLS``), then once more after it."""

    def __init__(self, store: Path, count: int, done: threading.Event) -> None:
        self.store, self.done = store, done
        self.calls: list[list[Call]] = [[] for _ in range(count)]
        self.threads = [threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(count)]

    def _loop(self, number: int) -> None:
        deadline = time.monotonic() + READER_SECONDS
        calls = self.calls[number]
        while len(calls) < READER_CALLS and time.monotonic() < deadline and not self.done.is_set():
            self._call(number, calls)
        self.done.wait(timeout=600)
        self._call(number, calls)

    def _call(self, number: int, calls: list[Call]) -> None:
        command = READS[(number + len(calls)) % len(READS)]
        after = self.done.is_set()
        started = time.monotonic()
        result = read(self.store, command)
        calls.append(Call(command, result.returncode, result.stdout, result.stderr, time.monotonic() - started,
                          not self.done.is_set(), after))

    def __enter__(self) -> "Readers":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=180)

    @property
    def all(self) -> list[Call]:
        return [call for calls in self.calls for call in calls]


def assert_every_answer_is_one_generation(readers: Readers, *generations: dict) -> None:
    for call in readers.all:
        assert call.returncode == 0, f"{call.command} failed while a build ran: {call.stderr}"
        assert "Traceback" not in call.stderr
        assert any(call.stdout == answer[call.command] for answer in generations), \
            f"{call.command} printed something no complete generation holds"
    for number, calls in enumerate(readers.calls):
        assert any(call.during_build for call in calls), f"reader {number} never ran during the build"


def report(label: str, readers: Readers) -> None:
    calls = readers.all
    print(f"\n{label}: {len(calls)} reader calls ({sum(c.during_build for c in calls)} wholly during the build, "
          f"{sum(c.after_build for c in calls)} after it), "
          f"errors {sum(c.returncode != 0 for c in calls)}, slowest {max(c.seconds for c in calls):.1f} s")


def start_build(folder: Path, store: Path) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "build", str(folder), "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def store(tmp_path) -> Path:
    store = tmp_path / "store"
    build([example_corpus_dir()], store)
    return store


@pytest.fixture
def older_store(store, tmp_path) -> Path:
    """A store with a current and a previous generation, so that the next build also deletes one."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "extra.txt").write_text("An extra source says that kratom causes insomnia.\n")
    build([example_corpus_dir(), extra], store)
    assert len(list((store / GENERATIONS).iterdir())) == 2
    return store


def test_four_readers_loop_while_a_build_runs_and_see_one_generation_or_the_next(older_store, tmp_path):
    store = older_store
    before = answers(store)
    folder = articles(tmp_path / "articles", 4)
    done = threading.Event()
    with Readers(store, 4, done) as readers:
        time.sleep(1)  # the readers are under way before the build starts
        process = start_build(folder, store)
        out, err = process.communicate(timeout=600)
        done.set()
        assert process.returncode == 0, err
    after = answers(store)
    report("build with 4 readers", readers)
    assert after != before and json.loads(after[("stats",)])["sources"] == 6 + len(list(folder.iterdir()))
    assert not (store / GENERATIONS / "000001").exists(), "the build deleted the generation no reader held"
    assert_every_answer_is_one_generation(readers, before, after)
    assert sum(call.after_build for call in readers.all) == 4
    assert all(call.stdout == after[call.command] for call in readers.all if call.after_build)
    dataset = open_store(store)
    try:
        assert stats(dataset) == json.loads(after[("stats",)]), "the store opens afterwards with the new results"
    finally:
        dataset.close()
    (folder / "new.txt").write_text("Kratom improves sleep according to one more source.\n")
    result = subprocess.run([*CLI, "build", str(folder), "--store", str(store)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "1 new" in result.stdout, result.stderr
    assert json.loads(answers(store)[("stats",)])["sources"] == json.loads(after[("stats",)])["sources"] + 1


def test_four_readers_loop_while_a_build_is_killed_and_see_only_the_old_generation(older_store, tmp_path):
    store = older_store
    before = answers(store)
    folder = articles(tmp_path / "articles", 4)
    done = threading.Event()
    with Readers(store, 4, done) as readers:
        time.sleep(1)
        process = start_build(folder, store)
        deadline = time.monotonic() + 300
        while not (store / GENERATIONS / "000003" / "oxigraph").exists():  # writing the new generation
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the build never started its new generation"
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        done.set()
    report("killed build with 4 readers", readers)
    assert process.returncode == -signal.SIGKILL
    assert_every_answer_is_one_generation(readers, before)
    assert answers(store) == before, "the previous generation is intact"
    result = subprocess.run([*CLI, "build", str(folder), "--store", str(store)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert json.loads(answers(store)[("stats",)])["sources"] == 6 + len(list(folder.iterdir()))


def test_eight_readers_at_once_all_answer_the_same(store):
    expected = answers(store)
    start = threading.Barrier(8)
    results: list[tuple[tuple[str, ...], subprocess.CompletedProcess]] = []

    def one(number: int) -> None:
        command = READS[number % len(READS)]
        start.wait()
        results.append((command, read(store, command)))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert len(results) == 8
    for command, result in results:
        assert result.returncode == 0, result.stderr
        assert result.stdout == expected[command]


def test_a_generation_a_reader_holds_outlives_builds_and_goes_once_it_is_let_go(store, tmp_path):
    held = open_store(store)
    pinned = (store / "oxigraph").resolve().parent
    before = stats(held)
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(3):  # three builds: the pinned generation is neither current nor previous after them
        (folder / f"{number}.txt").write_text(f"Source {number} says that kratom improves sleep.\n")
        assert build([example_corpus_dir(), folder], store).new == [str(number)]
    assert pinned.is_dir() and stats(held) == before, "the reader still reads its generation"
    held.close()
    build([example_corpus_dir()], store, prune=True)
    assert not pinned.exists(), "a generation nobody holds is collected by the next build"
    assert len(list((store / GENERATIONS).iterdir())) == 2, "the current and the previous generation are kept"


def files_of(folder: Path) -> set[tuple[str, int, int]]:
    return {(str(path.relative_to(folder)), path.lstat().st_size, path.lstat().st_mtime_ns)
            for path in folder.rglob("*")}


READ_ONLY_COMMANDS = (("stats", "--format", "json"), ("claims", "--format", "json"), ("agreements", "--format", "json"),
                      ("conflicts", "--format", "json"), ("query", "claims-per-source", "--format", "json"),
                      ("diff", "--format", "json"), ("validate",))


def test_a_read_only_store_can_be_read_and_reading_it_writes_nothing(store, tmp_path):
    copy = tmp_path / "read-only"
    shutil.copytree(store, copy, symlinks=True)
    expected = answers(store)
    out = tmp_path / "out"
    writing_elsewhere = {("report", "--output", str(out / "report")): out / "report" / "report.md",
                         ("viz", "--output", str(out / "graph.html")): out / "graph.html",
                         ("export", str(out / "store.trig")): out / "store.trig"}
    subprocess.run(["chmod", "-R", "a-w", str(copy)], check=True)
    try:
        if os.geteuid() != 0:  # root ignores permissions: then only the unchanged listing below proves it
            with pytest.raises(PermissionError):
                (copy / "probe").write_text("")
        listing = files_of(copy)
        assert any(name.endswith(READERS_LOCK) for name, _, _ in listing)
        for command in READ_ONLY_COMMANDS + tuple(writing_elsewhere):
            result = subprocess.run([*CLI, *command, "--store", str(copy)], capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, f"{command}: {result.stderr}"
            if command in writing_elsewhere:
                assert writing_elsewhere[command].stat().st_size > 0
            else:
                assert result.stdout.strip()
            if command[0] in {"stats", "claims"}:
                assert result.stdout == expected[(command[0],)]
        assert files_of(copy) == listing, "no file of the store was created, removed or touched"
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(copy)], check=True)


def test_a_read_only_store_without_reader_locks_is_read_without_them(store, tmp_path):
    copy = tmp_path / "old"
    shutil.copytree(store, copy, symlinks=True)
    for lock in (copy / GENERATIONS).glob(f"*/{READERS_LOCK}"):
        lock.unlink()
    subprocess.run(["chmod", "-R", "a-w", str(copy)], check=True)
    try:
        listing = files_of(copy)
        result = read(copy, ("stats",))
        assert result.returncode == 0, result.stderr
        assert result.stdout == answers(store)[("stats",)]
        assert files_of(copy) == listing
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(copy)], check=True)


def test_a_reader_holds_a_shared_lock_that_a_build_cannot_take(store):
    dataset = open_store(store)
    lock = (store / "oxigraph").resolve().parent / READERS_LOCK
    try:
        with open(lock) as handle:
            with pytest.raises(BlockingIOError):
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)  # other readers share it
    finally:
        dataset.close()
    with open(lock) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def blocked_on(lock: Path) -> bool:
    """Whether some process waits for a flock on ``lock`` (Linux's /proc/locks marks waiters with ``->``)."""
    info = lock.stat()
    inode = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    return any("->" in line and inode in line.split() for line in Path("/proc/locks").read_text().splitlines())


def test_a_reader_waits_while_its_generation_is_collected_then_reads_the_current_one(older_store):
    store = older_store
    previous, current = sorted((store / GENERATIONS).iterdir())
    dataset = open_store(store)
    expected = stats(dataset)
    dataset.close()
    opened: list = []
    with open(current / READERS_LOCK) as collecting:
        fcntl.flock(collecting, fcntl.LOCK_EX)  # as a build that deletes this generation holds it
        reader = threading.Thread(target=lambda: opened.append(open_store(store)))
        reader.start()
        deadline = time.monotonic() + 60
        while not blocked_on(current / READERS_LOCK):
            assert reader.is_alive() and time.monotonic() < deadline, "the reader did not wait for the lock"
            time.sleep(0.01)
        # what a collection does, played by hand: the link moves on, the old generation goes away
        shutil.copytree(current, previous.with_name("000003"))
        (store / ".oxigraph.test").symlink_to(Path(GENERATIONS) / "000003" / "oxigraph")
        os.replace(store / ".oxigraph.test", store / "oxigraph")
        os.rename(current, current.with_name(".collected-test"))
    reader.join(timeout=60)
    [dataset] = opened
    try:
        assert stats(dataset) == expected
        with open(previous.with_name("000003") / READERS_LOCK) as lock, pytest.raises(BlockingIOError):
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the reader resolved the link again and holds 000003
    finally:
        dataset.close()
