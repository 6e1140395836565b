"""Migrations and sessions as a NOSUPERUSER owner of its database, as managed providers give.

The owner logs in with its own password over TCP (the `password_server`
fixture), so every privilege check runs against a role that is not a superuser.
"""

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import pool, text
from sqlalchemy.engine import URL
from strata import App
from strata.catalog.contents import summary
from strata.connection.connect import connect
from strata.connection.factory import async_engine
from strata.connection.urls import Driver
from strata.errors import StrataError
from strata.migrations import alembic_api


@pytest.fixture
def owner_database(password_server: URL) -> Iterator[URL]:
    """An empty database owned by a new NOSUPERUSER role; yields the URL that logs in as that role."""
    role = f"owner_{uuid.uuid4().hex[:8]}"
    with connect(password_server.set(database="postgres"), autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'owner-pw'")
        admin.execute(f"CREATE DATABASE {role} OWNER {role}")
    yield password_server.set(username=role, password="owner-pw", database=role)
    with connect(password_server.set(database="postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {role} WITH (FORCE)")
        admin.execute(f"DROP ROLE IF EXISTS {role}")


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
    owner_database: URL, password_server: URL, strata_app: App, strata_driver: Driver
) -> None:
    with connect(password_server.set(database=owner_database.database), autocommit=True) as admin:
        admin.execute("CREATE EXTENSION vector")
    alembic_api.upgrade(strata_app, owner_database)
    assert summary(owner_database).revision == ",".join(alembic_api.heads(strata_app))
    assert await _who(owner_database, strata_driver) == (owner_database.username, False, 1)


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
