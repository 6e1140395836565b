"""`strata bench`: each data layer's speed, measured side by side against the naive way and the physical limit.

Benchmarks register in the `strata.benchmarks` entry-point group, so an app
contributes the ones that need its tables; strata ships the generic ones.
"""

from strata.bench.harness import BenchContext, Result, Stats, measure

__all__ = ["BenchContext", "Result", "Stats", "measure"]
