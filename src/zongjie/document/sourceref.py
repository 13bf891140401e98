"""Which facts a shown figure comes from: one record from the template's rendering to the
document model, so every figure in every output can be traced to its facts.yaml line.

A leaf (it imports only location.Location): provenance.py records one per figure the templates write,
the reader hands it on unchanged to the FactSpan it makes, and the writers and checks read it
there, without the model importing the templating layer or the data layer.
"""

from __future__ import annotations

from typing import Protocol, Sequence

from msgspec import Struct

from zongjie.location import Location


class _Fact(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def written(self) -> str: ...
    @property
    def location(self) -> Location: ...
    @property
    def derived(self) -> bool: ...


class SourceRef(Struct, frozen=True):
    keys: tuple[str, ...]  # the facts the figure was made from (one, or several for a sum)
    locations: tuple[Location, ...]  # where each is written
    derived: bool = False  # computed by a rule or a sum, not typed by the user
    written: tuple[str, ...] = ()  # each fact as written in facts.yaml
    placeholder: bool = False  # a draft's 【待填：键】 (writers highlight it), not a figure

    @classmethod
    def of(cls, facts: Sequence[_Fact]) -> "SourceRef":
        if len(facts) == 1:  # most figures: one fact, without building three generators
            fact = facts[0]
            return cls((fact.key,), (fact.location,), bool(fact.derived), (fact.written,))
        return cls(tuple(fact.key for fact in facts), tuple(fact.location for fact in facts),
                   any(fact.derived for fact in facts), tuple(fact.written for fact in facts))
