"""`claimgraph viz`: the interactive claim graph page, whole or one view of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import DEFAULT_STORE, StoreOption, app, fail, opened_store

from ..counts import conflicts_among, counts


@app.command()
def viz(
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write; its folder is created. "
                                         "The page is self-contained and opens offline.")] = Path("graphs/claims.html"),
    store: StoreOption = DEFAULT_STORE,
    about: Annotated[Optional[str], typer.Option("--about", help="Only the neighbourhood of this entity "
                                                 "(label, alias or IRI).")] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, help="With --about: how many claim hops from the "
                                       "entity to include.")] = 1,
    conflicts_only: Annotated[bool, typer.Option("--conflicts-only", help="Only claims that conflict with "
                                                 "another claim.")] = False,
    source: Annotated[Optional[str], typer.Option("--source", help="Only claims this source (article id, the "
                                                  "file stem) makes.")] = None,
    min_sources: Annotated[int, typer.Option("--min-sources", min=1, help="Only claims with at least this many "
                                             "independent sources.")] = 1,
) -> None:
    """Write an interactive HTML graph of the claims: entities as nodes, claims as edges.

    Edge colour gives the status (agreed, single-source, conflicted, negated), width the number of
    independent sources; hedged claims are dashed. In the page, search an entity by name or alias,
    filter claims live (source, predicate, kind, independent sources; "Conflicts first"), and click
    a claim or entity for its evidence with source links; hover for a preview.
    """
    from ..viz import View, ViewError, render, select, store_graph

    if depth != 1 and about is None:
        fail("--depth needs --about ENTITY")
    if output.exists() and output.is_dir():
        fail(f"--output {output} is a folder; give a file name such as {output / 'claims.html'}")
    blocking = next((folder for folder in output.parents if folder.exists()), None)
    if blocking is not None and not blocking.is_dir():
        fail(f"cannot write {output}: {blocking} is a file, not a folder")
    with opened_store(store) as dataset:
        graph = store_graph(dataset)
    view = View(about=about, depth=depth, conflicts_only=conflicts_only, source=source, min_sources=min_sources)
    try:
        selected = select(graph, view)
    except ViewError as error:
        fail(str(error))
    try:
        path = render(selected, output, heading=view.describe())
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    shown = [data["claim"] for _, _, data in selected.edges(data=True)]
    typer.echo(f"wrote {path}: {counts(shown, conflicts_among(graph.graph['conflicts'], shown)).describe()}")
