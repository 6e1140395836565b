"""Timing, the bench server and the result model.

Every benchmark runs its variants in one process, on one throw-away embedded
server, repeated; it reports the median and the spread (min to max) so a
ratio is never read from a single lucky run.
"""

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from strata.apps import App
from strata.server import running, throwaway_server
from strata.server.admin import drop_database, ensure_database
from strata.testing import templates

# Enough memory to build an HNSW index of the full knn data set in memory, as pgvector advises.
BENCH_SETTINGS = {"maintenance_work_mem": "'2GB'", "max_parallel_maintenance_workers": "1", "shared_buffers": "'1GB'"}


@dataclass(frozen=True)
class Stats:
    median: float
    low: float
    high: float
    runs: int

    @property
    def spread(self) -> float:
        """(max - min) / median: how much the repeats disagree."""
        return (self.high - self.low) / self.median if self.median else 0.0


def measure(run: Callable[[], Any], *, repeat: int, setup: Callable[[], Any] | None = None) -> Stats:
    """Time `run` `repeat` times (after `setup` each time, untimed)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return Stats(statistics.median(times), min(times), max(times), len(times))


@dataclass
class Result:
    """One benchmark's table: a row per variant, plus notes and raw series (for plots)."""

    name: str
    title: str
    parameters: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    series: dict[str, Any] = field(default_factory=dict)


@dataclass
class BenchContext:
    server: URL
    quick: bool
    created: list[URL] = field(default_factory=list)

    def size(self, quick: int, full: int) -> int:
        return quick if self.quick else full

    def database(self, label: str) -> URL:
        url = self.server.set(database=f"bench_{label}_{len(self.created)}")
        drop_database(url)
        ensure_database(url)
        self.created.append(url)
        return url

    def migrated(self, app: App, label: str) -> URL:
        """A fresh database holding the app's schema at head (a clone of its migrated template)."""
        template, _built = templates.ensure_template(self.server, app)
        name = f"bench_{label}_{len(self.created)}"
        drop_database(self.server.set(database=name))
        url = templates.clone(self.server, template, name)
        self.created.append(url)
        return url

    def cleanup(self) -> None:
        for url in self.created:
            drop_database(url)


@contextmanager
def bench_server() -> Iterator[URL]:
    """A durable embedded server in a temporary directory, stopped and removed afterwards."""
    with (
        tempfile.TemporaryDirectory(prefix="strata-bench-") as directory,
        running(throwaway_server(Path(directory), durable=True, settings=BENCH_SETTINGS)) as url,
    ):
        yield url
