"""Clones made ahead of need: each test still gets a fresh database equal to the template, and none is left behind."""

import itertools
import secrets
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy.engine import URL
from strata.connection.connect import connect
from strata.server.admin import maintenance
from strata.testing.pool import ClonePool
from strata.testing.templates import Cloner

SCHEMA = """
SELECT table_name, column_name, data_type FROM information_schema.columns
WHERE table_schema = 'public' ORDER BY table_name, column_name
"""


@pytest.fixture
def prefix() -> str:
    return f"strata_pooltest_{secrets.token_hex(3)}"


@pytest.fixture
def new_name(prefix: str) -> Callable[[], str]:
    numbers = itertools.count()
    return lambda: f"{prefix}_{next(numbers)}"


@pytest.fixture
def pool(strata_server: URL, strata_template: str, new_name: Callable[[], str]) -> Iterator[ClonePool]:
    clones = ClonePool(strata_server, strata_template, new_name, size=2)
    yield clones
    clones.close()  # a second close, after a test's own, finds nothing left to do


def _databases_named(server: URL, prefix: str) -> set[str]:
    with maintenance(server) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{prefix}%",)).fetchall()
    return {str(name) for (name,) in rows}


def _schema_and_rows(url: URL) -> tuple[list[tuple[object, ...]], int, object]:
    with connect(url) as conn:
        schema = conn.execute(SCHEMA).fetchall()
        notes = conn.execute("SELECT count(*) FROM notes").fetchone()
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert notes is not None
    assert version is not None
    return schema, int(str(notes[0])), version[0]


def test_each_clone_is_new_and_equal_to_the_template(
    strata_server: URL, strata_template: str, pool: ClonePool, prefix: str
) -> None:
    reference = Cloner(strata_server)
    expected = _schema_and_rows(reference.clone(strata_template, f"{prefix}_reference"))
    reference.drop(f"{prefix}_reference")
    reference.close()
    assert expected[1] == 0
    assert expected[0]

    seen = set()
    for _ in range(4):  # more than the pool holds: refills must be fresh too
        url = pool.take()
        assert url.database not in seen
        seen.add(url.database)
        assert _schema_and_rows(url) == expected
        with connect(url) as conn:
            conn.execute("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'dirty', 'calm')")
            conn.commit()
        pool.give_back(url)


def test_clones_are_ready_before_they_are_asked_for(strata_server: URL, pool: ClonePool, prefix: str) -> None:
    taken = pool.take()
    pool.wait_until_full()
    waiting = _databases_named(strata_server, prefix) - {taken.database}
    assert len(waiting) == 2
    assert pool.take().database in waiting


def test_close_drops_used_and_ready_clones_even_with_a_session_open(
    strata_server: URL, pool: ClonePool, prefix: str
) -> None:
    url = pool.take()
    leaked = connect(url)  # a test that forgot to close its connection
    try:
        pool.give_back(url)
        pool.close()
        assert _databases_named(strata_server, prefix) == set()
    finally:
        leaked.close()


def test_a_failure_on_the_pool_thread_is_raised_where_a_clone_is_asked_for(
    strata_server: URL, new_name: Callable[[], str], prefix: str
) -> None:
    pool = ClonePool(strata_server, f"{prefix}_no_such_template", new_name)
    with pytest.raises(psycopg.errors.InvalidCatalogName):
        pool.take()
    with pytest.raises(psycopg.errors.InvalidCatalogName):
        pool.close()
    assert _databases_named(strata_server, prefix) == set()
