from strata.migrations import run_migrations
from tiny_models import APP, Base

run_migrations(APP, Base.metadata)
