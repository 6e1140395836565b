"""Migrations and sessions as a NOSUPERUSER owner of its database, as managed providers give.

The role is entered with libpq's `options=-crole=...`, which works on both
drivers and needs no second login path on the test server: every privilege
check then runs against the owner role, which is not a superuser.
"""

from collections.abc import Iterator

import pytest
from psycopg import sql
from sqlalchemy import pool, text
from sqlalchemy.engine import URL
from strata import App, alembic_api
from strata.admin import maintenance
from strata.connect import connect
from strata.connection.factory import async_engine
from strata.errors import StrataError
from strata.introspect import summary
from strata.urls import Driver

OWNER = "strata_owner_test"


@pytest.fixture
def owner_database(strata_empty_url: URL) -> Iterator[URL]:
    """An empty database owned by a NOSUPERUSER role; yields the URL that acts as that role."""
    name = sql.Identifier(str(strata_empty_url.database))
    with maintenance(strata_empty_url) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {OWNER}")
        conn.execute(f"CREATE ROLE {OWNER} NOSUPERUSER NOCREATEDB NOCREATEROLE")
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO " + OWNER).format(name))
    with connect(strata_empty_url, autocommit=True) as conn:
        conn.execute(f"ALTER SCHEMA public OWNER TO {OWNER}")
    yield strata_empty_url.update_query_dict({"options": f"-crole={OWNER}"})
    with maintenance(strata_empty_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(f"DROP ROLE IF EXISTS {OWNER}")


async def _who(url: URL, driver: Driver) -> tuple[str, bool, int]:
    engine = async_engine(url, driver=driver, poolclass=pool.NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO notes (id, body, mood) VALUES (gen_random_uuid(), 'owned', 'calm')"))
            who = (
                "SELECT current_user, rolsuper, (SELECT count(*) FROM notes) FROM pg_roles WHERE rolname = current_user"
            )
            row = (await conn.execute(text(who))).one()
            return str(row[0]), bool(row[1]), int(row[2])
    finally:
        await engine.dispose()


async def test_migrations_and_sessions_work_as_a_nosuperuser_owner_once_an_admin_created_vector(
    owner_database: URL, strata_empty_url: URL, strata_app: App, strata_driver: Driver
) -> None:
    with connect(strata_empty_url, autocommit=True) as admin:
        admin.execute("CREATE EXTENSION vector")
    alembic_api.upgrade(strata_app, owner_database)
    assert summary(strata_empty_url).revision == ",".join(alembic_api.heads(strata_app))
    assert await _who(owner_database, strata_driver) == (OWNER, False, 1)


def test_a_missing_extension_the_owner_cannot_create_is_one_line_naming_what_to_ask_for(
    owner_database: URL, strata_app: App
) -> None:
    with pytest.raises(StrataError) as caught:
        alembic_api.upgrade(strata_app, owner_database)
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith(
        f"; ask an administrator to run CREATE EXTENSION vector in database '{owner_database.database}' "
        "(the owner role needs no superuser once it exists)"
    )
