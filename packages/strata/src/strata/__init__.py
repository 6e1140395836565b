"""Strata: a PostgreSQL + pgvector data layer you can trust.

The public surface is small on purpose: an app declares itself with `App`,
reads its URL through `AppSettings`, talks to the database through `Database`,
and hands its metadata to `strata.migrations.run_migrations` from `env.py`.
"""

from typing import TYPE_CHECKING, Any

from strata.apps import App
from strata.connection.settings import AppSettings
from strata.errors import StrataError

if TYPE_CHECKING:
    from strata.connection.database import Database

__all__ = ["App", "AppSettings", "Database", "StrataError"]


def __getattr__(name: str) -> Any:
    # Database pulls in SQLAlchemy's asyncio layer; migrations and the CLI do without it.
    if name == "Database":
        from strata.connection.database import Database

        return Database
    raise AttributeError(f"module 'strata' has no attribute {name!r}")
