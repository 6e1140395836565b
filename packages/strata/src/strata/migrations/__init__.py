"""The migration runner every app's `env.py` calls."""

from strata.migrations.runner import run_migrations

__all__ = ["run_migrations"]
