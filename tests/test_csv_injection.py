"""CSV cells a spreadsheet would run as formulas are neutralised (OWASP), unless opted out."""

import csv
import io

from pipeline.output import render_csv


def test_formula_cells_are_neutralised() -> None:
    rows = [{"subject": start + "cmd", "object": "kratom"} for start in ("=", "+", "-", "@", "\t")]
    parsed = list(csv.DictReader(io.StringIO(render_csv(rows), newline="")))
    assert [r["subject"] for r in parsed] == ["'=cmd", "'+cmd", "'-cmd", "'@cmd", "'\tcmd"]
    assert {r["object"] for r in parsed} == {"kratom"}
    assert "'\rcmd" in render_csv([{"subject": "\rcmd"}])


def test_opt_out_keeps_cells_verbatim() -> None:
    parsed = list(csv.DictReader(io.StringIO(render_csv([{"subject": "=1+1"}], neutralise=False))))
    assert parsed == [{"subject": "=1+1"}]
