"""Locate the data folders (``ontology/``, ``queries/``, the example corpus).

In a source checkout they sit beside the package; in an installed wheel they
are bundled inside it under ``pipeline/_data``. Either way callers get a path.

>>> (ontology_dir() / "core.ttl").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(*parts: str) -> Path:
    bundled = _PACKAGE_DIR.joinpath("_data", *parts)
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE_DIR.parent.joinpath(*parts)
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"claimgraph data folder {'/'.join(parts)!r} is missing from the installation")


def ontology_dir() -> Path:
    """The folder of Turtle files that hold the vocabulary and the lexicon."""
    return _data_dir("ontology")


def queries_dir() -> Path:
    """The folder of SPARQL files the CLI runs."""
    return _data_dir("queries")


def example_corpus_dir() -> Path:
    """The built-in example corpus that ``claimgraph build`` reads by default."""
    return _data_dir("examples", "corpus")
