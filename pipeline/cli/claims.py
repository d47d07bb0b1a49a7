"""`claimgraph claims | agreements | conflicts`: what the corpus claims, where sources agree and conflict."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DEFAULT_STORE, FormatOption, RawCsvOption, StoreOption, app, fail, opened_store

from ..ontology import construction_notes
from ..output import CLAIM_COLUMNS, EXPLAIN_COLUMNS, Format, claim_row, emit, explain_rows, print_conflicts
from ..reason import UnknownEntity, about, agreements, all_claims, conflicts
from ..counts import counts
from ..report import write_report


def _check_about(entity: Optional[str]) -> None:
    if entity is not None and not entity.strip():
        fail("--about needs an entity name (label, alias or IRI)")


@app.command()
def claims(
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = Format.table,
    about_entity: Annotated[Optional[str], typer.Option("--about", help="Only claims whose subject or object is this "
                                                        "entity (label, alias or IRI).")] = None,
    raw_csv: RawCsvOption = False,
    explain: Annotated[bool, typer.Option("--explain", help="One row per piece of evidence: its confidence, the "
                                          "pattern that found it and what that pattern reads, and the sentence.")] = False,
) -> None:
    """List every claim with its polarity, modality and sources."""
    _check_about(about_entity)
    with opened_store(store) as dataset:
        found = list(all_claims(dataset).values())
    if about_entity is not None:
        try:
            found = about(found, about_entity)
        except UnknownEntity as error:
            fail(str(error), code=1)
    if explain:
        emit(found, explain_rows(found, construction_notes()), fmt, "Claims and how they were found", EXPLAIN_COLUMNS,
             neutralise=not raw_csv)
        return
    emit(found, (claim_row(c) for c in found), fmt, "Claims", CLAIM_COLUMNS, neutralise=not raw_csv)


@app.command("agreements")
def agreements_command(
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = Format.table,
    min_sources: Annotated[int, typer.Option(min=2, help="Minimum number of independent sources.")] = 2,
    raw_csv: RawCsvOption = False,
) -> None:
    """Claims that two or more independent sources make with the same polarity."""
    with opened_store(store) as dataset:
        found = agreements(dataset, min_sources=min_sources)
    rows = ({**claim_row(c), "independent": c["independent_sources"], "support": c["support"]} for c in found)
    emit(found, rows, fmt, "Agreements", (*CLAIM_COLUMNS, "independent", "support"), neutralise=not raw_csv)


@app.command("conflicts")
def conflicts_command(
    store: StoreOption = DEFAULT_STORE,
    fmt: FormatOption = Format.table,
    about_entity: Annotated[Optional[str], typer.Option("--about", help="Only conflicts involving this entity "
                                                        "(label, alias or IRI).")] = None,
    raw_csv: RawCsvOption = False,
) -> None:
    """Where sources contradict each other: polarity, opposing effects, incompatible values.

    Each conflict lists its sides with their claims, sources and whether the evidence is asserted or
    hedged; a source found on two sides is listed as contradicting itself.
    """
    _check_about(about_entity)
    with opened_store(store) as dataset:
        try:
            found = conflicts(dataset, about_entity=about_entity)
        except UnknownEntity as error:
            fail(str(error), code=1)
    if fmt is Format.table:
        print_conflicts(found)
        return
    rows = (
        {
            "kind": x["kind"],
            "topic": x["topic"],
            **{
                f"side {chr(65 + i)}": "; ".join(f"{c['predicate']['label']} {c['object']['label']} ({c['polarity']}, "
                                                 f"{c['modality']}): {' '.join(c['sources'])}" for c in side["claims"])
                for i, side in enumerate(x["sides"][:2])
            },
            "self-contradicting": " ".join(x["self_contradicting_sources"]),
        }
        for x in found
    )
    emit(found, rows, fmt, "Conflicts", ("kind", "topic", "side A", "side B", "self-contradicting"),
         neutralise=not raw_csv)


@app.command()
def report(
    store: StoreOption = DEFAULT_STORE,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for report.md and report.html.")] = Path("graphs/report"),
    min_sources: Annotated[int, typer.Option(min=2, help="Minimum independent sources for an agreement.")] = 2,
) -> None:
    """Write a Markdown and an HTML report: each conflict's sides next to each other, then the agreements."""
    if output.exists() and not output.is_dir():
        fail(f"--output {output} is a file; give a folder for report.md and report.html")
    with opened_store(store) as dataset:
        found = all_claims(dataset)
        conflicting = conflicts(dataset, claims=found)
        agreed = agreements(dataset, min_sources=min_sources, claims=found, found_conflicts=conflicting)
    try:
        markdown, page = write_report(conflicting, agreed, counts(found.values(), conflicting), output)
    except OSError as error:
        fail(f"cannot write the report into {output}: {error.strerror or error}")
    typer.echo(f"wrote {markdown} and {page}")
