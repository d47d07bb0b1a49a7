"""Named SPARQL queries with safe parameters, and the SPARQL result formats scripts read.

Every file in ``queries/`` opens with a comment header that names the query,
says what it answers and declares its parameters::

    # claims-about — every claim whose subject or object is one entity, …
    # Parameters:
    #   entity (text) — the entity's label or one of its aliases, any case.
    # Columns: ?entity ?claim ?subject …

A parameter is bound with ``initBindings`` (Oxigraph's ``substitutions``),
never spliced into the query text, so a value can only ever be a value. Two
rules keep a query's answers the same on Oxigraph and on rdflib's in-memory
store: a parameter is projected by the ``SELECT`` (Oxigraph only substitutes
projected variables), and a ``text`` parameter is compared with ``STR()`` in
a ``FILTER`` (Oxigraph reads strings as ``xsd:string``, rdflib keeps plain
and typed strings apart).

>>> query = parse_query("example", '''# example — labels of one thing.
... # Parameters:
... #   thing (iri) — the thing's IRI.
... SELECT ?thing ?label WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?label }''')
>>> query.purpose, [(p.name, p.kind.value) for p in query.parameters]
('labels of one thing.', [('thing', 'iri')])
>>> bind_parameters(query, {"thing": "ent:melatonin"})
{'thing': rdflib.term.URIRef('https://claimgraph.org/entity/melatonin')}
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Mapping

from rdflib import XSD, Dataset, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from .output import neutralise_cell
from .reason import QueryError, run_query
from .resources import queries_dir
from .store import PREFIXES

_TITLE = re.compile(r"^\s*(?P<name>[\w.-]+)\s+[—–-]+\s+(?P<purpose>.+)$")
_PARAMETER = re.compile(r"^\s*(?P<name>\w+)\s*\((?P<kind>\w+)\)\s*[—–:-]+\s*(?P<description>.+)$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")


class ParameterKind(str, Enum):
    """What a parameter's value is bound as: a string literal or an IRI."""

    text = "text"
    iri = "iri"


class ResultFormat(str, Enum):
    """Output formats of ``claimgraph query``."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    sparql_json = "sparql-json"


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: ParameterKind
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with the purpose and parameters its header declares."""

    name: str
    purpose: str
    parameters: tuple[Parameter, ...]
    text: str


def parse_query(name: str, text: str) -> NamedQuery:
    """Read a query's header comment: its purpose (the first sentence, after the dash) and its parameters."""
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line[1:])
    description = []
    parameters = []
    section = "purpose"
    for index, line in enumerate(header):
        keyword = line.strip().split(":", 1)[0].lower()
        if keyword in ("parameters", "columns"):
            section = keyword
        elif index == 0:
            title = _TITLE.match(line)
            description.append(title["purpose"] if title else line)
        elif section == "purpose":
            description.append(line)
        elif section == "parameters" and (found := _PARAMETER.match(line)):
            parameters.append(_parameter(name, found))
    return NamedQuery(name, _first_sentence(" ".join(description)), tuple(parameters), text)


def _parameter(query: str, found: re.Match) -> Parameter:
    try:
        kind = ParameterKind(found["kind"].lower())
    except ValueError:
        raise QueryError(f"query {query!r}: parameter {found['name']!r} has unknown kind {found['kind']!r} "
                         f"(use {' or '.join(k.value for k in ParameterKind)})") from None
    return Parameter(found["name"], kind, found["description"].strip())


def _first_sentence(text: str) -> str:
    """The text up to its first full stop, spaces collapsed.

    >>> _first_sentence("counts per source: claims,  evidence. Sources with none too.")
    'counts per source: claims, evidence.'
    """
    text = " ".join(text.split())
    end = re.search(r"[.!?](\s|$)", text)
    return text[: end.start() + 1] if end else text


def named_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every query in ``queries/`` by name (the file name without ``.rq``)."""
    folder = directory or queries_dir()
    return {path.stem: parse_query(path.stem, path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.rq"))}


def load_query(spec: str) -> NamedQuery:
    """A query from a ``.rq`` file path, a name in ``queries/``, or SPARQL text, in that order."""
    path = Path(spec)
    if path.suffix == ".rq" or (len(spec) < 200 and "\n" not in spec and path.is_file()):
        if not path.is_file():
            raise QueryError(f"no such query file: {spec}")
        return parse_query(path.stem, path.read_text(encoding="utf-8"))
    if re.fullmatch(r"[\w.-]+", spec):
        known = named_queries()
        if spec in known:
            return known[spec]
        raise QueryError(f"no query named {spec!r}; `claimgraph query --list` shows the named queries")
    return parse_query("query", spec)


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """``["entity=melatonin"]`` → ``{"entity": "melatonin"}``; the value may contain ``=``.

    >>> parse_assignments(["entity=a=b", "type=hormone"])
    {'entity': 'a=b', 'type': 'hormone'}
    """
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"parameter {pair!r} is not NAME=VALUE")
        values[name.strip()] = value
    return values


def bind_parameters(query: NamedQuery, values: Mapping[str, str]) -> dict[str, Node]:
    """Check the values against the query's declared parameters and turn them into RDF terms.

    A ``text`` value becomes a string literal; an ``iri`` value must be an absolute IRI or a
    prefixed name of the store (``ent:melatonin``, ``claim:…``).
    """
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        accepted = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r} (its parameters: {accepted})")
    missing = [name for name in declared if name not in values]
    if missing:
        raise QueryError(f"query {query.name!r} needs --param {missing[0]}=… ({declared[missing[0]].description})")
    return {name: _term(declared[name], value) for name, value in values.items()}


def _term(parameter: Parameter, value: str) -> Node:
    if parameter.kind is ParameterKind.text:
        return Literal(value)
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        value = str(PREFIXES[prefix]) + local
    if not _IRI.match(value):
        raise QueryError(f"parameter {parameter.name!r} must be an IRI (like https://… or ent:…), not {value!r}")
    return URIRef(value)


def run_named(dataset: Dataset, query: NamedQuery, values: Mapping[str, str] | None = None) -> Result:
    """Run a read-only query with its parameters bound safely; strings come back plain (see :func:`plain`)."""
    bindings = bind_parameters(query, values or {})
    try:
        result = run_query(dataset, query.text, bindings)
    except QueryError:
        if _is_update(query.text):
            raise QueryError("that is a SPARQL update; `claimgraph query` only reads the store "
                             "(rebuild it with `claimgraph build`)") from None
        raise
    if result.type == "SELECT":
        plain_rows = [{var: plain(row[var]) for var in result.vars if row[var] is not None} for row in result]
        result.bindings = plain_rows
    return result


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate  # 0.1 s to import: only when a query is run

    try:
        parseUpdate(text)
    except Exception:  # pyparsing raises several exception types; anything unparsable is not an update
        return False
    return True


def result_columns(result: Result) -> tuple[list[str], list[dict[str, Node | None]]]:
    """Any query result as columns and rows: SELECT as is, ASK as one ``answer``, a graph as its triples."""
    if result.type == "ASK":
        return ["answer"], [{"answer": Literal(bool(result.askAnswer))}]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        columns = ["subject", "predicate", "object"]
        return columns, [dict(zip(columns, triple)) for triple in result.graph]
    columns = [str(v) for v in result.vars]
    return columns, [{name: row[name] for name in columns} for row in result]


def text_rows(rows: list[dict[str, Node | None]]) -> list[dict[str, str]]:
    """Rows with every value as its lexical form, unbound values as empty strings."""
    return [{name: "" if value is None else str(value) for name, value in row.items()} for row in rows]


def render_delimited(columns: list[str], rows: list[dict[str, Node | None]], fmt: ResultFormat,
                     neutralise: bool = True) -> str:
    """SPARQL 1.1 CSV (plain values) or TSV (``?var`` header, values in Turtle syntax).

    CSV cells that a spreadsheet would run as a formula are neutralised unless ``neutralise`` is false
    (TSV values are Turtle terms, which never start a formula).

    >>> render_delimited(["n", "s"], [{"n": Literal(2), "s": Literal("a\\tb")}], ResultFormat.tsv)
    '?n\\t?s\\n"2"^^<http://www.w3.org/2001/XMLSchema#integer>\\t"a\\\\tb"\\n'
    """
    if fmt is ResultFormat.tsv:
        lines = ["\t".join(f"?{c}" for c in columns)]
        lines += ["\t".join(_tsv_term(row[c]) for c in columns) for row in rows]
        return "\n".join(lines) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([neutralise_cell(row[c]) if neutralise else row[c] for c in columns] for row in text_rows(rows))
    return buffer.getvalue()


def _tsv_term(value: Node | None) -> str:
    if value is None:
        return ""
    return plain(value).n3().replace("\t", "\\t")


def render_sparql_json(result: Result) -> str:
    """The SPARQL 1.1 Query Results JSON of a SELECT or ASK result (rdflib's serializer)."""
    if result.type not in ("SELECT", "ASK"):
        raise QueryError(f"a {result.type} query returns triples, not results; use --format table, json, csv or tsv")
    return result.serialize(format="json").decode("utf-8")


def export_dataset(dataset: Dataset) -> Dataset:
    """Every quad of the store in an in-memory dataset, ready to serialize.

    Strings are written plain (see :func:`plain`), so rdflib users who load the export can match them.
    """
    memory = Dataset()
    for prefix, namespace in PREFIXES.items():
        memory.bind(prefix, namespace)
    for s, p, o, g in dataset.quads((None, None, None, None)):
        memory.add((s, p, plain(o), g))
    return memory


def plain(node: Node) -> Node:
    """A string literal typed ``xsd:string`` as a plain one; other nodes as they are.

    Oxigraph hands every string back typed ``xsd:string``. RDF 1.1 says that is the same literal
    as a plain string, but rdflib does not: a query for ``"melatonin"`` would miss it.

    >>> plain(Literal("sleep", datatype=XSD.string)) == Literal("sleep"), plain(Literal(3)) == Literal(3)
    (True, True)
    """
    if isinstance(node, Literal) and node.datatype == XSD.string:
        return Literal(str(node))
    return node
