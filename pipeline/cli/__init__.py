"""The ``claimgraph`` command line: thin typer commands over the pipeline's functions.

Each module registers the commands of one concern on the shared ``app``.
User mistakes (a missing path, no store yet, bad SPARQL) end in one clear
line on stderr and a non-zero exit, never a traceback.
"""

from . import build, claims, evaluate, sparql, viz  # noqa: F401  (importing registers the commands)
from .app import app

__all__ = ["app"]
