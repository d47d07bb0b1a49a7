"""User mistakes end in one clear line on stderr and a non-zero exit, never a traceback (issue 13 item 2)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "pipeline.cli"]


def assert_one_line_error(result, *words: str) -> None:
    """A click Result or CompletedProcess: non-zero exit, one ``claimgraph: error:`` line naming ``words``."""
    code = getattr(result, "exit_code", getattr(result, "returncode", None))
    stderr = result.stderr
    assert code not in (0, None), stderr
    assert "Traceback" not in stderr and "Traceback" not in result.stdout
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("claimgraph: error: "), stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_build_into_a_store_that_is_a_file(cli, tmp_path):
    store = tmp_path / "notes.txt"
    store.write_text("not a store\n")
    assert_one_line_error(cli("build", "--store", store), str(store), "file")
    assert store.read_text() == "not a store\n"


def test_build_into_a_store_that_cannot_be_made(cli, tmp_path):
    parent = tmp_path / "a-file"
    parent.write_text("x")
    assert_one_line_error(cli("build", "--store", parent / "store"), "cannot write the store")


def test_report_into_an_existing_file(cli, example_store, tmp_path):
    target = tmp_path / "report.md"
    target.write_text("mine\n")
    assert_one_line_error(cli("report", "--store", example_store, "-o", target), str(target), "folder")
    assert target.read_text() == "mine\n"


def test_report_into_a_folder_that_cannot_be_made(cli, example_store, tmp_path):
    parent = tmp_path / "a-file"
    parent.write_text("x")
    assert_one_line_error(cli("report", "--store", example_store, "-o", parent / "report"), "cannot write the report")


def test_viz_under_a_file(cli, example_store, tmp_path):
    blocking = tmp_path / "a-file"
    blocking.write_text("x")
    assert_one_line_error(cli("viz", "--store", example_store, "-o", blocking / "sub" / "x.html"), f"{blocking} is a file")


def test_export_into_a_missing_folder(cli, example_store, tmp_path):
    assert_one_line_error(cli("export", tmp_path / "nowhere" / "x.trig", "--store", example_store), "nowhere")


def test_export_onto_a_folder(cli, example_store, tmp_path):
    assert_one_line_error(cli("export", tmp_path, "--store", example_store), "folder")


def test_unknown_sparql_prefix_is_named(cli, example_store):
    result = cli("query", "SELECT * WHERE { ?s zork:likes ?o }", "--store", example_store)
    assert_one_line_error(result, "zork:")


@pytest.mark.parametrize("command", ["claims", "conflicts"])
def test_about_an_empty_name(cli, example_store, command):
    assert_one_line_error(cli(command, "--store", example_store, "--about", " "), "--about needs an entity name")


def test_evaluate_an_empty_gold_file(cli, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("")
    assert_one_line_error(cli("evaluate", gold), "no annotated sentences")
    assert_one_line_error(cli("evaluate", gold, "-f", "csv"), "table or json")


def test_watch_a_file_is_refused(cli, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Melatonin improves sleep.\n")
    assert_one_line_error(cli("watch", article, "--store", tmp_path / "store"), "not a folder")


@pytest.mark.parametrize("command", ["stats", "claims", "conflicts", "diff", "report", "validate", "export", "query"])
def test_read_commands_on_a_file_as_store(cli, tmp_path, command):
    store = tmp_path / "store"
    store.write_text("x")
    args = [command, "--store", store] + (["agreements"] if command == "query" else [])
    assert_one_line_error(cli(*args), "no claimgraph store")


def test_serve_on_a_busy_port_fails_before_announcing(example_store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*CLI, "serve", "--store", str(example_store), "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert_one_line_error(result, str(port), "in use")
    assert "serving" not in result.stderr


def test_version_and_short_help(cli):
    import typer

    from pipeline import __version__
    from pipeline.cli import app

    version = cli("--version")
    assert version.exit_code == 0 and version.stdout.strip() == f"claimgraph {__version__}"
    commands = sorted(typer.main.get_command(app).commands)
    assert {"build", "diff", "watch", "claims", "conflicts", "report", "query", "stats", "export", "serve"} <= set(commands)
    for command in commands:
        result = cli(command, "-h")
        assert result.exit_code == 0 and "Usage:" in result.stdout, (command, result.output)


def test_module_entry_point_prints_no_traceback(tmp_path):
    result = subprocess.run([*CLI, "stats", "--store", str(tmp_path / "nowhere")], capture_output=True, text=True,
                            timeout=60, cwd=Path(__file__).resolve().parents[1])
    assert_one_line_error(result, "no claimgraph store")
