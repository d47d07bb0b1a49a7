"""Shared fixtures: the real spaCy model, the real ontology and real Oxigraph stores."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.build import build
from pipeline.cli import app
from pipeline.extract import extract_claims
from pipeline.extract.mentions import ClaimMention
from pipeline.extract.statements import statement_blocks
from pipeline.nlp import load_model, model_name
from pipeline.ontology import load_lexicon
from pipeline.resources import example_corpus_dir

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
SCORER = SHARED / "eval" / "score.py"
EVAL_CORPUS = Path(__file__).parent / "data" / "eval"


@pytest.fixture(scope="session")
def nlp():
    return load_model(model_name())


@pytest.fixture(scope="session")
def lexicon():
    return load_lexicon()


@pytest.fixture(scope="session")
def extract(nlp, lexicon):
    """Extract claim mentions from a text with the real model and ontology."""

    def run(text: str) -> list[ClaimMention]:
        blocks = statement_blocks(text)
        return extract_claims(zip(blocks, nlp.pipe(b.text for b in blocks)), lexicon)

    return run


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def example_store(tmp_path_factory) -> Path:
    """The built-in example corpus built once into a real Oxigraph store."""
    store = tmp_path_factory.mktemp("example") / "store"
    build([example_corpus_dir()], store)
    return store


@pytest.fixture
def cli(runner):
    """Invoke the CLI; returns the click Result."""

    def invoke(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return invoke


@pytest.fixture
def cli_json(cli):
    def invoke(*args: str):
        result = cli(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


def needs_shared():
    return pytest.mark.skipif(not SEEDS.is_dir() or not SCORER.is_file(), reason="../shared (seed corpus, scorer) not present")


def browser_required() -> bool:
    return os.environ.get("CLAIMGRAPH_REQUIRE_BROWSER") == "1"
