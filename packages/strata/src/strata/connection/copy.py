"""PostgreSQL binary COPY, encoded in bulk instead of row by row.

`COPY … FROM STDIN (FORMAT BINARY)` is the fastest way into a table, but
feeding it one Python `write_row` at a time spends most of the time in the
per-value dumpers. Here a payload is built from pre-encoded fields (vectors
for a whole matrix at once with numpy) and written in one call, through
psycopg or asyncpg alike.
"""

import io
import struct
import uuid
from collections.abc import AsyncIterable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
UUID_OID = 2950
_INT16 = struct.Struct(">h")
_INT32 = struct.Struct(">i")
_NULL = _INT32.pack(-1)

Field = bytes | None


def text(value: str) -> bytes:
    return value.encode()


def uuid_(value: uuid.UUID) -> bytes:
    return value.bytes


def int4(value: int) -> bytes:
    return _INT32.pack(value)


def uuid_array(values: Sequence[uuid.UUID]) -> bytes:
    """A one-dimensional uuid[] in PostgreSQL's binary array format."""
    if not values:
        return struct.pack(">iii", 0, 0, UUID_OID)
    head = struct.pack(">iiiii", 1, 0, UUID_OID, len(values), 1)
    return head + b"".join(_INT32.pack(16) + value.bytes for value in values)


def vectors(matrix: Any, kind: str = "vector") -> list[bytes]:  # matrix: numpy ArrayLike
    """Each row of a 2-D array as a pgvector `vector` (float4) or `halfvec` (float2) in binary (needs numpy)."""
    import numpy as np

    array = np.asarray(matrix, dtype=">f2" if kind == "halfvec" else ">f4")
    rows, dim = array.shape
    prefix = struct.pack(">hh", dim, 0)
    body = array.tobytes()
    width = array.itemsize * dim
    return [prefix + body[i * width : (i + 1) * width] for i in range(rows)]


def payload(rows: Iterable[Sequence[Field]]) -> bytes:
    """The whole COPY stream for rows of already-encoded fields (None for NULL)."""
    return HEADER + body(rows) + TRAILER


def body(rows: Iterable[Sequence[Field]]) -> bytes:
    """Rows of a COPY stream without its header and trailer: one piece of a stream sent in parts."""
    parts = []
    for row in rows:
        parts.append(_INT16.pack(len(row)))
        for field in row:
            if field is None:
                parts.append(_NULL)
            else:
                parts.append(_INT32.pack(len(field)))
                parts.append(field)
    return b"".join(parts)


def _statement(table: str, columns: Sequence[str]) -> str:
    names = ", ".join(f'"{column}"' for column in columns)
    return f'COPY "{table}" ({names}) FROM STDIN (FORMAT BINARY)'


def copy_binary(connection: Connection, table: str, columns: Sequence[str], data: bytes) -> None:
    """Run the COPY on a psycopg connection, inside its current transaction."""
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(_statement(table, columns)) as copy:
        copy.write(data)


async def copy_binary_async(connection: AsyncConnection, table: str, columns: Sequence[str], data: bytes) -> None:
    """Run the COPY on a psycopg or asyncpg connection, inside its current transaction."""
    raw: Any = (await connection.get_raw_connection()).driver_connection
    if hasattr(raw, "copy_to_table"):  # asyncpg
        await raw.copy_to_table(table, source=io.BytesIO(data), columns=list(columns), format="binary")
        return
    async with raw.cursor() as cursor, cursor.copy(_statement(table, columns)) as copy:
        await copy.write(data)


async def copy_binary_stream_async(
    connection: AsyncConnection, table: str, columns: Sequence[str], parts: AsyncIterable[bytes]
) -> None:
    """The COPY of a stream sent part by part, so the client can encode the next part while the server stores one.

    `parts` joined must be a whole stream (HEADER first, TRAILER last).
    """
    raw: Any = (await connection.get_raw_connection()).driver_connection
    if hasattr(raw, "copy_to_table"):  # asyncpg
        await raw.copy_to_table(table, source=parts, columns=list(columns), format="binary")
        return
    async with raw.cursor() as cursor, cursor.copy(_statement(table, columns)) as copy:
        async for part in parts:
            await copy.write(part)
