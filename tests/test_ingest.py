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


# --- hostile input: one bad file or line never stops the build (issue 12, items 3 and 5) ---


def test_a_line_over_spacys_max_length_is_split_and_the_build_finishes(tmp_path):
    from pipeline.ingest import MAX_LINE_CHARS

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    line = "Kratom interacts with opioid receptors. " + "z" * 1_100_000 + " Melatonin improves sleep in older adults."
    (folder / "long.txt").write_text(line + "\n")
    (folder / "long.jsonl").write_text(json.dumps({"id": "long-record", "text": line}) + "\n")
    report = build([folder], tmp_path / "store")
    assert not report.problems and sorted(report.new) == ["good", "long", "long-record"]
    article = next(a for a in read_articles([folder]).articles if a.id == "long")
    assert max(len(part) for part in article.text.split("\n")) <= MAX_LINE_CHARS
    assert article.text.startswith("Kratom interacts with opioid receptors.\nzzz")
    said = {(c["subject"], c["object"]) for c in report.claims_added}
    assert {("kratom", "opioid receptors"), ("melatonin", "sleep")} <= said


def test_a_lone_surrogate_in_a_jsonl_record_is_repaired(tmp_path):
    records = [{"id": "one\ud800", "text": "Melatonin improves sleep \udfff in older adults.", "title": "T\ud800"},
               {"id": "two", "text": "Caffeine blocks adenosine receptors."}]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")  # json escapes them as \ud800
    assert "\\ud800" in (tmp_path / "feed.jsonl").read_text()
    result = read_articles([tmp_path])
    assert not result.problems and [a.id for a in result.articles] == ["one\ufffd", "two"]
    assert result.articles[0].text == "Melatonin improves sleep \ufffd in older adults." and result.articles[0].title == "T\ufffd"
    report = build([tmp_path], tmp_path / "store")
    assert not report.problems and sorted(report.new) == ["one\ufffd", "two"]
    assert ("melatonin", "sleep") in {(c["subject"], c["object"]) for c in report.claims_added}


def test_a_deeply_nested_jsonl_line_skips_that_line_only(tmp_path):
    lines = [json.dumps({"id": "one", "text": GOOD}), "[" * 200_000 + "]" * 200_000,
             '{"id": "deep", "text": "x", "meta": ' + "[" * 200_000 + "]" * 200_000 + "}",
             json.dumps({"id": "three", "text": "Caffeine blocks adenosine receptors."})]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    result = read_articles([tmp_path])
    assert [a.id for a in result.articles] == ["one", "three"]
    assert [(p.path, p.reason) for p in result.problems] == [
        (f"{tmp_path / 'feed.jsonl'}:{n}", "malformed JSON line (nested too deeply)") for n in (2, 3)]


def test_invalid_bytes_in_utf8_text_are_replaced_not_redecoded(tmp_path):
    text = "Café owners say caffeine improves alertness. Crème brûlée does not."
    (tmp_path / "mostly-utf8.txt").write_bytes(text.encode() + b" Bad byte: \xff\xfe here.\n")
    result = read_articles([tmp_path])
    assert not result.problems
    assert result.articles[0].text == f"{text} Bad byte: \ufffd\ufffd here."


def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path):
    text = "Café owners say caffeine improves alertness."
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00",
               "utf-32-be": b"\x00\x00\xfe\xff"}[codec]
        (tmp_path / f"{codec}.txt").write_bytes(bom + f"{text}\r\n".encode(codec))
    (tmp_path / "feed.jsonl").write_bytes(b"\xff\xfe" + (json.dumps({"id": "r", "text": text}) + "\n").encode("utf-16-le"))
    result = read_articles([tmp_path])
    assert not result.problems
    assert {a.id: a.text for a in result.articles} == {"r": text, "utf-16-be": text, "utf-16-le": text,
                                                       "utf-32-be": text, "utf-32-le": text}


HIDDEN_PAGE = """<html><head><title>Sleep</title><script>var t = 'Sugar causes diabetes in every child.';</script></head>
<body><article>
<p>Melatonin improves sleep in older adults, according to several trials of the hormone in care homes.</p>
<div style="color: red; DISPLAY : none"><p>Caffeine causes cancer in everyone who drinks it daily.</p></div>
<p style="visibility:hidden">Nicotine improves memory in every smoker who tries it.</p>
<p hidden>Aspirin causes baldness in people who take it for headaches.</p>
<div aria-hidden="true"><p>Sugar causes insomnia in all the children who eat it.</p></div>
<template><p>Vaping cures asthma in adults who switch from cigarettes.</p></template>
<noscript><p>Alcohol improves sleep in people with insomnia, the page says.</p></noscript>
<p>Magnesium may improve sleep quality in adults with low magnesium levels, a small trial found.</p>
</article></body></html>
"""


def test_hidden_html_is_not_article_text(tmp_path):
    (tmp_path / "page.html").write_text(HIDDEN_PAGE)
    result = read_articles([tmp_path])
    assert not result.problems
    text = result.articles[0].text
    assert "Melatonin improves sleep" in text and "Magnesium may improve sleep" in text
    for hidden in ("Sugar causes diabetes", "Caffeine causes cancer", "Nicotine", "Aspirin", "Sugar causes insomnia",
                   "Vaping", "Alcohol"):
        assert hidden not in text


def test_deeply_nested_html_keeps_its_text_or_says_why(tmp_path):
    paragraph = "<p>Melatonin improves sleep in older adults, according to several trials of the hormone.</p>"
    for name, depth in (("deep", 1_000), ("too-deep", 10_000)):
        (tmp_path / f"{name}.html").write_text(f"<html><body>{'<div>' * depth}{paragraph}{'</div>' * depth}</body></html>")
    result = read_articles([tmp_path])
    assert [a.id for a in result.articles] == ["deep"] and "Melatonin improves sleep" in result.articles[0].text
    assert "nested over 2,000 elements deep" in problems_by_file(result)["too-deep.html"]


def test_symlinks_are_followed_only_inside_the_folder(tmp_path):
    outside, folder = tmp_path / "outside", tmp_path / "in"
    (outside / "sub").mkdir(parents=True)
    (outside / "secret.txt").write_text("Caffeine blocks adenosine receptors, says the secret file.")
    (outside / "sub" / "more.txt").write_text(GOOD)
    (folder / "real").mkdir(parents=True)
    (folder / "real" / "good.txt").write_text(GOOD)
    (folder / "leak.txt").symlink_to(outside / "secret.txt")
    (folder / "leak-folder").symlink_to(outside / "sub")
    (folder / "alias.txt").symlink_to(folder / "real" / "good.txt")  # inside: followed
    (folder / "real" / "again").symlink_to(folder)  # a loop back up the tree
    (folder / "ping.txt").symlink_to(folder / "pong.txt")
    (folder / "pong.txt").symlink_to(folder / "ping.txt")
    (folder / "same-folder").symlink_to(folder / "real")  # inside: its files are read where they are
    result = read_articles([folder])
    assert sorted(a.id for a in result.articles) == ["alias", "good"]
    assert all("Caffeine" not in a.text for a in result.articles)
    reasons = {Path(p.path).name: p.reason for p in result.problems}
    assert set(reasons) == {"leak.txt", "leak-folder", "again", "ping.txt", "pong.txt"}
    assert "outside" in reasons["leak.txt"] and "outside" in reasons["leak-folder"]
    assert all("loop" in reasons[name] for name in ("again", "ping.txt", "pong.txt"))


def test_terminal_escape_sequences_never_reach_the_console(cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil.txt").write_text("Melatonin \x1b[31mimproves\x1b[0m sleep\x1b]0;owned\x07 in older adults.\x07\n")
    (folder / "evil\x1b[2J.txt").write_text(GOOD)
    (folder / "feed.jsonl").write_text(json.dumps({"id": "id\x1b[2J", "text": GOOD, "title": "\x1b[5mT"}) + "\n")
    (folder / "notes.md").write_text(f"# Sleep\x1b]0;owned\x07 notes\n\n{GOOD}")
    result = read_articles([folder])
    assert {a.id: a.text for a in result.articles}["evil"] == "Melatonin improves sleep in older adults."
    titles = {a.id: a.title for a in result.articles}
    assert titles["id\x1b[2J"] == "T" and titles["notes"] == "Sleep notes"
    store = tmp_path / "store"
    built = cli("build", folder, "--store", store)
    assert built.exit_code == 0, built.output
    claims, diff = cli("claims", "--store", store), cli("diff", "--store", store)
    for output in (built.stdout, built.stderr, claims.stdout, diff.stdout):
        assert "\x1b" not in output and "\x07" not in output
    assert "melatonin" in claims.stdout and "new article  id\n" in diff.stdout and "new article  evil\n" in diff.stdout


def test_jobs_are_capped_at_the_cpus_with_a_note(tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    report = build([folder], tmp_path / "store", jobs=512)
    cpus = len(os.sched_getaffinity(0))
    assert report.new == ["good"] and report.warnings == [f"--jobs 512 is more than the {cpus} CPUs available; using {cpus}"]


def test_a_file_name_that_is_not_utf8_is_one_problem_not_a_failed_build(tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w") as handle:
        handle.write(GOOD)
    report = build([folder], tmp_path / "store")
    assert report.new == ["good"]
    assert [str(p) for p in report.problems] == [f"{folder}/caf\\xe9.txt: file name is not valid UTF-8; rename the file"]
