"""One truth for every count: build, stats, viz, conflicts and report agree on claims, entities and conflicts."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bench.corpus import synthetic_corpus
from pipeline.resources import example_corpus_dir


@pytest.fixture(scope="module")
def corpus_30(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "corpus"
    synthetic_corpus(30, folder)
    return folder


def numbers_everywhere(cli, store: Path, tmp_path: Path) -> dict[str, dict[str, int]]:
    """What each command says the store holds."""
    claims = json.loads(cli("claims", "--store", store, "-f", "json").stdout)
    conflicts = json.loads(cli("conflicts", "--store", store, "-f", "json").stdout)
    stats = json.loads(cli("stats", "--store", store, "-f", "json").stdout)
    [sparql] = json.loads(cli("query", "stats", "--store", store, "-f", "json").stdout)
    viz = cli("viz", "--store", store, "-o", tmp_path / "graph.html").stdout
    found = re.search(r"(\d+) entities, (\d+) claims, (\d+) conflicts?", viz)
    assert found, viz
    cli("report", "--store", store, "-o", tmp_path / "report")
    markdown = (tmp_path / "report" / "report.md").read_text()
    html = (tmp_path / "report" / "report.html").read_text()
    summary = re.search(r"(\d+) entities, (\d+) claims, (\d+) conflicts?; \d+ agreements?\.", markdown)
    assert summary and summary.group(0) in html, markdown[:300]
    entities = {t["id"] for c in claims for t in (c["subject"], c["object"]) if "id" in t}
    return {
        "claims command": {"claims": len(claims), "entities": len(entities), "conflicts": len(conflicts)},
        "stats": {name: stats[name] for name in ("claims", "entities", "conflicts")},
        "query stats": {"claims": int(sparql["claims"]), "entities": int(sparql["entities"]), "conflicts": len(conflicts)},
        "viz": {"entities": int(found[1]), "claims": int(found[2]), "conflicts": int(found[3])},
        "report": {"entities": int(summary[1]), "claims": int(summary[2]), "conflicts": int(summary[3])},
    }


def build_says(cli, folder: Path, store: Path) -> dict[str, int]:
    result = cli("build", folder, "--store", store)
    assert result.exit_code == 0, result.output
    added, removed, appeared, resolved = map(int, re.search(
        r"claims: (\d+) added, (\d+) removed; conflicts: (\d+) appeared, (\d+) resolved", result.stdout).groups())
    return {"added": added, "removed": removed, "appeared": appeared, "resolved": resolved}


@pytest.mark.parametrize("corpus", ["example", "synthetic-30"])
def test_every_command_gives_the_same_numbers(cli, tmp_path, corpus, corpus_30):
    folder = example_corpus_dir() if corpus == "example" else corpus_30
    store = tmp_path / "store"
    built = build_says(cli, folder, store)
    numbers = numbers_everywhere(cli, store, tmp_path)
    first = numbers["claims command"]
    assert first["claims"] > 0 and first["entities"] > 0 and first["conflicts"] > 0
    assert all(seen == first for seen in numbers.values()), numbers
    assert (built["added"], built["appeared"]) == (first["claims"], first["conflicts"]), built


def test_build_changes_add_up_after_an_incremental_build(cli, tmp_path):
    """before + added − removed = after, for claims and for conflicts, when articles come and go."""
    folder = tmp_path / "corpus"
    shutil.copytree(example_corpus_dir(), folder)
    store = tmp_path / "store"
    build_says(cli, folder, store)
    before = numbers_everywhere(cli, store, tmp_path)["stats"]
    (folder / "melatonin-jet-lag.md").unlink()  # takes one side of the addiction conflict with it
    (folder / "sceptic.txt").write_text("Caffeine does not improve alertness. Magnesium causes grogginess.\n")
    built = build_says(cli, folder, store)
    after = numbers_everywhere(cli, store, tmp_path)["stats"]
    assert built["removed"] > 0 and built["resolved"] > 0 and built["appeared"] > 0, built
    assert after["claims"] == before["claims"] + built["added"] - built["removed"]
    assert after["conflicts"] == before["conflicts"] + built["appeared"] - built["resolved"]
