"""Realistic rows for any schema, from one generator: `strata seed`, test factories, check and bench data."""

from strata.seed.generate import Generated, Generator
from strata.seed.run import SeedContext, SeedReport, reflect, seed_app
from strata.seed.textlike import text_like
from strata.seed.values import RowInfo, ValueMaker
from strata.seed.vectors import VectorShape, clustered
from strata.seed.writer import RowInserter, write

__all__ = [
    "Generated",
    "Generator",
    "RowInfo",
    "RowInserter",
    "SeedContext",
    "SeedReport",
    "ValueMaker",
    "VectorShape",
    "clustered",
    "reflect",
    "seed_app",
    "text_like",
    "write",
]
