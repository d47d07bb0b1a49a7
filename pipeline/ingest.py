"""Read articles from files: ``.txt``, ``.md``, ``.html`` and ``.jsonl``.

Every reader returns plain :class:`Article` objects whose ``text`` is the
article's main text, one paragraph, heading or list item per line (list items
keep a leading ``- ``), so later stages can tell statements from headings.
Problems with single files never stop ingestion: they become :class:`Problem`
records naming the file.

What the readers guard against, by hand where no library does it for us:

* **Encodings.** UTF-8 with a few bad bytes keeps its UTF-8 (the bad bytes
  become U+FFFD); only text with no valid UTF-8 at all goes to charset
  detection. UTF-16 and UTF-32 with a byte-order mark are read as such.
* **Lines spaCy cannot take.** A line over :data:`MAX_LINE_CHARS` is split at
  sentence ends, else at spaces, else hard, so no block ever reaches spaCy's
  ``max_length``; splitting swaps one character for a line break, so offsets
  keep their meaning.
* **Text that is not text.** Terminal escape sequences and other control
  characters are removed, so printing an article cannot drive the terminal;
  hyphen-like dashes glued between two letters (not digits: "20–30 mg" is a range) ("alpha–blockers") become "-",
  the hyphen the parser reads as one word.
* **Hidden HTML.** Elements a browser does not show (``display:none``,
  ``visibility:hidden``, ``hidden``, ``aria-hidden="true"``, ``<script>``,
  ``<template>``, ``<noscript>``) are dropped before the main text is taken.
* **Hostile JSONL.** A line nested too deeply for the JSON parser is one bad
  line; lone surrogates (``"\\ud800"``) become U+FFFD.
* **Symlinks.** A link is followed only when it stays inside the folder being
  read; links out of it, loops and dangling links are skipped with a problem.

>>> from pathlib import Path; import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Caffeine blocks adenosine receptors.")
>>> result = read_articles([folder])
>>> [(a.id, a.text) for a in result.articles]
[('a', 'Caffeine blocks adenosine receptors.')]
"""

from __future__ import annotations

import codecs
import copy
import errno
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
DEFAULT_MAX_BYTES = 5_000_000
MAX_LINE_CHARS = 10_000
"""Longest line an article keeps: a longer one is split (spaCy refuses texts over 1,000,000 characters)."""
MAX_HTML_DEPTH = 2_000
"""Element nesting at which the HTML parser stops reading (libxml2's limit with ``huge_tree``, rounded down)."""


@dataclass(frozen=True)
class Article:
    """One article: its id (the file stem, or a JSONL record's ``id``) and main text."""

    id: str
    text: str
    path: str
    title: str = ""
    url: str = ""
    date: str = ""

    @property
    def sha256(self) -> str:
        """Content hash of the text: what the incremental build compares."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    """A file (or JSONL line) that was skipped, with a one-line reason."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class UnreadableFile(Exception):
    """Raised by a reader for a file that cannot become an article."""


def iter_article_files(paths: Sequence[Path]) -> Iterator[Path | Problem]:
    """Yield supported files under ``paths`` (folders recursively), sorted, hidden files skipped.

    A symlink inside a folder is followed only when its target lies inside that folder;
    links that lead out of it, loops and dangling links are yielded as :class:`Problem`.
    A link to a folder inside the tree is not walked again: its files are read where they are.
    Files named directly in ``paths`` are yielded as given.
    """
    for path in paths:
        if not path.is_dir():
            yield _named_in_utf8(path)
            continue
        found: list[Path | Problem] = []
        root = path.resolve()
        for folder, dirs, files in os.walk(path):
            dirs[:] = [name for name in dirs if not name.startswith(".")]
            here = Path(folder)
            for name in dirs + files:
                entry = here / name
                if name.startswith("."):
                    continue
                if entry.is_symlink():
                    refusal = _symlink_refusal(entry, root)
                    if refusal and (name in dirs or entry.suffix.lower() in SUPPORTED_SUFFIXES):
                        found.append(Problem(str(entry), refusal))
                    if refusal or entry.is_dir():
                        continue
                elif name in dirs:
                    continue
                if entry.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append(_named_in_utf8(entry))
        yield from sorted(found, key=lambda item: Path(item.path) if isinstance(item, Problem) else item)


def _named_in_utf8(path: Path) -> Path | Problem:
    """``path``, or a problem when its name is not UTF-8 (an article id and a stored path must be text)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", errors="backslashreplace")
        return Problem(shown, "file name is not valid UTF-8; rename the file")
    return path


def _symlink_refusal(link: Path, root: Path) -> str:
    """Why the symlink ``link`` under ``root`` is not followed, or "" when it may be."""
    try:
        target = link.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop this way
        return "symlink loop; not followed"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symlink loop; not followed"
        return "dangling symlink (its target does not exist)"
    if not target.is_relative_to(root):
        return f"symlink leads outside {root}; not followed"
    if target.is_dir() and link.parent.resolve().is_relative_to(target):
        return "symlink loop (it points to a folder that holds it); not followed"
    return ""


def read_articles(paths: Sequence[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    """Read every article under ``paths``; duplicate ids and bad files become problems."""
    result = IngestResult()
    seen: dict[str, str] = {}
    for path in iter_article_files(paths):
        if isinstance(path, Problem):
            result.problems.append(path)
            continue
        try:
            articles = parse_file(path, read_bytes(path, max_bytes), result.problems)
        except UnreadableFile as error:
            result.problems.append(Problem(str(path), str(error)))
            continue
        for article in articles:
            if not claim_id(seen, article, result.problems):
                continue
            result.articles.append(article)
    return result


def claim_id(seen: dict[str, str], article: Article, problems: list[Problem]) -> bool:
    """Record ``article``'s id as read; a second article with an id already read becomes a problem."""
    if article.id in seen:
        problems.append(Problem(article.path, f"duplicate article id {article.id!r} (already read from {seen[article.id]})"))
        return False
    seen[article.id] = article.path
    return True


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A supported file's bytes; unsupported, unreadable and over-size files raise :class:`UnreadableFile`."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFile(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (see --max-bytes)")
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise UnreadableFile(f"cannot read file ({error.strerror or error})") from error
    if len(raw) > max_bytes:  # the file grew while being read
        raise UnreadableFile(f"file is over the {max_bytes:,}-byte limit (see --max-bytes)")
    return raw


def parse_file(path: Path, raw: bytes, problems: list[Problem]) -> list[Article]:
    """The articles in one file's bytes; bad JSONL lines are added to ``problems``, a bad file raises."""
    try:
        articles = list(_parse(path, raw, problems))
    except UnreadableFile:
        raise
    except Exception as error:  # a parser library failing on hostile input must not stop the build
        raise UnreadableFile(f"could not parse ({type(error).__name__}: {error})") from error
    if not articles and path.suffix.lower() == ".jsonl" and not any(p.path.startswith(f"{path}:") for p in problems):
        raise UnreadableFile("no records found (empty JSONL file)")
    return articles


def _parse(path: Path, raw: bytes, problems: list[Problem]) -> Iterable[Article]:
    suffix = path.suffix.lower()
    text = decode(raw)
    if suffix == ".jsonl":
        return _read_jsonl(path, text, problems)
    if suffix in (".html", ".htm"):
        title, body = html_to_text(text)
    elif suffix in (".md", ".markdown"):
        title, body = markdown_to_text(text)
    else:
        title, body = "", tidy_text(text)
    if not body.strip():
        raise UnreadableFile("no text found (empty page)" if suffix in (".html", ".htm") else "no text found")
    return [Article(id=path.stem, text=body, path=str(path), title=printable(title))]


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode(raw: bytes) -> str:
    """Decode file bytes: by their byte-order mark, else as UTF-8, else as the detected encoding.

    UTF-8 with a few invalid bytes stays UTF-8, the bad bytes replaced, rather than
    being re-read as another code page:

    >>> decode("Café ".encode() + b"\\xff")
    'Café �'
    >>> decode("Café".encode("utf-16"))
    'Café'
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text = raw.decode(codec, errors="replace")
            if not text.strip():
                raise UnreadableFile("empty file")
            return text
    if not raw.strip():
        raise UnreadableFile("empty file")
    if b"\x00" in raw[:8192]:
        raise UnreadableFile("binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="replace")
    if len(_UTF8_SEQUENCE.findall(raw)) >= text.count("\ufffd"):  # mostly valid UTF-8: keep it
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise UnreadableFile("not UTF-8 and no text encoding could be detected")
    return str(best)


_TERMINAL_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_GLUED_DASH = re.compile(r"(?<=[^\W\d_])[\u2010\u2011\u2012\u2013\u2212](?=[^\W\d_])")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (line breaks and tabs stay).

    >>> printable("ok \\x1b[2J\\x1b]0;pwned\\x07done\\x07")
    'ok done'
    """
    return _CONTROL.sub("", _TERMINAL_ESCAPE.sub("", text))


def tidy_text(text: str) -> str:
    """Normalise line ends, control characters, glued dashes and white space; keep one block per line.

    >>> tidy_text("Alpha\u2013blockers  lower\\r\\n\\x1b[31mblood pressure\\x1b[0m.")
    'Alpha-blockers lower\\nblood pressure.'
    """
    text = _GLUED_DASH.sub("-", printable(text.replace("\r\n", "\n").replace("\r", "\n")))
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(part for line in lines if line for part in split_long_line(line))


_BREAK_AFTER_SENTENCE = re.compile(r"[.!?][\"')\]’”]*\s")


def split_long_line(line: str, limit: int = MAX_LINE_CHARS) -> list[str]:
    """``line`` in pieces of at most ``limit`` characters: at the last sentence end, else space, else hard.

    >>> split_long_line("One two. Three four five. Six.", limit=20)
    ['One two.', 'Three four five.', 'Six.']
    >>> split_long_line("abcdefgh", limit=3)
    ['abc', 'def', 'gh']
    """
    pieces = []
    while len(line) > limit:
        window = line[: limit + 1]
        ends = [m.end() for m in _BREAK_AFTER_SENTENCE.finditer(window)]
        cut = ends[-1] if ends else window.rfind(" ") + 1 or limit
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    return [*pieces, line] if line else pieces


def markdown_to_text(source: str) -> tuple[str, str]:
    """Render Markdown to plain lines: headings alone on a line, list items as ``- item``."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(source)
    lines: list[str] = []
    title = ""
    in_list_item = 0
    heading = False
    for token in tokens:
        if token.type == "list_item_open":
            in_list_item += 1
        elif token.type == "list_item_close":
            in_list_item -= 1
        elif token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        elif token.type == "inline":
            content = "".join(child.content if child.type != "softbreak" else " " for child in token.children or [])
            if heading and not title:
                title = content
            lines.append(f"- {content}" if in_list_item else content)
    return title, tidy_text("\n".join(lines))


def html_to_text(html: str) -> tuple[str, str]:
    """Extract an HTML page's main text (no navigation, scripts, hidden parts or boilerplate) with trafilatura."""
    import trafilatura

    root = _visible_html(html)
    if root is None:
        return "", ""
    metadata = trafilatura.extract_metadata(copy.deepcopy(root))
    title = (metadata.title if metadata and metadata.title else "") or ""
    main_text = trafilatura.extract(copy.deepcopy(root), output_format="markdown", include_tables=False,
                                    include_comments=False)
    if main_text:
        return title or markdown_to_text(main_text)[0], markdown_to_text(main_text)[1]
    body = tidy_text(_html_fallback_text(root))
    if not body and _depth(root) >= MAX_HTML_DEPTH:
        raise UnreadableFile(f"HTML nested over {MAX_HTML_DEPTH:,} elements deep; the parser cannot read its text")
    return title, body


_HIDDEN_STYLE = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)


def _visible_html(html: str):
    """The page's element tree without what a browser does not show, or None when it does not parse."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=True, collect_ids=False, default_doctype=False, encoding="utf-8",
                                  remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return None
    hidden = [element for element in root.iter(lxml.etree.Element)
              if element.tag in ("script", "style", "noscript", "template") or element.get("hidden") is not None
              or (element.get("aria-hidden") or "").strip().lower() == "true"
              or _HIDDEN_STYLE.search(element.get("style") or "")]
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()
    return root


def _depth(root) -> int:
    """How deeply ``root``'s elements nest."""
    import lxml.etree

    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _html_fallback_text(root) -> str:
    """Plain text of a short page trafilatura declines: scripts, styles and navigation dropped."""
    for element in root.xpath("//nav|//header|//footer"):
        element.drop_tree()
    blocks = root.xpath("//p|//li|//h1|//h2|//h3|//h4|//h5|//h6")
    if not blocks:
        return root.text_content()
    return "\n".join(("- " if block.tag == "li" else "") + block.text_content() for block in blocks)


def _read_jsonl(path: Path, text: str, problems: list[Problem]) -> Iterator[Article]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Problem(where, f"malformed JSON line ({error.msg})"))
            continue
        except RecursionError:
            problems.append(Problem(where, "malformed JSON line (nested too deeply)"))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            problems.append(Problem(where, "JSONL record has no 'text' string"))
            continue
        yield Article(
            id=_field(record, "id") or f"{path.stem}-{number}",
            text=tidy_text(_field(record, "text")),
            path=where,
            title=printable(_field(record, "title")),
            url=printable(_field(record, "url")),
            date=printable(_field(record, "date")),
        )


def _field(record: dict, name: str) -> str:
    """A JSONL record's field as text, lone surrogates (``"\\ud800"``, not encodable) made U+FFFD."""
    return _SURROGATE.sub("\ufffd", str(record.get(name) or ""))
