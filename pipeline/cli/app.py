"""Shared pieces of the command line: the typer app, common options, one-line errors."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, NoReturn

import typer
from rdflib import Dataset

from .. import __version__
from ..output import Format
from ..store import StoreBusy, StoreNotFound, open_store

app = typer.Typer(
    help="Turn a pile of articles into a knowledge graph of the claims they make, "
    "and see where sources agree and where they conflict.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit it
)

DEFAULT_STORE = Path("graphs/store")
StoreOption = Annotated[Path, typer.Option("--store", "-s", help="Path of the claim store (an Oxigraph database folder).")]
RawCsvOption = Annotated[bool, typer.Option(
    "--raw-csv", help="With --format csv, print every cell verbatim; by default a cell starting with = + - @ tab or CR "
    "gets a leading ' so that a spreadsheet does not run it as a formula.")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format: table for people, json or csv for scripts.")]


def fail(message: str, code: int = 2) -> NoReturn:
    """Report a user mistake in one line on stderr and exit non-zero."""
    typer.echo(f"claimgraph: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def opened_store(store: Path) -> Iterator[Dataset]:
    """An existing store, open for the ``with`` block and closed after it; a missing store fails in one line."""
    try:
        dataset = open_store(store)
    except (StoreNotFound, StoreBusy) as error:
        fail(str(error))
    try:
        yield dataset
    finally:
        dataset.close()


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"claimgraph {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", "-V", callback=_print_version, is_eager=True,
                                               help="Print the version and exit.")] = False) -> None:
    """claimgraph: claims, agreements and conflicts across articles."""
