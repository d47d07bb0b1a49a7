"""Bad input never stops a build: each bad file is one line naming it, the rest is built."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.build import build
from pipeline.ingest import read_articles

GOOD = "Melatonin improves sleep in older adults.\n"


def problems_by_file(result) -> dict[str, str]:
    return {Path(p.path.split(":")[0]).name: p.reason for p in result.problems}


def test_empty_binary_and_oversize_files_are_reported_and_skipped(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.md").write_text("   \n\n")
    (tmp_path / "image.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "huge.txt").write_text(GOOD * 1000)
    result = read_articles([tmp_path], max_bytes=10_000)
    assert [a.id for a in result.articles] == ["good"]
    reasons = problems_by_file(result)
    assert set(reasons) == {"empty.txt", "blank.md", "image.txt", "huge.txt"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["image.txt"] and "limit" in reasons["huge.txt"]


def test_non_utf8_text_is_decoded(tmp_path):
    text = "Le café améliore la vigilance. Caffeine improves alertness in the morning, says the café owner.\n"
    (tmp_path / "latin.txt").write_bytes(text.encode("cp1252"))
    result = read_articles([tmp_path])
    assert not result.problems
    assert result.articles[0].text == text.strip()


def test_html_scripts_never_reach_the_text(tmp_path):
    scripts = "".join(f"<script>var tracker{i} = 'caffeine causes cancer';</script>" for i in range(200))
    page = f"<html><head>{scripts}<title>Sleep</title></head><body>{scripts}<p>{GOOD}</p><style>p {{}}</style></body></html>"
    (tmp_path / "page.html").write_text(page)
    (tmp_path / "only-scripts.html").write_text(f"<html><body>{scripts}</body></html>")
    result = read_articles([tmp_path])
    assert [a.id for a in result.articles] == ["page"]
    assert "tracker" not in result.articles[0].text and "Melatonin improves sleep" in result.articles[0].text
    assert "no text" in problems_by_file(result)["only-scripts.html"]


def test_malformed_jsonl_lines_are_reported_and_other_records_kept(tmp_path):
    lines = [json.dumps({"id": "one", "text": GOOD}), "{not json", json.dumps({"id": "two"}), "[1, 2]",
             json.dumps({"id": "three", "text": "Caffeine blocks adenosine receptors."})]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    result = read_articles([tmp_path])
    assert [a.id for a in result.articles] == ["one", "three"]
    assert sorted(p.path for p in result.problems) == [f"{tmp_path / 'feed.jsonl'}:{n}" for n in (2, 3, 4)]
    assert "malformed JSON" in result.problems[0].reason


def test_same_id_in_two_folders_is_reported_once_and_first_kept(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "same.txt").write_text(f"{GOOD} From {name}.")
    result = read_articles([tmp_path / "a", tmp_path / "b"])
    assert [a.path for a in result.articles] == [str(tmp_path / "a" / "same.txt")]
    assert len(result.problems) == 1 and "duplicate article id 'same'" in result.problems[0].reason
    assert result.problems[0].path == str(tmp_path / "b" / "same.txt")


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD)
    result = read_articles([tmp_path, locked.with_name("missing-file.md")])
    assert [a.id for a in result.articles] == ["good", "locked"]
    assert "cannot read" in problems_by_file(result)["missing-file.md"]


def test_build_with_bad_files_builds_the_rest_and_exits_1(cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "empty.txt").write_text("")
    (folder / "bad.jsonl").write_text("{oops\n")
    store = tmp_path / "store"
    result = cli("build", folder, "--store", store)
    assert result.exit_code == 1, result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 2 and any("empty.txt" in line for line in skipped) and any("bad.jsonl:1" in line for line in skipped)
    assert "1 new" in result.stdout
    (folder / "empty.txt").unlink()
    (folder / "bad.jsonl").unlink()
    clean = cli("build", folder, "--store", store)
    assert clean.exit_code == 0, clean.output


def test_a_skipped_file_is_reported_again_on_the_next_build(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "feed.jsonl").write_text(json.dumps({"id": "r", "text": GOOD}) + "\n{broken\n")
    store = tmp_path / "store"
    assert len(build([folder], store).problems) == 1
    again = build([folder], store)
    assert [p.path for p in again.problems] == [f"{folder / 'feed.jsonl'}:2"] and not again.changed_store
