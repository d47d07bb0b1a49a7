"""`claimgraph watch`: a real file change in a real folder triggers a rebuild; Ctrl-C stops it cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

from pipeline.build import build, watch_and_build

ARTICLE = "Melatonin improves sleep in older adults.\n"


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_watch_rebuilds_once_per_burst_of_changes(tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    (folder / "first.txt").write_text(ARTICLE)
    reports = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch_and_build,
                               args=(folder, lambda: reports.append(build([folder], store)), 300, stop))
    watcher.start()
    try:
        wait_for(lambda: len(reports) == 1)
        assert reports[0].new == ["first"]
        time.sleep(0.3)  # let the watcher settle before the burst
        (folder / "second.txt").write_text(ARTICLE)
        (folder / "third.md").write_text("# Notes\n\nCaffeine blocks adenosine receptors.\n")
        (folder / "ignored.png").write_bytes(b"\x89PNG")
        wait_for(lambda: len(reports) >= 2 and sorted(reports[-1].new + reports[-1].unchanged) == ["first", "second", "third"])
        (folder / "second.txt").unlink()
        wait_for(lambda: reports[-1].removed == ["second"])
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()


def test_watch_command_stops_cleanly_on_ctrl_c(tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    (folder / "first.txt").write_text(ARTICLE)
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "watch", str(folder), "--store", str(store),
                                "--debounce", "200"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
        reader.start()
        wait_for(lambda: any(line.startswith("new article  first") for line in lines))
        time.sleep(0.3)
        (folder / "second.txt").write_text(ARTICLE)
        wait_for(lambda: any(line.startswith("new article  second") for line in lines))
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "stopped watching" in stderr and "Traceback" not in stderr


def test_watch_survives_hostile_files_and_keeps_skipped_ones(tmp_path):
    import json

    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    (folder / "first.txt").write_text(ARTICLE)
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "watch", str(folder), "--store", str(store),
                                "--debounce", "200", "--max-bytes", "2000000"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out: list[str] = []
        err: list[str] = []
        for stream, lines in ((process.stdout, out), (process.stderr, err)):
            threading.Thread(target=lambda s=stream, l=lines: l.extend(iter(s.readline, "")), daemon=True).start()
        wait_for(lambda: "new article  first\n" in out)
        time.sleep(0.3)
        (folder / "long.txt").write_text("Kratom interacts with opioid receptors. " + "z" * 1_100_000 + "\n")
        (folder / "surrogate.jsonl").write_text(json.dumps({"id": "s\ud800", "text": "Melatonin \udfff improves sleep."}) + "\n")
        (folder / "nested.jsonl").write_text(json.dumps({"id": "n1", "text": ARTICLE}) + "\n" + "[" * 100_000 + "\n")
        wait_for(lambda: {"new article  long\n", "new article  s\ufffd\n", "new article  n1\n"} <= set(out), timeout=120)
        assert any("nested.jsonl:2: malformed JSON line (nested too deeply)" in line for line in err)
        (folder / "first.txt").write_text(ARTICLE * 60_000)  # now over --max-bytes: kept, not removed
        wait_for(lambda: any(line.startswith("kept article  first (file skipped: file is") for line in err))
        (folder / "last.txt").write_text(ARTICLE)
        wait_for(lambda: "new article  last\n" in out)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, "".join(err)
    assert "removed article  first\n" not in out and not any("Traceback" in line for line in err)


def test_watch_keeps_watching_after_a_build_fails(tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    store.mkdir()
    (store / "not-a-store.txt").write_text("someone else's folder")
    (folder / "first.txt").write_text(ARTICLE)
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "watch", str(folder), "--store", str(store),
                                "--debounce", "200"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out: list[str] = []
        err: list[str] = []
        for stream, lines in ((process.stdout, out), (process.stderr, err)):
            threading.Thread(target=lambda s=stream, l=lines: l.extend(iter(s.readline, "")), daemon=True).start()
        wait_for(lambda: any("is not a claimgraph store" in line for line in err))
        time.sleep(0.3)
        assert process.poll() is None
        (store / "not-a-store.txt").unlink()
        (folder / "second.txt").write_text(ARTICLE)
        wait_for(lambda: {"new article  first\n", "new article  second\n"} <= set(out))
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and not any("Traceback" in line for line in err), "".join(err)
