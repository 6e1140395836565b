"""Alembic environment for NarraForge: an async env, its URL from narraforge.core.config, run by strata."""

from narraforge.app import APP
from narraforge.models.schema import Base
from strata.migrations import run_migrations

run_migrations(APP, Base.metadata)
