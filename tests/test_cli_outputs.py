"""What the command line prints: diff as CSV and with values as written, warnings for empty inputs."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest


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


def build_corpus(cli, tmp_path, articles: dict[str, str]):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in articles.items():
        (folder / name).write_text(text)
    store = tmp_path / "store"
    result = cli("build", folder, "--store", store)
    assert result.exit_code == 0, result.output
    return store


def test_csv_neutralises_formulas_in_claims_and_query_unless_raw(cli, tmp_path):
    store = build_corpus(cli, tmp_path, {"=HYPERLINK(1).txt": "Melatonin improves sleep.\n",
                                         "@cmd.txt": "Caffeine causes insomnia.\n"})
    claims = list(csv.DictReader(io.StringIO(cli("claims", "--store", store, "-f", "csv").stdout)))
    assert sorted(r["sources"] for r in claims) == ["'=HYPERLINK(1)", "'@cmd"]
    raw = list(csv.DictReader(io.StringIO(cli("claims", "--store", store, "-f", "csv", "--raw-csv").stdout)))
    assert sorted(r["sources"] for r in raw) == ["=HYPERLINK(1)", "@cmd"]
    sparql = "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT DISTINCT ?id WHERE { ?s dcterms:identifier ?id } ORDER BY ?id"
    query = list(csv.DictReader(io.StringIO(cli("query", sparql, "--store", store, "-f", "csv").stdout)))
    assert [r["id"] for r in query] == ["'=HYPERLINK(1)", "'@cmd"]
    raw = list(csv.DictReader(io.StringIO(cli("query", sparql, "--store", store, "-f", "csv", "--raw-csv").stdout)))
    assert [r["id"] for r in raw] == ["=HYPERLINK(1)", "@cmd"]
    conflicts = cli("conflicts", "--store", store, "-f", "csv", "--raw-csv")
    assert conflicts.exit_code == 0 and conflicts.stdout.startswith("kind,topic")


def test_csv_quotes_a_bare_carriage_return(cli, example_store):
    result = cli("query", 'SELECT ?x WHERE { BIND("line\\rbreak" AS ?x) }', "--store", example_store, "-f", "csv")
    assert result.exit_code == 0, result.output
    assert '"line\rbreak"' in result.stdout
    assert [row["x"] for row in csv.DictReader(io.StringIO(result.stdout, newline=""))] == ["line\rbreak"]
    claims = cli("claims", "--store", example_store, "-f", "csv").stdout_bytes  # .stdout folds CRLF
    assert claims.startswith(b"subject,predicate,object,polarity,modality,sources\r\n")


def test_report_markdown_runs_no_script(cli, tmp_path):
    from markdown_it import MarkdownIt

    store = build_corpus(cli, tmp_path, {
        "a.txt": "Melatonin causes dependence <script>alert(1)</script> | *b*.\n",
        "c.txt": "Melatonin causes dependence [x](javascript:alert(2)).\n",
        "b.txt": "Melatonin does not cause dependence <img src=x onerror=alert(3)>.\n"})
    result = cli("report", "--store", store, "-o", tmp_path / "report")
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "report" / "report.md").read_text()
    page = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "onerror=alert(3)&gt;" in page
    assert "[x](javascript:alert(2))" in page and "*b*" in page  # shown as written, not as a link or emphasis
    assert "<script" not in page and "<img" not in page and "<a " not in page and "<em>" not in page
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count("<td>") == 2, first_row  # the | in the sentence did not open a third cell


@pytest.mark.parametrize("suffix, rdflib_format", [(".nq", "nquads"), (".trig", "trig"), (".jsonld", "json-ld"),
                                                   (".nt", "nt"), (".ttl", "turtle"), (".rdf", "xml")])
def test_export_format_follows_the_extension(cli, example_store, tmp_path, suffix, rdflib_format):
    from rdflib import Dataset, Graph

    out = tmp_path / f"graph{suffix}"
    result = cli("export", out, "--store", example_store)
    assert result.exit_code == 0, result.output
    loaded = Dataset() if suffix in (".nq", ".trig", ".jsonld") else Graph()
    loaded.parse(out, format=rdflib_format)
    stats = json.loads(cli("stats", "--store", example_store, "-f", "json").stdout)
    assert len(loaded) > 0 and (len(loaded) == stats["triples"] or suffix not in (".nq", ".trig"))


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_export_network_files_hold_the_claim_graph(cli, example_store, tmp_path, suffix):
    import networkx as nx

    out = tmp_path / f"claims{suffix}"
    assert cli("export", out, "--store", example_store).exit_code == 0
    graph = nx.read_graphml(out) if suffix == ".graphml" else nx.read_gexf(out)
    claims = json.loads(cli("claims", "--store", example_store, "-f", "json").stdout)
    assert graph.number_of_edges() == len(claims)
    assert {"melatonin", "caffeine"} <= {data.get("label") for _, data in graph.nodes(data=True)}


def test_empty_csv_keeps_its_header(cli, example_store):
    result = cli("conflicts", "--store", example_store, "--about", "magnesium", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "kind,topic,side A,side B,self-contradicting\n"


def test_about_takes_aliases_and_iris(cli, example_store):
    claims = json.loads(cli("claims", "--store", example_store, "-f", "json").stdout)
    melatonin = next(c["subject"]["id"] for c in claims if c["subject"]["label"] == "melatonin")
    by_label = json.loads(cli("conflicts", "--store", example_store, "--about", "melatonin", "-f", "json").stdout)
    by_iri = json.loads(cli("conflicts", "--store", example_store, "--about", melatonin, "-f", "json").stdout)
    assert by_label and by_iri == by_label
    dependence = json.loads(cli("claims", "--store", example_store, "--about", "dependence", "-f", "json").stdout)
    assert dependence and all("addiction" in (c["subject"]["label"], c["object"]["label"]) for c in dependence)
