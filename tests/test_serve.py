"""`claimgraph serve`: the read-only Oxigraph endpoint, queried with SPARQLWrapper like any SPARQL client would."""

from __future__ import annotations

import fcntl
import json
import shutil
import socket
import subprocess
import sys
import time

import pytest
from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from urllib.error import HTTPError

from pipeline.sparql import named_queries
from pipeline.build import build
from pipeline.resources import example_corpus_dir
from pipeline.store import READERS_LOCK

CLI = [sys.executable, "-c", "from pipeline.cli import app; app()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(process: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listening on port {port} after {timeout} s")


@pytest.fixture(scope="module")
def endpoint(example_store):
    """`claimgraph serve` on a free loopback port; yields its query URL and stops it afterwards."""
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", "--store", str(example_store), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until_listening(process, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def select(url: str, query: str) -> list[dict[str, str]]:
    client = SPARQLWrapper(f"{url}/query")
    client.setQuery(query)
    client.queryType = SELECT  # SPARQLWrapper's comment stripping skips every other line and finds "described"
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    return [{name: term["value"] for name, term in row.items()} for row in answer["results"]["bindings"]]


def cli_rows(cli, store, name: str) -> list[dict[str, str]]:
    result = cli("query", name, "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    return [{k: v for k, v in row.items() if v != ""} for row in json.loads(result.stdout)]


@pytest.mark.parametrize("name", sorted(n for n, q in named_queries().items() if not q.parameters))
def test_endpoint_answers_equal_the_cli(endpoint, cli, example_store, name):
    over_http = select(endpoint, named_queries()[name].text)
    assert sorted(over_http, key=str) == sorted(cli_rows(cli, example_store, name), key=str)


def test_endpoint_sees_every_article_graph(endpoint, cli, example_store):
    graphs = select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a <https://claimgraph.org/ns#Source> } }")
    [counts] = cli_rows(cli, example_store, "stats")
    assert len(graphs) == int(counts["sources"]) > 0


def test_endpoint_refuses_updates(endpoint, cli, example_store):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = select(endpoint, count)
    client = SPARQLWrapper(f"{endpoint}/query", updateEndpoint=f"{endpoint}/update")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:claimgraph:test> <urn:claimgraph:test> <urn:claimgraph:test> }")
    with pytest.raises((SPARQLWrapperException, HTTPError)):
        client.query()
    assert select(endpoint, count) == before
    assert select(endpoint, "SELECT ?p WHERE { <urn:claimgraph:test> ?p ?o }") == []


def test_serve_keeps_its_generation_while_a_build_changes_the_store(example_store, cli, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(example_store, store, symlinks=True)
    served = (store / "oxigraph").resolve().parent
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", "--store", str(store), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until_listening(process, port)
        url = f"http://127.0.0.1:{port}"
        sources = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a <https://claimgraph.org/ns#Source> } }"
        [before] = select(url, sources)
        articles = tmp_path / "articles"
        articles.mkdir()
        (articles / "new.txt").write_text("One more source says that kratom improves sleep.\n")
        report = build([example_corpus_dir(), articles], store, wait=False)  # the server does not make it wait
        assert report.new == ["new"]
        [counts] = cli_rows(cli, store, "stats")
        assert int(counts["sources"]) == int(before["n"]) + 1
        assert select(url, sources) == [before], "the endpoint still serves the generation it started on"
        with open(served / READERS_LOCK) as lock, pytest.raises(BlockingIOError):
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # so no build can delete it
    finally:
        process.terminate()
        process.wait(timeout=30)
    with open(served / READERS_LOCK) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # stopped, the server holds it no more


def test_serve_without_a_store_is_one_line_error(cli, tmp_path):
    result = cli("serve", "--store", tmp_path / "nowhere")
    assert result.exit_code != 0
    assert result.stderr.startswith("claimgraph: error: no claimgraph store")
    assert "Traceback" not in result.output


def test_start_server_from_python(example_store, cli):
    from pipeline.serve import endpoint_url, start_server

    port = free_port()
    process = start_server(example_store, port=port)
    try:
        client = SPARQLWrapper(endpoint_url(port=port))
        client.setQuery("SELECT (COUNT(DISTINCT CONCAT(STR(?c), STR(?p))) AS ?n) "
                        "WHERE { ?c a <https://claimgraph.org/ns#Claim> ; <https://claimgraph.org/ns#stated> ?p }")
        client.setReturnFormat(JSON)
        [row] = client.query().convert()["results"]["bindings"]
    finally:
        process.terminate()
        process.wait(timeout=30)
    [counts] = cli_rows(cli, example_store, "stats")
    assert row["n"]["value"] == counts["claims"]
