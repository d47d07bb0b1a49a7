"""`claimgraph evaluate`: precision, recall and F1 of the extracted claims against annotated sentences."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .app import app, fail, opened_store

from ..build import BuildError
from ..build import build as run_build
from ..evaluate import RULES, Evaluation, GoldError, gold_files, load_gold, predictions_from_claims, score
from ..ingest import read_articles
from ..ontology import load_lexicon
from ..output import Format, render_json
from ..reason import all_claims


@app.command()
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSONL files, or folders searched for *.jsonl (docs/gold-format.md).")],
    articles: Annotated[Optional[list[Path]], typer.Option(
        "--articles", "-a", help="The annotated articles (default: the folders of the gold files).")] = None,
    store: Annotated[Optional[Path], typer.Option(
        "--store", "-s", help="Score the claims of this built store instead of extracting the articles afresh.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table for people, json for scripts.")] = Format.table,
    errors: Annotated[bool, typer.Option("--errors", help="Also list false positives and false negatives (strict rule).")] = False,
    min_confidence: Annotated[float, typer.Option(min=0.0, max=1.0, help="Score only evidence at least this confident.")] = 0.0,
) -> None:
    """Score extraction against gold sentences: precision, recall and F1, strict and relaxed.

    Every annotated sentence counts: a claim extracted from it that no annotator recorded is a
    false positive. Without --store, the articles are extracted into a temporary store first.
    Figures are given overall and per domain, corpus, predicate and phenomenon tag.
    """
    if fmt is Format.csv:
        fail("evaluate prints --format table or json")
    lexicon = load_lexicon()
    try:
        sentences = load_gold(gold, lexicon)
        folders = articles or sorted({f.parent for f in gold_files(gold)})
    except GoldError as error:
        fail(str(error))
    if not sentences:
        fail(f"no annotated sentences in {', '.join(map(str, gold))} (docs/gold-format.md)")
    missing = [str(p) for p in folders if not p.exists()]
    if missing:
        fail(f"no such file or folder: {', '.join(missing)}")
    texts = {a.id: a.text for a in read_articles(folders).articles}
    if store is not None:
        with opened_store(store) as dataset:
            claims = list(all_claims(dataset).values())
    else:
        with tempfile.TemporaryDirectory(prefix="claimgraph-evaluate-") as scratch:
            try:
                run_build(folders, Path(scratch) / "store")
            except BuildError as error:
                fail(str(error))
            with opened_store(Path(scratch) / "store") as dataset:
                claims = list(all_claims(dataset).values())
    predictions = [p for p in predictions_from_claims(claims) if p.confidence >= min_confidence]
    evaluation = score(sentences, texts, predictions, lexicon)
    if evaluation.unplaced_gold:
        typer.echo(f"warning: {len(evaluation.unplaced_gold)} gold sentences not found in their articles "
                   f"(first: {evaluation.unplaced_gold[0]})", err=True)
    if fmt is Format.json:
        data = evaluation.to_json()
        if not errors:
            data.pop("false_positives"), data.pop("false_negatives")
        typer.echo(render_json(data))
        return
    print_evaluation(evaluation, errors)


def print_evaluation(evaluation: Evaluation, errors: bool, console: Console | None = None) -> None:
    """Tables of P/R/F1: overall first, then each breakdown, then (optionally) the errors."""
    console = console or Console()
    rows = [("overall", "all", evaluation.overall)]
    for breakdown in ("domain", "corpus", "predicate", "tag", "pattern"):
        rows += [(breakdown, key, rules) for key, rules in sorted(evaluation.by.get(breakdown, {}).items())]
    table = Table(title=f"Extraction against {evaluation.sentences} annotated sentences")
    for column in ("by", "name", *(f"{rule} {m}" for rule in RULES for m in ("P", "R", "F1")), "gold", "predicted"):
        table.add_column(column, justify="left" if column in ("by", "name") else "right")
    for breakdown, key, rules in rows:
        figures = [f"{getattr(rules[rule], m):.2f}" for rule in RULES for m in ("precision", "recall", "f1")]
        table.add_row(breakdown, key, *figures, str(rules["strict"].gold), str(rules["strict"].predictions))
    console.print(table)
    if errors:
        for title, items in (("False positives", evaluation.false_positives), ("False negatives", evaluation.false_negatives)):
            console.print(f"\n[bold]{title}[/bold] ({len(items)}, strict rule)", highlight=False)
            for item in items:
                console.print(f"- {item['subject']} —{item['predicate']}→ {item['object']} ({item['polarity']}, "
                              f"{item['modality']}) [{item['source']}] {item['sentence']}", markup=False, highlight=False)
