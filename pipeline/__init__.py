"""claimgraph: a knowledge graph of the claims a pile of articles makes.

The package is one module per pipeline stage, in data-flow order:
``ingest`` → ``nlp`` → ``extract`` → ``normalise`` → ``store`` → ``reason`` →
``viz`` / ``cli``. ``build`` wires the stages together.
"""

__version__ = "0.1.0"
