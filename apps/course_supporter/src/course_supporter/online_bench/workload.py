"""N clients using Course Supporter through its own session dependency, every request timed.

The mix is what a course site does: lesson pages most, semantic search
sometimes, and the content pipeline adding concepts and re-embedding old
ones. Every request is one transaction through `get_session`, as a FastAPI
handler runs it, made of the queries in `course_supporter.storage.queries`;
they name their columns, so they run unchanged before and after revision 0003.
"""

import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from random import Random

from sqlalchemy.ext.asyncio import AsyncSession

from course_supporter.storage.database import get_session
from course_supporter.storage.queries import add_concept, lesson_outline, reembed_concept, similar_concepts

THINK_SECONDS = 0.1  # a client's pause between requests: 8 clients make about 60 requests a second
MIX = (("lesson page", 55), ("similar concepts", 15), ("add concept", 15), ("re-embed concept", 15))
# Requests that touch a few rows by key and take milliseconds on their own: any longer is time spent waiting
# (for a lock, or for a core). A kNN search scans every concept until the HNSW index exists, so its latency is
# mostly its own work, and grows with the CPU an index build takes away.
BY_KEY = frozenset({"lesson page", "add concept", "re-embed concept"})


@dataclass(frozen=True)
class Sample:
    started: float  # time.perf_counter() when the request began
    seconds: float
    kind: str
    error: str | None


@dataclass(frozen=True)
class Targets:
    """Rows the requests pick from: lessons, concepts and query vectors taken from the data set."""

    lessons: Sequence[uuid.UUID]
    concepts: Sequence[uuid.UUID]
    vectors: Sequence[list[float]]


@dataclass(frozen=True)
class PhaseStats:
    """Latency of one phase's requests; `max_by_key` leaves out the kNN scans (see `BY_KEY`)."""

    requests: int
    errors: int
    p50: float
    p99: float
    max: float
    slowest: str
    max_by_key: float

    @classmethod
    def of(cls, samples: Sequence[Sample]) -> "PhaseStats":
        if not samples:
            return cls(0, 0, 0.0, 0.0, 0.0, "-", 0.0)
        times = sorted(s.seconds for s in samples)
        p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]
        slowest = max(samples, key=lambda s: s.seconds)
        by_key = [s.seconds for s in samples if s.kind in BY_KEY]
        errors = sum(s.error is not None for s in samples)
        return cls(
            len(samples), errors, statistics.median(times), p99, times[-1], slowest.kind, max(by_key, default=0.0)
        )


@dataclass
class Workload:
    targets: Targets
    clients: int = 8
    samples: list[Sample] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        """Run the clients until `stop()`."""
        await asyncio.gather(*(self._client(Random(n)) for n in range(self.clients)))  # noqa: S311 - a request mix

    def stop(self) -> None:
        self._stop.set()

    def between(self, start: float, end: float) -> list[Sample]:
        return [s for s in self.samples if start <= s.started < end]

    def errors(self) -> list[str]:
        return [f"{s.kind}: {s.error}" for s in self.samples if s.error is not None]

    async def _client(self, rng: Random) -> None:
        kinds = [kind for kind, _ in MIX]
        weights = [weight for _, weight in MIX]
        while not self._stop.is_set():
            kind = rng.choices(kinds, weights)[0]
            request = self._request(kind, rng)
            started = time.perf_counter()
            error = None
            try:
                async for session in get_session():
                    await request(session)
                    await session.commit()
            except Exception as failure:  # counted and reported: the error count is the result
                error = f"{type(failure).__name__}: {str(failure).strip().splitlines()[0]}"
            self.samples.append(Sample(started, time.perf_counter() - started, kind, error))
            await asyncio.sleep(THINK_SECONDS)  # pacing, as a user reading a page does; not synchronisation

    def _request(self, kind: str, rng: Random) -> Callable[[AsyncSession], Awaitable[object]]:
        targets = self.targets
        lesson, concept, vector = rng.choice(targets.lessons), rng.choice(targets.concepts), rng.choice(targets.vectors)
        if kind == "lesson page":
            return lambda session: lesson_outline(session, lesson)
        if kind == "similar concepts":
            return lambda session: similar_concepts(session, vector)
        if kind == "add concept":
            return lambda session: add_concept(session, lesson, "New concept", "Extracted while serving", vector)
        return lambda session: reembed_concept(session, concept, vector)
