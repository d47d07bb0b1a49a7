"""A fact-checker's report: every conflict with its sides next to each other, then the agreements.

Written as Markdown (for reading in a terminal or a repository) and as a
self-contained HTML page. Sentences, labels and source ids come from untrusted
articles, so both escape everything they show: the page as HTML, the Markdown
so that a renderer makes no raw HTML, link, emphasis or table cell of it.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

from .counts import Counts

SENTENCES_PER_SIDE = 4


def _claim_title(claim: dict) -> str:
    denied = "(denied) " if claim["polarity"] == "negative" else ""
    return f"{denied}{claim['predicate']['label']} {claim['object']['label']}"


def _side_lines(side: dict) -> list[tuple[str, str]]:
    """(source, sentence) pairs of one side, at most a few per side."""
    lines = []
    for claim in side["claims"]:
        for evidence in claim["evidence"]:
            lines.append((evidence["source"], evidence["sentence"]))
    return lines[:SENTENCES_PER_SIDE]


def _summary(totals: Counts, agreements: list[dict]) -> str:
    return f"{totals.describe()}; {len(agreements)} agreement{'s' if len(agreements) != 1 else ''}."


def markdown_report(conflicts: list[dict], agreements: list[dict], totals: Counts) -> str:
    """The report as Markdown; ``totals`` counts the store (:mod:`pipeline.counts`)."""
    out = [f"# claimgraph report ({date.today().isoformat()})", "",
           _summary(totals, agreements), "", "## Conflicts", ""]
    for number, conflict in enumerate(conflicts, start=1):
        out.append(f"### {number}. {_md(conflict['topic'])} ({conflict['kind']})")
        if conflict["self_contradicting_sources"]:
            out.append(f"*Contradicts itself:* {_md(', '.join(conflict['self_contradicting_sources']))}")
        out.append("")
        out.append("| " + " | ".join(f"Side {chr(65 + i)}" for i in range(len(conflict["sides"]))) + " |")
        out.append("|" + "---|" * len(conflict["sides"]))
        cells = []
        for side in conflict["sides"]:
            claims = "; ".join(_claim_title(c) for c in side["claims"])
            evidence = "<br>".join(f"\\[{_md(source)}\\] {_md(sentence)}" for source, sentence in _side_lines(side))
            cells.append(f"**{_md(claims)}** ({side['modality']}; {_md(', '.join(side['sources']))})<br>{evidence}")
        out.append("| " + " | ".join(cells) + " |")
        out.append("")
    out += ["## Agreements", "", "| claim | independent sources | support | sources |", "|---|---|---|---|"]
    for claim in agreements:
        title = f"{claim['subject']['label']} {_claim_title(claim)}"
        out.append(f"| {_md(title)} | {claim['independent_sources']} | {claim['support']} | {_md(', '.join(claim['sources']))} |")
    return "\n".join(out) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: str) -> str:
    r"""Article text made inert in Markdown: HTML escaped, emphasis, code, link and table characters backslashed.

    >>> _md('<script>x</script> [a](javascript:y) | *b*\r\nc')
    '&lt;script&gt;x&lt;/script&gt; \\[a\\](javascript:y) \\| \\*b\\*  c'
    """
    text = html.escape(text, quote=False).replace("\r", " ").replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def html_report(conflicts: list[dict], agreements: list[dict], totals: Counts) -> str:
    """The report as one self-contained HTML page (no scripts, no remote resources)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "<title>claimgraph report</title><style>",
        "body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}"
        ".sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:1em}"
        ".side{border:1px solid #ccc;border-radius:6px;padding:.6em}.side h4{margin:.2em 0}"
        ".hedged{color:#666;font-style:italic}.src{color:#555;font-size:.85em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3em .6em}",
        "</style></head><body>",
        f"<h1>claimgraph report</h1><p>{e(_summary(totals, agreements))}</p><h2>Conflicts</h2>",
    ]
    for conflict in conflicts:
        parts.append(f"<section><h3>{e(conflict['topic'])} <small>({e(conflict['kind'])})</small></h3>")
        if conflict["self_contradicting_sources"]:
            parts.append(f"<p><strong>Contradicts itself:</strong> {e(', '.join(conflict['self_contradicting_sources']))}</p>")
        parts.append("<div class='sides'>")
        for side in conflict["sides"]:
            claims = "; ".join(_claim_title(c) for c in side["claims"])
            parts.append(f"<div class='side'><h4>{e(claims)}</h4><p class='{e(side['modality'])}'>{e(side['modality'])}; "
                         f"{e(', '.join(side['sources']))}</p><ul>")
            parts += [f"<li><span class='src'>[{e(source)}]</span> {e(sentence)}</li>" for source, sentence in _side_lines(side)]
            parts.append("</ul></div>")
        parts.append("</div></section>")
    parts.append("<h2>Agreements</h2><table><tr><th>claim</th><th>independent sources</th><th>support</th><th>sources</th></tr>")
    for claim in agreements:
        title = f"{claim['subject']['label']} {_claim_title(claim)}"
        parts.append(f"<tr><td>{e(title)}</td><td>{claim['independent_sources']}</td><td>{claim['support']}</td>"
                     f"<td>{e(', '.join(claim['sources']))}</td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)


def write_report(conflicts: list[dict], agreements: list[dict], totals: Counts, folder: Path) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    markdown, page = folder / "report.md", folder / "report.html"
    markdown.write_text(markdown_report(conflicts, agreements, totals), encoding="utf-8")
    page.write_text(html_report(conflicts, agreements, totals), encoding="utf-8")
    return markdown, page
