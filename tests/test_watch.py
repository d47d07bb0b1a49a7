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
