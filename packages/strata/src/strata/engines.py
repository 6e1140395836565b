"""Sync and async engines from one URL, with short connect timeouts.

The async half of SQLAlchemy is imported only when an async engine is made:
a sync migration or a CLI command should not pay for it at start-up.
"""

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL

from strata.connect import CONNECT_TIMEOUT_SECONDS
from strata.urls import with_driver

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


def connect_args(driver: str) -> dict[str, Any]:
    """Driver-specific arguments that make a dead server fail fast."""
    if driver.endswith("asyncpg"):
        return {"timeout": CONNECT_TIMEOUT_SECONDS}
    return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}


def sync_engine(url: URL, **options: Any) -> Engine:
    return create_engine(with_driver(url, "psycopg"), connect_args=connect_args("psycopg"), **options)


def async_engine(url: URL, **options: Any) -> "AsyncEngine":
    from sqlalchemy.ext.asyncio import create_async_engine

    return create_async_engine(url, connect_args=connect_args(url.drivername), **options)
