"""Incremental builds on real articles: what is re-extracted, removed, kept, and reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline.build import BuildError, build
from pipeline.independence import fingerprint, groups_from_pairs, independence_groups, near_copy_pairs
from pipeline.ingest import read_articles
from pipeline.resources import example_corpus_dir
from pipeline.store import GROUPS_GRAPH, build_lock, last_report, open_store, read_manifest, source_iri

EXTRA = Path(__file__).parent / "data" / "eval"


def corpus(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = example_corpus_dir() / name
        shutil.copy(source if source.exists() else EXTRA / name, folder / name)
    return folder


def quads(store: Path) -> set[str]:
    dataset = open_store(store)
    try:
        return {" ".join(t.n3() for t in quad) for quad in dataset.quads((None, None, None, None))}
    finally:
        dataset.close()


def graph_names(store: Path) -> set[str]:
    dataset = open_store(store)
    try:
        return {str(g.identifier) for g in dataset.graphs()}
    finally:
        dataset.close()


def test_rebuild_extracts_only_new_and_changed_and_drops_removed(tmp_path):
    folder = corpus(tmp_path / "in", "caffeine-sleep-guide.txt", "melatonin-jet-lag.md", "coffee-and-alertness.html")
    store = tmp_path / "store"
    first = build([folder], store)
    assert sorted(first.new) == ["caffeine-sleep-guide", "coffee-and-alertness", "melatonin-jet-lag"]
    assert first.claims_added and not first.claims_removed

    again = build([folder], store)
    assert not again.changed_store and sorted(again.unchanged) == sorted(first.new)

    (folder / "melatonin-jet-lag.md").write_text((folder / "melatonin-jet-lag.md").read_text() + "\nMelatonin causes nightmares.\n")
    (folder / "caffeine-sleep-guide.txt").unlink()
    corpus(folder, "melatonin-magnesium-sleep.txt")
    third = build([folder], store)
    assert third.new == ["melatonin-magnesium-sleep"]
    assert third.changed == ["melatonin-jet-lag"]
    assert third.removed == ["caffeine-sleep-guide"]
    assert third.unchanged == ["coffee-and-alertness"]
    assert set(read_manifest(ox.Store.read_only(str(store / "oxigraph")))) == {
        "coffee-and-alertness", "melatonin-jet-lag", "melatonin-magnesium-sleep"}
    assert not any("caffeine-sleep-guide" in name for name in graph_names(store))


def test_incremental_store_equals_a_fresh_build(tmp_path):
    folder = corpus(tmp_path / "in", "caffeine-sleep-guide.txt", "melatonin-jet-lag.md")
    incremental = tmp_path / "incremental"
    build([folder], incremental)
    corpus(folder, "melatonin-magnesium-sleep.txt", "caffeine-sleep-guide-syndicated.txt")
    (folder / "melatonin-jet-lag.md").unlink()
    build([folder], incremental)
    fresh = tmp_path / "fresh"
    build([folder], fresh)
    assert quads(incremental) == quads(fresh)


def test_report_lists_claims_and_conflicts_that_came_and_went(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    store = tmp_path / "store"
    (folder / "a.txt").write_text("Melatonin improves sleep in older adults.\n")
    first = build([folder], store)
    assert [(c["subject"], c["object"], c["polarity"]) for c in first.claims_added] == [("melatonin", "sleep", "positive")]
    (folder / "b.txt").write_text("Melatonin does not improve sleep.\n")
    second = build([folder], store)
    assert [(c["subject"], c["object"], c["polarity"]) for c in second.claims_added] == [("melatonin", "sleep", "negative")]
    assert [c["kind"] for c in second.conflicts_appeared] == ["polarity"]
    (folder / "b.txt").unlink()
    third = build([folder], store)
    assert third.removed == ["b"]
    assert [(c["object"], c["polarity"]) for c in third.claims_removed] == [("sleep", "negative")]
    assert [c["kind"] for c in third.conflicts_resolved] == ["polarity"]
    assert last_report(store)["removed"] == ["b"]


def test_report_counts_a_denied_general_effect_against_a_specific_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    store = tmp_path / "store"
    (folder / "a.txt").write_text("In many adults, caffeine disrupts sleep.\n")
    build([folder], store)
    (folder / "b.txt").write_text("For most people, caffeine does not affect sleep.\n")
    second = build([folder], store)
    assert [[(c["predicate"], c["polarity"]) for c in x["claims"]] for x in second.conflicts_appeared] == [
        [("disrupts", "positive"), ("affects", "negative")]]


def test_diff_shows_the_last_build_that_changed_the_store(cli, tmp_path):
    folder = corpus(tmp_path / "in", "melatonin-jet-lag.md")
    store = tmp_path / "store"
    assert cli("build", folder, "--store", store).exit_code == 0
    assert cli("build", folder, "--store", store).stdout.startswith(f"{store} is up to date")
    result = cli("diff", "--store", store)
    assert result.exit_code == 0, result.output
    assert "new article  melatonin-jet-lag" in result.stdout
    assert "+ claim  melatonin" in result.stdout
    data = json.loads(cli("diff", "--store", store, "--format", "json").stdout)
    assert data["new"] == ["melatonin-jet-lag"]


def test_diff_without_a_store_is_one_line_error(cli, tmp_path):
    result = cli("diff", "--store", tmp_path / "none")
    assert result.exit_code != 0 and result.stderr.startswith("claimgraph: error: no claimgraph store")


def test_building_another_folder_keeps_the_first_unless_pruned(tmp_path):
    first = corpus(tmp_path / "one", "melatonin-jet-lag.md")
    second = corpus(tmp_path / "two", "caffeine-sleep-guide.txt")
    store = tmp_path / "store"
    build([first], store)
    report = build([second], store)
    assert report.new == ["caffeine-sleep-guide"] and report.kept == ["melatonin-jet-lag"] and not report.removed
    pruned = build([second], store, prune=True)
    assert pruned.removed == ["melatonin-jet-lag"]


def test_ontology_or_extractor_change_reextracts_everything(tmp_path, monkeypatch):
    folder = corpus(tmp_path / "in", "melatonin-jet-lag.md", "caffeine-sleep-guide.txt")
    store = tmp_path / "store"
    build([folder], store)
    monkeypatch.setattr("pipeline.build.extractor_identity", lambda: ("claimgraph-dependency", "999"))
    report = build([folder], store)
    assert sorted(report.changed) == ["caffeine-sleep-guide", "melatonin-jet-lag"]
    assert {e.extractor_version for e in read_manifest(ox.Store.read_only(str(store / "oxigraph"))).values()} == {"999"}


def test_jobs_two_writes_the_same_graph_as_jobs_one(tmp_path):
    folder = corpus(tmp_path / "in", *[p.name for p in example_corpus_dir().iterdir()],
                    *[p.name for p in EXTRA.glob("*.txt")])
    one, two = tmp_path / "one", tmp_path / "two"
    build([folder], one, jobs=1)
    build([folder], two, jobs=2)
    assert quads(one) == quads(two)


def test_second_build_waits_or_stops_with_a_message(tmp_path, cli):
    folder = corpus(tmp_path / "in", "melatonin-jet-lag.md")
    store = tmp_path / "store"
    build([folder], store)
    with build_lock(store):
        with pytest.raises(BuildError, match="being built by process"):
            build([folder], store, wait=False)
        result = cli("build", folder, "--store", store, "--no-wait")
        assert result.exit_code != 0 and "being built by process" in result.stderr
        assert "Traceback" not in result.output


def test_near_copies_share_a_group_even_when_their_sentences_are_common(tmp_path):
    texts = {a.id: a.text for a in read_articles([example_corpus_dir()]).articles}
    groups = independence_groups(texts)
    assert groups["caffeine-sleep-guide"] == groups["caffeine-sleep-guide-syndicated"]
    assert len(set(groups.values())) == len(texts) - 1
    # Every shingle of the copies is shared by many articles: grouping must still find them.
    many = {f"filler{i}": texts["caffeine-sleep-guide"] + f"\nExtra line {i} about nothing in particular here." for i in range(60)}
    prints = {name: fingerprint(text) for name, text in {**texts, **many}.items()}
    grouped = groups_from_pairs(prints, near_copy_pairs(prints))
    assert {grouped[name] for name in many} == {grouped["caffeine-sleep-guide"]}
    assert len(set(grouped.values())) == len(texts) - 1


def test_groups_are_stored_for_the_agreement_query(tmp_path):
    store = tmp_path / "store"
    build([example_corpus_dir()], store)
    dataset = open_store(store)
    try:
        group = dataset.graph(GROUPS_GRAPH)
        from pipeline.ontology import CG

        assert group.value(source_iri("caffeine-sleep-guide-syndicated"), CG.independenceGroup) == source_iri("caffeine-sleep-guide")
    finally:
        dataset.close()
