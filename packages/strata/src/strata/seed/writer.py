"""Generated rows into their table through binary COPY (`strata.connection.copy`), in chunks a bar can follow."""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, Table, insert

from strata.connection import copy
from strata.seed.encode import field_lists
from strata.seed.generate import Generated, Generator

CHUNK_ROWS = 5_000


def payloads(generated: Generated) -> Iterator[tuple[list[str], bytes, int]]:
    """The table's COPY column names, and its rows encoded in chunks: (columns, payload, rows in it)."""
    columns = [column for column in generated.table.columns if column.name in generated.columns]
    names = [column.name for column in columns]
    for start in range(0, generated.count, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, generated.count)
        fields = field_lists(columns, {name: generated.columns[name][start:stop] for name in names})
        yield names, copy.payload(zip(*fields, strict=True)), stop - start


def write(connection: Connection, generated: Generated, advance: Callable[[int], None] | None = None) -> int:
    """COPY every generated row of one table inside the connection's transaction; returns the row count."""
    for names, data, rows in payloads(generated):
        copy.copy_binary(connection, generated.table.name, names, data)
        if advance is not None:
            advance(rows)
    return generated.count


class RowInserter:
    """Generated rows one at a time, by INSERT … RETURNING: for the few rows a check or a seed hook needs.

    Server defaults fill what the generator leaves out, and the row comes back as stored.
    """

    def __init__(self, connection: Connection, generator: Generator, rows: dict[str, int] | None = None):
        self.connection = connection
        self.generator = generator
        self.rows = rows if rows is not None else {}  # rows per table so far: numbers new rows after them

    def insert(self, table: Table, fixed: Mapping[str, Any] | None = None) -> dict[str, Any]:
        offset = self.rows.get(table.name, 0)
        row = self.generator.generate(table, 1, offset=offset, fixed=fixed, remember=False).rows()[0]
        stored = self.connection.execute(insert(table).values(row).returning(*table.columns)).one()
        self.rows[table.name] = offset + 1
        return dict(stored._mapping)
