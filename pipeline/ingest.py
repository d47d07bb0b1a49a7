"""Read articles from files: ``.txt``, ``.md``, ``.html`` and ``.jsonl``.

Every reader returns plain :class:`Article` objects whose ``text`` is the
article's main text, one paragraph, heading or list item per line (list items
keep a leading ``- ``), so later stages can tell statements from headings.
Problems with single files never stop ingestion: they become :class:`Problem`
records naming the file.

>>> from pathlib import Path; import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Caffeine blocks adenosine receptors.")
>>> result = read_articles([folder])
>>> [(a.id, a.text) for a in result.articles]
[('a', 'Caffeine blocks adenosine receptors.')]
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
DEFAULT_MAX_BYTES = 5_000_000


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


def iter_article_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Yield supported files under ``paths`` (folders recursively), sorted, hidden files skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not any(
                    part.startswith(".") for part in relative
                ):
                    yield child
        else:
            yield path


def read_articles(paths: Sequence[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    """Read every article under ``paths``; duplicate ids and bad files become problems."""
    result = IngestResult()
    seen: dict[str, str] = {}
    for path in iter_article_files(paths):
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
    return [Article(id=path.stem, text=body, path=str(path), title=title)]


def decode(raw: bytes) -> str:
    """Decode file bytes as UTF-8, else as the detected encoding; binary data is refused."""
    if not raw.strip():
        raise UnreadableFile("empty file")
    if b"\x00" in raw[:8192]:
        raise UnreadableFile("binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise UnreadableFile("not UTF-8 and no text encoding could be detected")
    return str(best)


def tidy_text(text: str) -> str:
    """Normalise line ends and white space inside lines; keep one block per line."""
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


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
    """Extract an HTML page's main text (no navigation, scripts or boilerplate) with trafilatura."""
    import trafilatura

    main_text = trafilatura.extract(html, output_format="markdown", include_tables=False, include_comments=False)
    metadata = trafilatura.extract_metadata(html)
    title = (metadata.title if metadata and metadata.title else "") or ""
    if main_text:
        return title or markdown_to_text(main_text)[0], markdown_to_text(main_text)[1]
    return title, tidy_text(_html_fallback_text(html))


def _html_fallback_text(html: str) -> str:
    """Plain text of a short page trafilatura declines: scripts, styles and navigation dropped."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for element in root.xpath("//script|//style|//nav|//header|//footer|//noscript|//template"):
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
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            problems.append(Problem(where, "JSONL record has no 'text' string"))
            continue
        article_id = str(record.get("id") or f"{path.stem}-{number}")
        yield Article(
            id=article_id,
            text=tidy_text(record["text"]),
            path=where,
            title=str(record.get("title") or ""),
            url=str(record.get("url") or ""),
            date=str(record.get("date") or ""),
        )
