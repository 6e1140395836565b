"""Clones of a template made ahead of need, so a test's database is ready when it asks.

A clone costs a CREATE DATABASE (tens of milliseconds); a test run makes one per
test. A `ClonePool` keeps a few clones ready and drops used ones on a thread of
its own, over its own connection, while tests run: the test only takes a name
off a queue. Every clone is made fresh from the template and used once, so each
test still starts from exactly the migrated template. A failure on the thread is
raised in the test that next asks for a clone, and at close.
"""

import threading
from collections import deque
from collections.abc import Callable

from sqlalchemy.engine import URL

from strata.testing.templates import Cloner

# A test takes one clone per template and the pool refills while it runs, so two ready
# clones leave a spare; `strata bench --only testdb` measures the pool at this size.
DEFAULT_SIZE = 2


class ClonePool:
    """Keeps `size` clones of `template` ready on `server`; names come from `new_name`."""

    def __init__(self, server: URL, template: str, new_name: Callable[[], str], size: int = DEFAULT_SIZE):
        self.server = server
        self.template = template
        self.size = size
        self._new_name = new_name
        self._changed = threading.Condition()
        self._ready: deque[str] = deque()
        self._used: deque[str] = deque()
        self._closing = False
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=f"clone-pool-{template}", daemon=True)
        self._thread.start()

    def take(self) -> URL:
        """A fresh clone for the caller alone; waits only if none is ready yet."""
        with self._changed:
            self._changed.wait_for(lambda: bool(self._ready) or self._failure is not None)
            self._raise_failure()
            name = self._ready.popleft()
            self._changed.notify_all()
        return self.server.set(database=name)

    def give_back(self, url: URL) -> None:
        """The caller is done with this clone: it is dropped in the background."""
        with self._changed:
            self._used.append(str(url.database))
            self._changed.notify_all()

    def wait_until_full(self) -> None:
        """Block until every used clone is dropped and `size` are ready (benchmarks and tests use it)."""
        with self._changed:
            self._changed.wait_for(self._full_or_failed)
            self._raise_failure()

    def close(self) -> None:
        """Drop the used and the ready clones, stop the thread, and raise any failure it met."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()
        self._raise_failure()

    def _full_or_failed(self) -> bool:
        return (len(self._ready) >= self.size and not self._used) or self._failure is not None

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def _work(self) -> None:
        cloner = Cloner(self.server)
        try:
            while (job := self._next_job()) is not None:
                action, name = job
                if action == "drop":
                    cloner.drop(name)
                else:
                    cloner.clone(self.template, name)
                with self._changed:
                    if action == "clone":
                        self._ready.append(name)
                    self._changed.notify_all()
            for name in self._leftovers():
                cloner.drop(name)
        except BaseException as error:  # handed to the test thread: take() and close() raise it
            with self._changed:
                self._failure = error
                self._changed.notify_all()
        finally:
            cloner.close()

    def _next_job(self) -> tuple[str, str] | None:
        """A clone when none is ready (a test may be waiting), else a drop, else a refill; None once closing."""
        with self._changed:
            self._changed.wait_for(lambda: self._closing or bool(self._used) or len(self._ready) < self.size)
            if self._closing:
                return None
            if self._ready and self._used:
                return "drop", self._used.popleft()
            return "clone", self._new_name()

    def _leftovers(self) -> list[str]:
        with self._changed:
            names = [*self._used, *self._ready]
            self._used.clear()
            self._ready.clear()
        return names
