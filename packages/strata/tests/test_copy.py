"""Binary COPY writes exactly the values it was given, through each driver."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import numpy as np
import pytest
from sqlalchemy import pool, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection
from strata.connection import copy
from strata.connection.factory import async_engine, sync_engine
from strata.connection.urls import with_driver

TABLE = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE "copied items" (id uuid, n int, label text, refs uuid[], v vector(3), h halfvec(2), note text)
"""
COLUMNS = ["id", "n", "label", "refs", "v", "h", "note"]
# vectors as text: exact, no client adapter; an array's lower bound, which clients drop when reading it
READ = ["id", "n", "label", "refs", "array_lower(refs, 1)", "v::text", "h::text", "note"]
IDS = [uuid.UUID(int=1), uuid.UUID(int=2 << 100)]
MATRIX = [[0.5, -1.25, 3.0], [1e-3, 2.0, -7.5]]
HALVES = [[1.5, -2.0], [0.25, 64.0]]


def _payload() -> bytes:
    vectors = copy.vectors(np.array(MATRIX))
    halves = copy.vectors(np.array(HALVES), "halfvec")
    return copy.payload(
        [
            [copy.uuid_(IDS[0]), copy.int4(-7), copy.text("één"), copy.uuid_array(IDS), vectors[0], halves[0], None],
            [copy.uuid_(IDS[1]), copy.int4(2**31 - 1), copy.text(""), copy.uuid_array([]), vectors[1], halves[1], None],
        ]
    )


EXPECTED = [
    (IDS[0], -7, "één", IDS, 1, "[0.5,-1.25,3]", "[1.5,-2]", None),
    (IDS[1], 2**31 - 1, "", [], None, "[0.001,2,-7.5]", "[0.25,64]", None),
]


def _stored(url: URL) -> list[tuple[object, ...]]:
    engine = sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(f'SELECT {", ".join(READ)} FROM "copied items" ORDER BY n'))
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


@pytest.fixture
def copy_target(strata_empty_url: URL) -> URL:
    engine = sync_engine(strata_empty_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(text(TABLE))
    engine.dispose()
    return strata_empty_url


def test_copy_binary_writes_every_type_and_null(copy_target: URL) -> None:
    engine = sync_engine(copy_target, poolclass=pool.NullPool)
    with engine.begin() as conn:
        copy.copy_binary(conn, "copied items", COLUMNS, _payload())
    engine.dispose()
    assert _stored(copy_target) == EXPECTED


async def _in_one_piece(conn: AsyncConnection) -> None:
    await copy.copy_binary_async(conn, "copied items", COLUMNS, _payload())


async def _in_parts(conn: AsyncConnection) -> None:
    whole = _payload()
    cut = len(copy.HEADER) + 20

    async def parts() -> AsyncIterator[bytes]:
        for part in (whole[:cut], whole[cut:]):
            yield part

    await copy.copy_binary_stream_async(conn, "copied items", COLUMNS, parts())


@pytest.mark.parametrize("write", [_in_one_piece, _in_parts])
@pytest.mark.parametrize("driver", ["psycopg", "asyncpg"])
def test_copy_binary_async_writes_the_same_through_either_driver(
    copy_target: URL, driver: str, write: Callable[[AsyncConnection], Awaitable[None]]
) -> None:
    async def run() -> None:
        engine = async_engine(with_driver(copy_target, driver), poolclass=pool.NullPool)  # type: ignore[arg-type]
        async with engine.begin() as conn:
            await write(conn)
        await engine.dispose()

    asyncio.run(run())
    assert _stored(copy_target) == EXPECTED
