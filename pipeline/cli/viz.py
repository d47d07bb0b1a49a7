"""`claimgraph viz`: the interactive claim graph page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import DEFAULT_STORE, StoreOption, app, open_dataset

from ..reason import agreements, all_claims, conflicts


@app.command()
def viz(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("graphs/claims.html"),
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Write an interactive HTML graph of the claims (opens offline)."""
    from ..viz import claim_graph, render

    dataset = open_dataset(store)
    try:
        found = all_claims(dataset)
        agreed = {(c["id"], c["polarity"]) for c in agreements(dataset)}
        conflicted = {(c["id"], c["polarity"]) for x in conflicts(dataset, claims=found) for s in x["sides"] for c in s["claims"]}
    finally:
        dataset.close()
    path = render(claim_graph(list(found.values()), agreed, conflicted), output)
    typer.echo(f"wrote {path}")
