"""Check the store against the SHACL shapes of the claim model (``ontology/shapes.ttl``) with pyshacl."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, SH, Dataset, Graph
from rdflib.term import Node

from .ontology import SHAPES_FILE
from .resources import ontology_dir
from .sparql import export_dataset
from .store import PREFIXES


@dataclass(frozen=True)
class Violation:
    """One way a node breaks a shape: which node, which property, what is wrong, and the offending value."""

    focus: str
    path: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        value = f" (found {self.value})" if self.value else ""
        return f"{self.focus} {self.path}: {self.message}{value}"


def load_shapes(path: Path | None = None) -> Graph:
    """The SHACL shapes graph."""
    shapes = Graph()
    shapes.parse(path or ontology_dir() / SHAPES_FILE, format="turtle")
    return shapes


def validate_graph(data: Graph | Dataset, shapes: Graph | None = None) -> list[Violation]:
    """Every violation of the shapes in ``data`` (all its graphs together), sorted; empty when it conforms."""
    union = Graph()
    for prefix, namespace in PREFIXES.items():
        union.bind(prefix, namespace)
    if isinstance(data, Dataset):
        union += (quad[:3] for quad in data.quads((None, None, None, None)))
    else:
        union += data
    _, report, _ = shacl_validate(union, shacl_graph=shapes if shapes is not None else load_shapes(), inference="none")
    names = union.namespace_manager
    violations = {
        Violation(
            focus=_short(report.value(result, SH.focusNode), names),
            path=_short(report.value(result, SH.resultPath), names),
            message=str(report.value(result, SH.resultMessage) or ""),
            value=_short(report.value(result, SH.value), names),
        )
        for result in report.subjects(RDF.type, SH.ValidationResult)
    }
    return sorted(violations, key=lambda v: (v.focus, v.path, v.message, v.value))


def validate_store(dataset: Dataset, shapes: Graph | None = None) -> list[Violation]:
    """Every violation of the shapes in an open store (copied to memory first)."""
    return validate_graph(export_dataset(dataset), shapes)


def _short(node: Node | None, names) -> str:
    if node is None:
        return ""
    text = node.n3(names)
    return text if len(text) <= 120 else text[:117] + "…"
