"""Benchmarks are found through the `strata.benchmarks` entry-point group."""

from collections.abc import Callable
from importlib.metadata import entry_points

from strata.bench.harness import BenchContext, Result
from strata.errors import StrataError

GROUP = "strata.benchmarks"
Benchmark = Callable[[BenchContext], Result]


def discover() -> dict[str, Benchmark]:
    found = {entry.name: entry.load() for entry in entry_points(group=GROUP)}
    return dict(sorted(found.items(), key=lambda item: ORDER.index(item[0]) if item[0] in ORDER else len(ORDER)))


ORDER = ["load", "knn", "cascade", "keys", "testdb", "pooled", "seed", "filtered", "exact", "online"]


def select(only: list[str] | None) -> dict[str, Benchmark]:
    found = discover()
    if not only:
        return found
    unknown = [name for name in only if name not in found]
    if unknown:
        raise StrataError(f"unknown benchmark {', '.join(unknown)}; available: {', '.join(found)}")
    return {name: found[name] for name in only}
