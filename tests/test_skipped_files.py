"""A file that is present but skipped is not a removal: its last good articles and claims stay (issue 12, item 4)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.build import build

MELATONIN = "Melatonin improves sleep in older adults.\n"
CAFFEINE = "Caffeine causes insomnia in adults.\n"
KRATOM = "Kratom interacts with opioid receptors.\n"


def claims_by_source(cli_json, store: Path) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for claim in cli_json("claims", "--store", store):
        for source in claim["sources"]:
            found.setdefault(source, set()).add((claim["subject"]["label"], claim["object"]["label"]))
    return found


def test_skipped_files_keep_their_articles_and_claims(cli, cli_json, tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    (folder / "big.txt").write_text(MELATONIN)
    (folder / "page.html").write_text(f"<html><body><p>{CAFFEINE}</p></body></html>")
    (folder / "feed.jsonl").write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in
                                                 (("r1", KRATOM), ("r2", MELATONIN))) + "\n")
    first = build([folder], store)
    assert sorted(first.new) == ["big", "page", "r1", "r2"]
    before = claims_by_source(cli_json, store)
    assert before["big"] == {("melatonin", "sleep")} and before["page"] == {("caffeine", "insomnia")}

    (folder / "big.txt").write_text(MELATONIN * 50)  # now over --max-bytes
    (folder / "page.html").write_bytes(b"<html>\x00\x01binary</html>")  # now unreadable
    (folder / "feed.jsonl").write_text(json.dumps({"id": "r1", "text": KRATOM}) + "\n{broken\n")  # r2's line is bad
    result = cli("build", folder, "--store", store, "--max-bytes", "500")
    assert result.exit_code == 1, result.output
    kept = {line for line in result.stderr.splitlines() if line.startswith("kept article")}
    assert kept == {"kept article  big (file skipped: file is 2,100 bytes, over the 500-byte limit (see --max-bytes))",
                    "kept article  page (file skipped: binary file (NUL bytes), not text)",
                    "kept article  r2 (file skipped: line 2: malformed JSON line (Expecting property name enclosed "
                    "in double quotes))"}
    assert "0 removed" in result.stdout or "up to date" in result.stdout
    assert claims_by_source(cli_json, store) == before

    again = build([folder], store, max_bytes=500)  # still skipped: still kept, still nothing removed
    assert not again.removed and sorted(again.kept_skipped) == ["big", "page", "r2"]

    (folder / "page.html").unlink()  # a file that is gone is a removal
    (folder / "feed.jsonl").write_text(json.dumps({"id": "r1", "text": KRATOM}) + "\n")  # a clean file without r2
    (folder / "big.txt").write_text(MELATONIN + CAFFEINE)
    fixed = build([folder], store, max_bytes=500)
    assert sorted(fixed.removed) == ["page", "r2"] and fixed.changed == ["big"] and not fixed.kept_skipped
    after = claims_by_source(cli_json, store)
    assert after["big"] == {("melatonin", "sleep"), ("caffeine", "insomnia")} and set(after) == {"big", "r1"}
