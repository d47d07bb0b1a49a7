"""Progress of a long build: a rich bar (articles/s) on a terminal, plain lines otherwise.

>>> import io
>>> out = io.StringIO()
>>> with BuildProgress(out, every_seconds=0) as progress:
...     progress.start(2); progress.advance("a"); progress.advance("b")
>>> print(out.getvalue().strip())
extracting 2 articles
extracted 1/2 articles
extracted 2/2 articles
"""

from __future__ import annotations

import time
from typing import TextIO

MIN_ARTICLES = 20  # smaller builds finish before a bar is worth drawing


class BuildProgress:
    """Reports ``start(total)`` and ``advance(article_id)`` calls of :func:`pipeline.build.build`."""

    def __init__(self, stream: TextIO, every_seconds: float = 5.0) -> None:
        self.stream = stream
        self.every_seconds = every_seconds
        self.total = 0
        self.done = 0
        self.started = self.last_line = 0.0
        self._bar = None
        self._task = None

    def __enter__(self) -> "BuildProgress":
        return self

    def __exit__(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        if not total:
            return
        if self.stream.isatty() and total >= MIN_ARTICLES:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]} articles/s"), TimeRemainingColumn(),
                                 console=Console(file=self.stream), transient=True)
            self._task = self._bar.add_task("extract", total=total, rate="–")
            self._bar.start()
        else:
            self._line(f"extracting {total} articles")

    def advance(self, article_id: str) -> None:
        self.done += 1
        elapsed = time.monotonic() - self.started
        rate = f"{self.done / elapsed:.1f}" if elapsed > 0 else "–"
        if self._bar is not None:
            self._bar.update(self._task, advance=1, rate=rate)
        elif self.done == self.total or time.monotonic() - self.last_line >= self.every_seconds:
            self._line(f"extracted {self.done}/{self.total} articles" + (f" ({rate}/s)" if self.every_seconds else ""))

    def _line(self, text: str) -> None:
        self.last_line = time.monotonic()
        print(text, file=self.stream, flush=True)
