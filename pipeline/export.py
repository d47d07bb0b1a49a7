"""The whole store written out: RDF for RDF tools, GraphML or GEXF for Gephi and Cytoscape.

The format follows the file name's extension unless one is named; rdflib writes the RDF
formats and networkx the graph formats.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph

from .sparql import export_dataset

RDF_FORMATS = {"trig": "trig", "nquads": "nquads", "ntriples": "nt", "turtle": "turtle", "json-ld": "json-ld",
               "rdf-xml": "xml"}  # our name → rdflib's serializer
NETWORK_FORMATS = ("graphml", "gexf")
EXPORT_FORMATS = (*RDF_FORMATS, *NETWORK_FORMATS)
SUFFIXES = {".trig": "trig", ".nq": "nquads", ".nt": "ntriples", ".ttl": "turtle", ".jsonld": "json-ld",
            ".json": "json-ld", ".rdf": "rdf-xml", ".owl": "rdf-xml", ".graphml": "graphml", ".gexf": "gexf"}
NAMED_GRAPHS = ("trig", "nquads", "json-ld")  # the formats that keep one graph per article


class ExportError(Exception):
    """An export format that cannot be chosen or a file that cannot be written."""


def format_for(output: Path | None, named: str | None = None) -> str:
    """The export format: the one ``named``, else the one ``output``'s extension implies (TriG for stdout).

    >>> format_for(Path("graph.nq")), format_for(Path("g.GEXF")), format_for(None), format_for(Path("x"), "turtle")
    ('nquads', 'gexf', 'trig', 'turtle')

    Raises:
        ExportError: the named format is unknown, or the extension names none.
    """
    if named is not None:
        if named not in EXPORT_FORMATS:
            raise ExportError(f"unknown export format {named!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        return named
    if output is None:
        return "trig"
    found = SUFFIXES.get(output.suffix.lower())
    if found is None:
        raise ExportError(f"cannot tell the format from {output.name!r}: name the file "
                          f"{' '.join('*' + s for s in SUFFIXES)}, or pass --format")
    return found


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The claim graph with only text and number attributes, as GraphML and GEXF can hold them.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="kratom", kind="plant"); g.add_node("b", label="sleep", kind="outcome")
    >>> claim = {"predicate": {"label": "improves"}, "polarity": "positive", "modality": "asserted",
    ...          "sources": ["x", "y"]}
    >>> _ = g.add_edge("a", "b", key="c:positive", claim=claim, status="agreed", independent=2, opposed_by=[])
    >>> flat_graph(g).edges["a", "b", "c:positive"]["label"], flat_graph(g).edges["a", "b", "c:positive"]["sources"]
    ('improves', 'x y')
    """
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, label=data["label"], kind=data["kind"])
    for subject, obj, key, data in graph.edges(keys=True, data=True):
        claim = data["claim"]
        flat.add_edge(subject, obj, key=key, label=claim["predicate"]["label"], polarity=claim["polarity"],
                      modality=claim["modality"], sources=" ".join(claim["sources"]), status=data["status"],
                      independent=data["independent"], weight=data["independent"])
    return flat


def export_text(dataset: Dataset, fmt: str) -> str:
    """The store serialized in one of :data:`EXPORT_FORMATS`."""
    if fmt in NETWORK_FORMATS:
        from .viz import store_graph  # the claim graph; viz's page libraries are not needed for RDF

        buffer = io.BytesIO()
        writer = nx.write_graphml if fmt == "graphml" else nx.write_gexf
        writer(flat_graph(store_graph(dataset)), buffer)
        return buffer.getvalue().decode("utf-8")
    memory = export_dataset(dataset)
    if fmt in NAMED_GRAPHS:
        return memory.serialize(format=RDF_FORMATS[fmt])
    merged = Graph(namespace_manager=memory.namespace_manager)
    merged += (quad[:3] for quad in memory.quads((None, None, None, None)))
    return merged.serialize(format=RDF_FORMATS[fmt])


def check_writable(output: Path) -> None:
    """Fail before any work when ``output`` cannot be written as a file.

    Raises:
        ExportError: ``output`` is a folder, or its folder does not exist.
    """
    if output.is_dir():
        raise ExportError(f"{output} is a folder; give a file name such as {output / 'graph.trig'}")
    if not output.parent.is_dir():
        raise ExportError(f"cannot write {output}: no folder {output.parent}")


def write_export(text: str, output: Path | None) -> None:
    """Write the export to ``output``, or to standard output.

    Raises:
        ExportError: the file cannot be written.
    """
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ExportError(f"cannot write {output}: {error.strerror or error}") from error
