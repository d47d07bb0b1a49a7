"""``python -m pipeline.cli``: the same command line as the ``claimgraph`` script."""

from . import app

app(prog_name="claimgraph")
