"""Distinct names never fold into one entity or one IRI (issue 12, item 6)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.build import build
from pipeline.normalise import slug
from pipeline.ontology import label_key


def test_slugs_are_injective_and_iri_safe():
    names = ["x 14", "x-14", "x\u2014", "x", "x 14 a", "x__14", "α blocker", "β blocker", "blocker", "café", "cafe",
             "caf", "st john's wort", "st johns wort", "mu opioid receptor", "μ opioid receptor", "5 ht receptor"]
    labels = {label_key(name) for name in names}  # what entities are minted from
    slugs = {slug(label) for label in labels}
    assert len(slugs) == len(labels)
    assert all(re.fullmatch(r"[a-z0-9_]+", s) for s in slugs)
    assert slug("mu opioid receptor") == "mu_opioid_receptor"  # plain labels keep readable names


def test_greek_letters_are_kept_in_labels():
    assert label_key("α-Blockers") == "α blockers" != label_key("β-Blockers")
    assert label_key("Cafe\u0301") == label_key("Café") == "café"  # decomposed and composed forms meet


def test_alpha_and_beta_blockers_stay_two_entities_and_make_no_false_conflict(cli_json, tmp_path):
    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    (folder / "alpha.txt").write_text("Alpha\u2013blockers improve sleep.\n\u03b1-blockers improve sleep.\n")
    (folder / "beta.txt").write_text("Beta\u2013blockers do not improve sleep.\n\u03b2-blockers do not improve sleep.\n")
    report = build([folder], store)
    assert not report.problems
    claims = cli_json("claims", "--store", store)
    said = {(c["subject"]["label"], c["polarity"], tuple(c["sources"])) for c in claims if c["object"]["label"] == "sleep"}
    assert said == {("alpha blocker", "positive", ("alpha",)), ("α blocker", "positive", ("alpha",)),
                    ("beta blocker", "negative", ("beta",)), ("β blocker", "negative", ("beta",))}
    assert len({c["subject"]["id"] for c in claims}) == 4
    assert cli_json("conflicts", "--store", store) == []
