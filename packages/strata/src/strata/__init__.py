"""Strata: a PostgreSQL + pgvector data layer you can trust.

The public surface is small on purpose: an app declares itself with `App`,
reads its URL through `AppSettings`, talks to the database through `Database`,
and hands its metadata to `strata.migrations.run_migrations` from `env.py`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from strata.apps import App
    from strata.connection.database import Database
    from strata.connection.settings import AppSettings
    from strata.errors import StrataError

__all__ = ["App", "AppSettings", "Database", "StrataError"]

# Resolved on first use: every `strata` process imports this package, and these pull in
# SQLAlchemy, pydantic and (for Database) SQLAlchemy's asyncio layer, which `strata --help` never needs.
_HOMES = {
    "App": "strata.apps",
    "AppSettings": "strata.connection.settings",
    "Database": "strata.connection.database",
    "StrataError": "strata.errors",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'strata' has no attribute {name!r}")
