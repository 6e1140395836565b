"""Run an app's migrations: what every `env.py` would otherwise repeat.

    from strata.migrations import run_migrations
    from course_supporter.app import APP
    from course_supporter.storage.orm import Base

    run_migrations(APP, Base.metadata)

Online, it takes the URL from the app's settings (or a connection that strata
passes through `config.attributes["connection"]`, as in Alembic's cookbook),
holds the migration lock, sets lock and statement timeouts, and runs each
revision in its own transaction, so a failure or a kill leaves the database
at the last revision that finished. Offline (`--sql`) it needs no server.
"""

import asyncio
import logging
import math
import sys
import time
from logging.config import fileConfig
from typing import TYPE_CHECKING, Any

from alembic import context
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, MetaData, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

from strata.apps import App
from strata.connection.diagnose import connection_problem
from strata.connection.factory import migration_engine
from strata.connection.resolve import migration_url
from strata.connection.settings import strata_settings
from strata.connection.urls import mask, mask_text
from strata.errors import StrataError
from strata.migrations import autogen
from strata.migrations.lock import migration_lock
from strata.migrations.online import COMMITTED
from strata.migrations.revisions import history_problem

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)
INVOKED_BY_STRATA = "strata.invoked"


def _options(metadata: MetaData) -> dict[str, Any]:
    return {
        "target_metadata": metadata,
        "compare_type": True,
        "compare_server_default": False,
        "render_item": autogen.render_item,
        "process_revision_directives": autogen.process_revision_directives,
        "transaction_per_migration": True,
        "on_version_apply": [_nothing_committed_yet],
    }


def _nothing_committed_yet(**_: Any) -> None:
    """A revision was recorded: the next one starts with nothing committed outside its transaction."""
    context.config.attributes[COMMITTED] = []


def _timeouts() -> list[str]:
    settings = strata_settings()
    return [f"SET lock_timeout = '{settings.lock_timeout}'", f"SET statement_timeout = '{settings.statement_timeout}'"]


def _run_offline(app: App, metadata: MetaData) -> None:
    """Write the SQL instead of running it; the script sets the same timeouts an online run does."""
    context.configure(
        url=URL.create(f"postgresql+{app.driver}"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_options(metadata),
    )
    for statement in _timeouts():
        context.execute(statement)
    with context.begin_transaction():
        context.run_migrations()


LOCK_WAIT = "strata.lock_wait"


def _lock_wait() -> float:
    """Seconds to wait for the migration lock: strata's flag, `-x lock-timeout=N`, or the setting.

    PostgreSQL reads a lock_timeout of 0 as "wait forever", so zero, negative and
    non-finite waits are refused, and a wait under a millisecond becomes one.
    """
    given = context.config.attributes.get(LOCK_WAIT)
    if given is None:
        given = context.get_x_argument(as_dictionary=True).get("lock-timeout")
    if given is None:
        return strata_settings().migration_lock_wait
    try:
        wait = float(given)
    except ValueError:
        wait = math.nan
    if not (math.isfinite(wait) and wait > 0):
        raise StrataError(f"lock-timeout={given!r} is invalid: give a number of seconds greater than 0")
    return max(wait, 0.001)


def _run_on(connection: Connection, app: App, metadata: MetaData, url: URL | None = None) -> None:
    with migration_lock(url or connection.engine.url, app.name, _lock_wait()):
        for statement in _timeouts():
            connection.execute(text(statement))
        # A killed client is noticed within seconds, so its backend does not hold the lock until its statement ends.
        connection.execute(text("SET client_connection_check_interval = '1s'"))
        connection.commit()
        context.configure(connection=connection, **_options(metadata))
        try:
            _run_with_retries()
        except DBAPIError as error:
            raise _failed_revision(error) from error
        except CommandError as error:
            recorded = list(context.get_context().get_current_heads())
            raise history_problem(app, context.script, recorded, error) from None


def _run_with_retries() -> None:
    """Run the pending revisions; one that hit lock_timeout is rolled back and run again, with backoff.

    A lock_timeout means some other session held a conflicting lock for
    longer than the migration may queue traffic behind it; that session is
    usually a short-lived one, so trying again later usually works. Only a
    revision that committed nothing yet is retried: its transaction rolled
    back whole, so running it again is running it once. A revision that
    committed a part outside its transaction (see `online.py`) is not, since
    its next run would repeat that part; `online.create_index` failing on its
    lock first thing is retried, as it dropped the INVALID index it left.
    """
    settings = strata_settings()
    attempt = 0
    while True:
        context.config.attributes[COMMITTED] = []
        try:
            context.run_migrations()
            return
        except DBAPIError as error:
            if _sqlstate(error) != "55P03" or attempt >= settings.lock_retries or _committed_a_part():
                raise
            attempt += 1
            wait = settings.lock_retry_backoff * 2 ** (attempt - 1)
            print(
                f"strata: revision {_revision_in_flight()} hit lock_timeout and was rolled back; "
                f"retry {attempt} of {settings.lock_retries} in {wait:g} s",
                file=sys.stderr,
                flush=True,
            )
            time.sleep(wait)  # a backoff before trying again, not a synchronisation


def _committed_a_part() -> bool:
    return bool(_committed_parts())


def _committed_parts() -> list[str]:
    """What the revision in flight committed outside its transaction, named by `online.py`, in order."""
    return list(context.config.attributes.get(COMMITTED) or [])


def _sqlstate(error: DBAPIError) -> str | None:
    orig = error.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def _failed_revision(error: DBAPIError) -> StrataError:
    """Name the revision that failed, with the database's own reason.

    Each revision runs in its own transaction, so the failed one is rolled back
    and the database stays at the revision before it; a revision that committed
    a part outside its transaction keeps that part, and the message says so.
    """
    reason = mask_text(str(error.orig).strip().splitlines()[0] if error.orig else str(error))
    stays = context.get_context().get_current_revision() or "base"
    if parts := _committed_parts():
        return StrataError(
            f"revision {_revision_in_flight()} failed; the database stays recorded at {stays}, but what it committed "
            f"before failing stays applied ({', '.join(parts)}): {reason}{_hint(error)}"
        )
    return StrataError(
        f"revision {_revision_in_flight()} failed and was rolled back; the database stays at {stays}: "
        f"{reason}{_hint(error)}"
    )


def _revision_in_flight() -> str:
    """The revision being applied (or reverted) when the run stopped: the next one after the recorded one."""
    migration_context = context.get_context()
    current = migration_context.get_current_revision()
    direction = getattr(getattr(migration_context, "_migrations_fn", None), "__name__", "upgrade")
    if direction == "downgrade":
        return current or "?"
    children = [
        script.revision
        for script in context.script.walk_revisions()
        if (current in script._normalized_down_revisions) or (current is None and not script._normalized_down_revisions)
    ]
    return ", ".join(children) or "?"


def _hint(error: DBAPIError) -> str:
    """The fix for failures a user can act on."""
    orig = error.orig
    if _sqlstate(error) == "55P03":
        if _committed_a_part():
            return (
                "; another session holds a lock the migration needs: run it again when that session is idle (it "
                "was not retried, since that would repeat what it committed), or raise STRATA_LOCK_TIMEOUT"
            )
        return (
            "; another session holds a lock the migration needs: retry when it is idle, "
            "or raise STRATA_LOCK_TIMEOUT or STRATA_LOCK_RETRIES"
        )
    if 'permission denied to create extension "vector"' in str(orig):
        return _ask_admin_for_vector(error)
    if 'extension "vector"' in str(orig):
        return "; pgvector >= 0.8 must be installed on the server and created by a superuser (CREATE EXTENSION vector)"
    return ""


def _ask_admin_for_vector(error: DBAPIError) -> str:
    """Managed providers give an owner role, not superuser: an admin creates the extension once."""
    database = context.get_context().connection.engine.url.database  # type: ignore[union-attr]
    return (
        f"; ask an administrator to run CREATE EXTENSION vector in database '{database}' "
        "(the owner role needs no superuser once it exists)"
    )


def _online_url(app: App) -> URL:
    given = context.config.attributes.get("url")
    return given if isinstance(given, URL) else migration_url(app)


def _run_online(app: App, metadata: MetaData) -> None:
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run_on(connection, app, metadata)
        return
    url = _online_url(app)
    log.debug("migrating %s on %s", app.name, mask(url))
    engine = migration_engine(app, url)
    if not isinstance(engine, Engine):
        asyncio.run(_run_async(engine, url, app, metadata))
        return
    try:
        try:
            conn = engine.connect()
        except OperationalError as error:
            raise connection_problem(error, url) from None
        with conn:
            _run_on(conn, app, metadata, url)
    finally:
        engine.dispose()


async def _run_async(engine: "AsyncEngine", url: URL, app: App, metadata: MetaData) -> None:
    try:
        try:
            conn = await engine.connect()
        except (DBAPIError, OSError) as error:  # asyncpg reports a refused handshake as a plain DBAPIError
            raise connection_problem(error, url) from None
        try:
            await conn.run_sync(_run_on, app, metadata, url)
        finally:
            await conn.close()
    finally:
        await engine.dispose()


def run_migrations(app: App, metadata: MetaData) -> None:
    """The body of an app's `env.py`."""
    config = context.config
    invoked_by_strata = bool(config.attributes.get(INVOKED_BY_STRATA))
    ini = config.config_file_name
    if ini and config.file_config.has_section("loggers") and not invoked_by_strata:
        fileConfig(ini, disable_existing_loggers=False)
    try:
        if context.is_offline_mode():
            _run_offline(app, metadata)
        else:
            _run_online(app, metadata)
    except StrataError as error:
        if invoked_by_strata:
            raise
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(error.exit_code) from None
