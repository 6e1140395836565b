"""The one row generator: development data, test factories, `strata check`'s cascade rows, benchmark data.

Rows are generated table by table in FK order, column-wise. Each child row
picks its parent with a skewed fan-out (a few parents have many children),
every parent gets at least one child when there are enough, other required
parents follow the first one (a chunk's session is its document's session),
and timestamps follow the parents (a child is created after its parent).
Everything is drawn from `random.Random` / numpy generators seeded from
`seed`, the table and the offset, so the same arguments give the same rows.
"""

import datetime
import uuid
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any

from sqlalchemy import Column, Table, types

from strata.errors import StrataError
from strata.seed import keys
from strata.seed.rules import table_rules
from strata.seed.values import RowInfo, ValueMaker, maker_for
from strata.seed.vectors import VectorShape, clustered

EPOCH = datetime.datetime(2025, 1, 6, tzinfo=datetime.UTC)
SPAN_SECONDS = 180 * 86_400  # root rows are created over half a year
MEAN_CHILD_DELAY = 86_400.0  # a child follows its parent by about a day
LINK_SHARE = 0.7  # optional FKs that are set


@dataclass
class Generated:
    """One table's rows, column-wise: `columns[name][i]` is row i's value (vectors: a numpy matrix)."""

    table: Table
    columns: dict[str, Any]
    moments: list[datetime.datetime]
    groups: list[int]  # the primary parent's row index, or the row's own
    _indexes: dict[tuple[str, ...], dict[tuple[Any, ...], int]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.moments)

    def key(self, names: Sequence[str], row: int) -> tuple[Any, ...]:
        return tuple(self.columns[name][row] for name in names)

    def find(self, names: Sequence[str], values: tuple[Any, ...]) -> int | None:
        """The row whose `names` hold `values` (an index built once per set of names, then a dict lookup)."""
        names = tuple(names)
        if names not in self._indexes:
            self._indexes[names] = {self.key(names, row): row for row in range(self.count)}
        return self._indexes[names].get(values)

    def rows(self) -> list[dict[str, Any]]:
        return [{name: values[row] for name, values in self.columns.items()} for row in range(self.count)]


def uuid7_at(moment: datetime.datetime, rng: Random) -> uuid.UUID:
    """A UUIDv7 for `moment`, its random bits from `rng`: time-ordered like the apps' keys, and reproducible."""
    millis = int(moment.timestamp() * 1000)
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return uuid.UUID(int=value)


def _vector_dim(column: Column[Any]) -> int | None:
    dim = getattr(column.type, "dim", None)
    return int(dim) if dim else None


def _weighted(rng: Random, count: int, parents: int) -> list[int]:
    """Parent index per child: each parent once (when there are enough children), the rest skewed."""
    first = list(range(min(count, parents)))
    weights = [rng.paretovariate(1.5) for _ in range(parents)]
    return sorted(first + rng.choices(range(parents), weights=weights, k=count - len(first)))


class Generator:
    """Generates rows for the tables of one schema; remembers them so children can refer to them."""

    def __init__(
        self,
        tables: Iterable[Table],
        *,
        seed: int = 0,
        values: Mapping[str, ValueMaker] | None = None,
        vectors: Mapping[str, VectorShape] | None = None,
    ):
        self.tables = {table.name: table for table in tables}
        self.seed = seed
        self.values = dict(values or {})
        self.vectors = dict(vectors or {})
        self.generated: dict[str, Generated] = {}

    def _rng(self, table: str, offset: int) -> Random:
        return Random(f"{self.seed}/{table}/{offset}")  # noqa: S311 - reproducible data, not secrets

    def generate(
        self,
        table: Table,
        count: int,
        *,
        offset: int = 0,
        fixed: Mapping[str, Any] | None = None,
        remember: bool = True,
    ) -> Generated:
        """`count` rows of `table`; `fixed` values are used as given; `offset` numbers rows after earlier runs.

        Remembered rows are the parents later tables draw from; a one-off row (`remember=False`) is not.
        """
        fixed = dict(fixed or {})
        rng = self._rng(table.name, offset)
        columns: dict[str, Any] = {name: [value] * count for name, value in fixed.items()}
        primary = keys.primary(table, self.tables)
        parent_rows = self._parents(table, primary, count, columns, rng)
        moments, ranks = self._moments(table, primary, parent_rows, count, rng)
        groups = parent_rows.get(primary.parent, list(range(count))) if primary else list(range(count))
        self._keys(table, columns, moments, offset, rng)
        self._optional_links(table, primary, columns, groups, count, rng)
        rules = table_rules(table)
        rows = [RowInfo(offset + n + 1, moments[n], ranks[n]) for n in range(count)]
        for column in table.columns:
            if column.name in columns or _vector_dim(column):
                continue
            maker = maker_for(table.name, column, rules[column.name], self.values)
            if maker is not None:
                columns[column.name] = [maker(rng, row) for row in rows]
        self._vectors(table, columns, groups if primary else None, count, offset)
        generated = Generated(table, columns, moments, groups)
        if remember:
            self.generated[table.name] = generated
        return generated

    def _parent(self, name: str) -> Generated:
        if name not in self.generated or not self.generated[name].count:
            raise StrataError(f"cannot generate rows: the parent table {name} has no generated rows")
        return self.generated[name]

    def _parents(
        self, table: Table, primary: keys.Link | None, count: int, columns: dict[str, Any], rng: Random
    ) -> dict[str, list[int]]:
        """Fill required FKs (except ones given); returns the parent row index per row, per parent table."""
        chosen: dict[str, list[int]] = {}
        required = [link for link in keys.links(table) if not link.nullable and not link.is_self]
        required.sort(key=lambda link: link is not primary)
        for link in required:
            if all(name in columns for name in link.local):
                continue
            parent = self._parent(link.parent)
            inherited = self._inherited(link, primary, chosen)
            if inherited is not None:
                indexes = inherited
            elif any(table_rules(table)[name].unique for name in link.local):
                if count > parent.count:
                    raise StrataError(f"{table.name}: {count} rows need as many {link.parent} rows (a unique FK)")
                indexes = sorted(rng.sample(range(parent.count), count))
            else:
                indexes = _weighted(rng, count, parent.count)
            chosen[link.parent] = indexes
            for position, name in enumerate(link.local):
                values = parent.columns[link.remote[position]]
                columns[name] = [values[index] for index in indexes]
        return chosen

    def _inherited(self, link: keys.Link, primary: keys.Link | None, chosen: dict[str, list[int]]) -> list[int] | None:
        """When the primary parent refers to the same table, take its row: keeps a row's ancestors consistent."""
        if primary is None or link is primary or primary.parent not in chosen:
            return None
        via = next((x for x in keys.links(self.tables[primary.parent]) if x.parent == link.parent), None)
        if via is None or via.remote != link.remote:
            return None
        above, target = self._parent(primary.parent), self._parent(link.parent)
        found = [target.find(link.remote, above.key(via.local, index)) for index in chosen[primary.parent]]
        return None if any(index is None for index in found) else [int(str(index)) for index in found]

    def _moments(
        self, table: Table, primary: keys.Link | None, parents: dict[str, list[int]], count: int, rng: Random
    ) -> tuple[list[datetime.datetime], list[int]]:
        """Creation times (after every parent's) and each row's rank among its primary parent's rows."""
        if primary is None or primary.parent not in parents:
            moments = sorted(EPOCH + datetime.timedelta(seconds=rng.uniform(0, SPAN_SECONDS)) for _ in range(count))
            return moments, [n + 1 for n in range(count)]
        moments, ranks, previous, rank = [], [], None, 0
        delays = [rng.expovariate(1 / MEAN_CHILD_DELAY) for _ in range(count)]
        for n in range(count):
            start = max(self.generated[name].moments[rows[n]] for name, rows in parents.items())
            group = parents[primary.parent][n]
            rank = rank + 1 if group == previous else 1
            previous = group
            moments.append(start + datetime.timedelta(seconds=delays[n]))
            ranks.append(rank)
        return moments, ranks

    def _keys(
        self, table: Table, columns: dict[str, Any], moments: list[datetime.datetime], offset: int, rng: Random
    ) -> None:
        for column in table.primary_key.columns:
            if column.name in columns:
                continue
            if isinstance(column.type, types.Integer):
                columns[column.name] = [offset + n + 1 for n in range(len(moments))]
            else:
                columns[column.name] = [uuid7_at(moment, rng) for moment in moments]

    def _optional_links(
        self,
        table: Table,
        primary: keys.Link | None,
        columns: dict[str, Any],
        groups: list[int],
        count: int,
        rng: Random,
    ) -> None:
        """Optional FKs: a self-reference points at the group's first row; others at a parent of the same family."""
        rules = table_rules(table)
        for link in keys.links(table):
            if all(name in columns for name in link.local) or not (link.nullable or link.is_self):
                continue
            source: dict[str, Any] | None = None
            picks: list[int | None] = [None] * count
            if link.is_self:
                source, picks = columns, self._self_links(groups, count, link.nullable, rng)
            elif link.parent in self.generated:
                parent = self.generated[link.parent]
                unique = any(rules[name].unique for name in link.local)
                source = parent.columns
                picks = self._optional_picks(self._family(link, primary, groups, parent), groups, parent, unique, rng)
            for position, name in enumerate(link.local):
                values = source[link.remote[position]] if source is not None else None
                columns[name] = [values[pick] if values is not None and pick is not None else None for pick in picks]

    @staticmethod
    def _optional_picks(
        pools: dict[int, list[int]], groups: list[int], parent: Generated, unique: bool, rng: Random
    ) -> list[int | None]:
        """Per row, a parent row from its group's pool (or any), LINK_SHARE of the time; each once if unique."""
        taken: set[int] = set()
        picks: list[int | None] = []
        for group in groups:
            pool: Sequence[int] = pools.get(group, range(parent.count))
            if unique:
                pool = [index for index in pool if index not in taken]
            pick = rng.choice(pool) if pool and rng.random() < LINK_SHARE else None
            if pick is not None and unique:
                taken.add(pick)
            picks.append(pick)
        return picks

    def _family(
        self, link: keys.Link, primary: keys.Link | None, groups: list[int], parent: Generated
    ) -> dict[int, list[int]]:
        """Candidate rows of an optional parent, per primary group: those hanging off the same primary parent."""
        if primary is None or primary.parent not in self.generated:
            return {}
        via = next((x for x in keys.links(parent.table) if x.parent == primary.parent), None)
        if via is None:
            return {}
        above = self.generated[primary.parent]
        pools: dict[int, list[int]] = {group: [] for group in set(groups)}
        for index in range(parent.count):
            owner = above.find(via.remote, parent.key(via.local, index))
            if owner is not None and owner in pools:
                pools[owner].append(index)
        return pools

    @staticmethod
    def _self_links(groups: list[int], count: int, nullable: bool, rng: Random) -> list[int | None]:
        picks: list[int | None] = []
        first: dict[int, int] = {}
        for n in range(count):
            head = first.setdefault(groups[n], n)
            if head == n:
                picks.append(None if nullable else n)
            else:
                picks.append(head if rng.random() < LINK_SHARE or not nullable else None)
        return picks

    def _vectors(
        self, table: Table, columns: dict[str, Any], labels: list[int] | None, count: int, offset: int
    ) -> None:
        for column in table.columns:
            dim = _vector_dim(column)
            if not dim or column.name in columns:
                continue
            shape = self.vectors.get(f"{table.name}.{column.name}", VectorShape())
            seed = [self.seed, zlib.crc32(f"{table.name}.{column.name}".encode()), offset]
            columns[column.name] = clustered(
                count, dim, clusters=shape.clusters, spread=shape.spread, seed=seed, labels=labels
            )
