"""Strata: a PostgreSQL + pgvector data layer you can trust.

The public surface is small on purpose: an app declares itself with `App`,
reads its URL through `AppSettings`, talks to the database through `Database`,
and hands its metadata to `strata.migrations.run_migrations` from `env.py`.
"""

from strata.apps import App
from strata.database import Database
from strata.errors import StrataError
from strata.settings import AppSettings

__all__ = ["App", "AppSettings", "Database", "StrataError"]
