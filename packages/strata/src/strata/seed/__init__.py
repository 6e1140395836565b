"""Realistic rows for any schema, from one generator: `strata seed`, test factories, check and bench data."""

from strata.seed.generate import Generated, Generator
from strata.seed.run import SeedContext, SeedReport, seed_app
from strata.seed.values import RowInfo, ValueMaker
from strata.seed.vectors import VectorShape, clustered

__all__ = [
    "Generated",
    "Generator",
    "RowInfo",
    "SeedContext",
    "SeedReport",
    "ValueMaker",
    "VectorShape",
    "clustered",
    "seed_app",
]
