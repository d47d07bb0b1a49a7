"""`python -m bench --quick` runs after the test install and prints every table (issue 13 item 8)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_runs_and_prints_every_section():
    document = (ROOT / "docs" / "benchmarks.md").read_bytes() if (ROOT / "docs" / "benchmarks.md").exists() else None
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--no-write"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for heading in ("| step |", "| articles |", "| backend |"):
        assert heading in result.stdout, heading
    assert re.search(r"^\| oxigraph \| [\d,]+ \| [\d.]+ \|", result.stdout, re.M)
    assert re.search(r"^Suite time: \d+ s\.$", result.stdout, re.M)
    after = (ROOT / "docs" / "benchmarks.md").read_bytes() if (ROOT / "docs" / "benchmarks.md").exists() else None
    assert after == document, "--no-write leaves the document alone"
