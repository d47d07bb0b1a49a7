"""Render results for people and scripts: rich tables, JSON (the contract) and CSV."""

from __future__ import annotations

import csv
import io
import json
from enum import Enum
from typing import Iterable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .ingest import printable


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


CLAIM_COLUMNS = ("subject", "predicate", "object", "polarity", "modality", "sources")


def claim_row(claim: dict) -> dict[str, str]:
    """The flat view of a claim used by tables and CSV (its keys are :data:`CLAIM_COLUMNS`)."""
    return {
        "subject": claim["subject"]["label"],
        "predicate": claim["predicate"]["label"],
        "object": claim["object"]["label"],
        "polarity": claim["polarity"],
        "modality": claim["modality"],
        "sources": " ".join(claim["sources"]),
    }


EXPLAIN_COLUMNS = ("subject", "predicate", "object", "polarity", "modality", "confidence", "pattern", "source", "sentence")


def explain_rows(claims: Iterable[dict], notes: dict[str, str]) -> list[dict[str, str]]:
    """One row per piece of evidence: the claim, how confident, which pattern found it (and what it reads)."""
    rows = []
    for claim in claims:
        for evidence in claim["evidence"]:
            pattern = evidence.get("pattern", "")
            rows.append({
                "subject": claim["subject"]["label"], "predicate": claim["predicate"]["label"],
                "object": claim["object"]["label"], "polarity": evidence["polarity"], "modality": evidence["modality"],
                "confidence": f"{evidence.get('confidence', 1.0):.2f}",
                "pattern": f"{pattern}: {notes[pattern]}" if pattern in notes else pattern,
                "source": evidence["source"], "sentence": evidence["sentence"],
            })
    return rows


def render_json(data: object) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet reads as a formula (OWASP's CSV-injection list)."""


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'`` (OWASP's rule).

    >>> neutralise_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell("kratom"), neutralise_cell(3)
    ('kratom', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render_csv(rows: Sequence[dict[str, object]], columns: Sequence[str] = (),
               neutralise: bool = True) -> str:
    """CSV (RFC 4180) with a header row; ``columns`` gives the header when there are no rows.

    Text cells that start a formula are neutralised unless ``neutralise`` is false. Lines end in CRLF, so a
    cell holding a line break, even a bare CR, is quoted.

    >>> render_csv([], ("kind", "topic"))
    'kind,topic\\r\\n'
    >>> render_csv([{"sentence": "a\\rb"}])
    'sentence\\r\\n"a\\rb"\\r\\n'
    """
    buffer = io.StringIO()
    fieldnames = list(rows[0]) if rows else list(columns)
    if fieldnames:
        writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(
            {k: neutralise_cell(v) for k, v in row.items()} if neutralise else row for row in rows)
    return buffer.getvalue()


def shown(text: str) -> str:
    """Article text made safe for a rich console: no markup, no terminal escape sequences.

    >>> shown("[bold]x\\x1b[2J")
    '\\\\[bold]x'
    """
    return escape(printable(text))


def print_table(rows: Sequence[dict[str, object]], title: str, console: Console | None = None) -> None:
    console = console or Console()
    if not rows:
        console.print(f"[dim]{title}: none[/dim]")
        return
    table = Table(title=title, show_lines=False)
    for column in rows[0]:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(shown(str(v)) for v in row.values()))  # article text may contain [markup]
    console.print(table)


def emit(data: object, rows: Iterable[dict[str, object]], fmt: Format, title: str, columns: Sequence[str] = (),
         neutralise: bool = True) -> None:
    """Print ``data`` as JSON, or its flat ``rows`` as CSV (header from ``columns`` when empty) or a table.

    CSV cells that start a formula are neutralised unless ``neutralise`` is false (``--raw-csv``).
    """
    if fmt is Format.json:
        print(render_json(data))
    elif fmt is Format.csv:
        print(render_csv(list(rows), columns, neutralise), end="")
    else:
        print_table(list(rows), title)


def print_conflicts(conflicts: Sequence[dict], console: Console | None = None) -> None:
    """Each conflict as a small table whose columns are its sides: claims, modality, sources, a sentence."""
    console = console or Console()
    if not conflicts:
        console.print("[dim]Conflicts: none[/dim]")
        return
    for number, conflict in enumerate(conflicts, start=1):
        title = f"{number}. {shown(conflict['topic'])} [dim]({conflict['kind']})[/dim]"
        if conflict["self_contradicting_sources"]:
            title += f"  [yellow]contradicts itself: {shown(', '.join(conflict['self_contradicting_sources']))}[/yellow]"
        table = Table(title=title, title_justify="left", show_lines=True, expand=True)
        for index, _ in enumerate(conflict["sides"]):
            table.add_column(f"side {chr(65 + index)}", overflow="fold", ratio=1)
        cells = []
        for side in conflict["sides"]:
            claims = "\n".join(
                f"[bold]{'not ' if c['polarity'] == 'negative' else ''}{shown(c['predicate']['label'])} "
                f"{shown(c['object']['label'])}[/bold]" for c in side["claims"])
            evidence = side["claims"][0]["evidence"][0]
            cells.append(f"{claims}\n{side['modality']}; {shown(', '.join(side['sources']))}\n"
                         f"[dim]“{shown(evidence['sentence'])}”[/dim]")
        table.add_row(*cells)
        console.print(table)
