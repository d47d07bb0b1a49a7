"""The numbers every command prints, each defined once.

``build``, ``stats``, ``viz``, ``conflicts`` and ``report`` all count through
these functions, over the objects of the JSON contract (design.md), so they
cannot disagree:

- a **claim** is one element of ``claimgraph claims``: a (subject, predicate,
  object) with one polarity. The same triple asserted and denied is two claims.
- an **entity** is a distinct IRI in a claim's subject or object; values
  (durations, doses) are not entities.
- a **conflict** is one element of ``claimgraph conflicts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


def claim_count(claims: Iterable[dict]) -> int:
    """The number of claims: distinct (claim IRI, polarity) pairs.

    >>> claim_count([{"id": "c1", "polarity": "positive"}, {"id": "c1", "polarity": "negative"}])
    2
    """
    return len({(claim["id"], claim["polarity"]) for claim in claims})


def entity_count(claims: Iterable[dict]) -> int:
    """The number of distinct entities named as a claim's subject or object (values are not entities).

    >>> entity_count([{"subject": {"id": "e:a"}, "object": {"id": "e:b"}},
    ...               {"subject": {"id": "e:a"}, "object": {"value": "PT8H", "label": "8 hours"}}])
    2
    """
    return len({term["id"] for claim in claims for term in (claim["subject"], claim["object"]) if "id" in term})


def conflict_key(conflict: dict) -> tuple:
    """What makes two conflicts the same: their kind and the claims on each side.

    A conflict that gains or loses a claim on one side is a different conflict.
    """
    sides = (tuple(sorted((c["id"], c["polarity"]) for c in side["claims"])) for side in conflict["sides"])
    return (conflict["kind"], tuple(sorted(sides)))


def conflict_count(conflicts: Iterable[dict]) -> int:
    """The number of distinct conflicts (see :func:`conflict_key`)."""
    return len({conflict_key(conflict) for conflict in conflicts})


def conflicts_among(conflicts: Iterable[dict], claims: Iterable[dict]) -> list[dict]:
    """The conflicts all of whose claims are among ``claims`` (a view of the graph shows those)."""
    present = {(claim["id"], claim["polarity"]) for claim in claims}
    return [conflict for conflict in conflicts
            if all((c["id"], c["polarity"]) in present for side in conflict["sides"] for c in side["claims"])]


@dataclass(frozen=True)
class Counts:
    """Claims, entities and conflicts of one set of claims."""

    claims: int
    entities: int
    conflicts: int

    def describe(self) -> str:
        """One line for people.

        >>> Counts(39, 32, 1).describe()
        '32 entities, 39 claims, 1 conflict'
        """
        return (f"{_plural(self.entities, 'entity', 'entities')}, {_plural(self.claims, 'claim')}, "
                f"{_plural(self.conflicts, 'conflict')}")


def counts(claims: Iterable[dict], conflicts: Iterable[dict]) -> Counts:
    """The :class:`Counts` of ``claims`` and the ``conflicts`` among them."""
    claims = list(claims)
    return Counts(claim_count(claims), entity_count(claims), conflict_count(conflicts))


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
