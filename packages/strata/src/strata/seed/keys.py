"""Foreign keys as the generator needs them: which parent a table hangs off, and how deep it is."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ForeignKeyConstraint, Table


@dataclass(frozen=True)
class Link:
    """One FK of a table: its local columns, the parent table and the parent's columns."""

    constraint: ForeignKeyConstraint
    local: tuple[str, ...]
    parent: str
    remote: tuple[str, ...]
    nullable: bool

    @property
    def is_self(self) -> bool:
        return self.parent == self.constraint.table.name


def links(table: Table) -> list[Link]:
    found = []
    for fk in sorted(table.foreign_key_constraints, key=lambda c: str(c.name)):
        local = tuple(element.parent.name for element in fk.elements)
        remote = tuple(element.column.name for element in fk.elements)
        nullable = all(table.c[name].nullable for name in local)
        found.append(Link(fk, local, fk.referred_table.name, remote, nullable))
    return found


def depth(table: Table, tables: Mapping[str, Table], seen: frozenset[str] = frozenset()) -> int:
    """How many required parents deep `table` is: 0 for a table nothing is required above."""
    parents = [link.parent for link in links(table) if not link.nullable and not link.is_self]
    parents = [name for name in parents if name in tables and name not in seen]
    if not parents:
        return 0
    return 1 + max(depth(tables[name], tables, seen | {table.name}) for name in parents)


def primary(table: Table, tables: Mapping[str, Table]) -> Link | None:
    """The required parent a row belongs to: the deepest one (a chunk belongs to its document, not its session)."""
    required = [link for link in links(table) if not link.nullable and not link.is_self and link.parent in tables]
    if not required:
        return None
    return max(required, key=lambda link: depth(tables[link.parent], tables))


def default_counts(tables: Mapping[str, Table], roots: int = 10, fan_out: int = 3) -> dict[str, int]:
    """Rows per table at scale 1 when an app declares nothing: `roots` per top table, `fan_out` per parent."""
    counts: dict[str, int] = {}
    for name in sorted(tables, key=lambda n: depth(tables[n], tables)):
        link = primary(tables[name], tables)
        counts[name] = roots if link is None else counts.get(link.parent, roots) * fan_out
    return counts
