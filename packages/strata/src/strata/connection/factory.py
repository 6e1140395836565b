"""Engines from a URL, a driver and a purpose: the one place that decides how to connect.

- runtime / read: the app's own driver; pooler-safe when the URL is marked
  pooled (`?pgbouncer=true` or `<APP>_DATABASE_POOLER=transaction`).
- migrations: always pooler-safe, because a migration is short and rare and
  may be pointed at a pooler by mistake; a URL *marked* pooled is refused,
  since DDL and the migration lock belong on a direct connection.

Pooler-safe means no named prepared statement outlives its transaction:
psycopg never prepares (`prepare_threshold=None`); asyncpg keeps no statement
cache and names each statement uniquely (SQLAlchemy's documented recipe), so
two clients sharing a server connection never collide. The async half of
SQLAlchemy is imported only when an async engine is made.
"""

from typing import TYPE_CHECKING, Any, Literal
from uuid import uuid4

from sqlalchemy import Engine, create_engine, pool
from sqlalchemy.engine import URL

from strata.connection import tls
from strata.connection.connect import CONNECT_TIMEOUT_SECONDS
from strata.connection.params import for_driver, is_pooled, query_value, without
from strata.connection.urls import Driver, with_driver
from strata.errors import StrataError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from strata.apps import App

Purpose = Literal["runtime", "migrations", "read"]


def pooler_safe(url: URL, purpose: Purpose) -> bool:
    return purpose == "migrations" or is_pooled(url)


def psycopg_args(url: URL, purpose: Purpose) -> dict[str, Any]:
    """psycopg's arguments; libpq itself reads the URL's TLS parameters."""
    args: dict[str, Any] = {}
    if query_value(url, "connect_timeout") is None:
        args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    if pooler_safe(url, purpose):
        args["prepare_threshold"] = None
    return args


def asyncpg_args(url: URL, purpose: Purpose) -> tuple[URL, dict[str, Any]]:
    """asyncpg's arguments for the URL, and the URL without what asyncpg would reject."""
    stripped, args = tls.for_asyncpg(for_driver(url))
    timeout = query_value(url, "connect_timeout")
    args["timeout"] = float(timeout) if timeout else CONNECT_TIMEOUT_SECONDS
    settings = _server_settings(url)
    if settings:
        args["server_settings"] = settings
    if pooler_safe(url, purpose):
        args["statement_cache_size"] = 0
        args["prepared_statement_cache_size"] = 0
        args["prepared_statement_name_func"] = _unique_statement_name
    return without(stripped, "connect_timeout", "application_name", "options"), args


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid4()}__"


def _server_settings(url: URL) -> dict[str, str]:
    """libpq's `application_name` and `options=-c name=value`, as asyncpg's server_settings."""
    settings: dict[str, str] = {}
    name = query_value(url, "application_name")
    if name:
        settings["application_name"] = name
    options = (query_value(url, "options") or "").replace("-c ", "-c")
    for part in options.split():
        key, sep, value = part.removeprefix("-c").partition("=")
        if not part.startswith("-c") or not sep:
            raise StrataError(f"options={options!r} in the database URL: only '-c name=value' settings are supported")
        settings[key] = value
    return settings


def _pool_options(url: URL, purpose: Purpose, options: dict[str, Any]) -> dict[str, Any]:
    """Behind a pooler a client pool stays small and checks its connections: the pooler may close them."""
    if purpose == "migrations":
        return {"poolclass": pool.NullPool, **options}
    if is_pooled(url) and options.get("poolclass") is not pool.NullPool:
        return {"pool_pre_ping": True, "pool_recycle": 300, **options}
    return options


def sync_engine(url: URL, *, purpose: Purpose = "runtime", **options: Any) -> Engine:
    """A psycopg engine (the only sync driver strata supports)."""
    args = psycopg_args(url, purpose)
    return create_engine(
        with_driver(for_driver(url), "psycopg"), connect_args=args, **_pool_options(url, purpose, options)
    )


def async_engine(
    url: URL, *, driver: Driver | None = None, purpose: Purpose = "runtime", **options: Any
) -> "AsyncEngine":
    """An async engine on `driver` (default: the one the URL names, else psycopg)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    chosen: Driver = driver or ("asyncpg" if url.drivername.endswith("asyncpg") else "psycopg")
    if chosen == "asyncpg":
        target, args = asyncpg_args(url, purpose)
    else:
        target, args = for_driver(url), psycopg_args(url, purpose)
    return create_async_engine(with_driver(target, chosen), connect_args=args, **_pool_options(url, purpose, options))


def app_async_engine(app: "App", url: URL, purpose: Purpose = "runtime", **options: Any) -> "AsyncEngine":
    """The app's async engine for `purpose`, on the app's own driver."""
    if purpose == "migrations":
        refuse_pooled_for_migrations(app, url)
    return async_engine(url, driver=app.driver, purpose=purpose, **options)


def migration_engine(app: "App", url: URL) -> "Engine | AsyncEngine":
    """What the app's migrations run on: async on its own driver if its env.py is async, else psycopg."""
    refuse_pooled_for_migrations(app, url)
    if app.async_migrations:
        return async_engine(url, driver=app.driver, purpose="migrations")
    return sync_engine(url, purpose="migrations")


def refuse_pooled_for_migrations(app: "App", url: URL) -> None:
    if is_pooled(url):
        raise StrataError(
            f"{app.name}: migrations need a direct connection, but the only database URL is a pooled one; "
            f"set {app.env_prefix}DIRECT_DATABASE_URL (or DIRECT_DATABASE_URL) to the server itself"
        )
