"""Alembic environment for Course Supporter: a sync env on psycopg 3, run by strata."""

from course_supporter.app import APP
from course_supporter.storage.orm import Base
from strata.migrations import run_migrations

run_migrations(APP, Base.metadata)
