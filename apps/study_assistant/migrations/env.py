"""Alembic environment for Study Assistant: an async env (psycopg 3), run by strata."""

from strata.migrations import run_migrations
from study_assistant.app import APP
from study_assistant.models import Base

run_migrations(APP, Base.metadata)
