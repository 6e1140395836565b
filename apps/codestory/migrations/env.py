"""Alembic environment for Code Story: an async env on asyncpg, run by strata."""

from codestory.app import APP
from codestory.models import Base
from strata.migrations import run_migrations

run_migrations(APP, Base.metadata)
