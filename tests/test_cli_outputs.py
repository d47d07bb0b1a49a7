"""What the command line prints: diff as CSV and with values as written, warnings for empty inputs."""

from __future__ import annotations

import csv
import io
import json
import re


def test_diff_csv_has_one_row_per_change(cli, example_store):
    result = cli("diff", "--store", example_store, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    report = json.loads(cli("diff", "--store", example_store, "--format", "json").stdout)
    assert list(rows[0]) == ["change", "item", "kind", "text"]
    assert [r["text"] for r in rows if r["item"] == "article"] == report["new"]
    assert sum(r["item"] == "claim" for r in rows) == len(report["claims_added"]) > 0
    conflicts = [r for r in rows if r["item"] == "conflict"]
    assert len(conflicts) == len(report["conflicts_appeared"]) > 0
    assert {r["kind"] for r in conflicts} <= {"polarity", "opposing", "value"}


def test_diff_shows_values_as_written(cli, example_store):
    table = cli("diff", "--store", example_store).stdout
    assert "caffeine minimum duration 8 hours" in table
    assert "melatonin has dose 3-5 mg" in table
    assert not re.search(r"\bP(T\d+H|\d+D)\b|\b\d+(\.\d+)?/\d+\b", table), table
    values = {c["object"]["label"] for c in json.loads(cli("claims", "--store", example_store, "-f", "json").stdout)
              if "value" in c["object"]}
    report = json.loads(cli("diff", "--store", example_store, "--format", "json").stdout)
    assert values <= {c["object"] for c in report["claims_added"]}, "diff and claims name values alike"


def test_build_of_an_empty_folder_warns(cli, tmp_path):
    empty = tmp_path / "corpus"
    empty.mkdir()
    (empty / "notes.docx").write_text("not an article")
    result = cli("build", empty, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {empty} holds no articles (.txt .md .markdown .html .htm .jsonl)"]
