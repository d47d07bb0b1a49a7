"""``python -m pipeline.cli``: the same command line as the ``claimgraph`` script."""

from . import app

if __name__ == "__main__":  # not when a worker process re-imports the main module
    app(prog_name="claimgraph")
