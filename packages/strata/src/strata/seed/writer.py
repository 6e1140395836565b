"""Generated rows into their table through binary COPY (`strata.copy`), in chunks a progress bar can follow."""

from collections.abc import Callable

from sqlalchemy import Connection

from strata import copy
from strata.seed.encode import field_lists
from strata.seed.generate import Generated

CHUNK_ROWS = 5_000


def write(connection: Connection, generated: Generated, advance: Callable[[int], None] | None = None) -> int:
    """COPY every generated row of one table inside the connection's transaction; returns the row count."""
    columns = [column for column in generated.table.columns if column.name in generated.columns]
    names = [column.name for column in columns]
    for start in range(0, generated.count, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, generated.count)
        chunk = {name: generated.columns[name][start:stop] for name in names}
        fields = field_lists(columns, chunk)
        copy.copy_binary(connection, generated.table.name, names, copy.payload(zip(*fields, strict=True)))
        if advance is not None:
            advance(stop - start)
    return generated.count
