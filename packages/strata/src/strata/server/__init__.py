"""The PostgreSQL server strata falls back to when no URL is configured.

`Server` is the small interface the rest of strata uses, so the embedded
backend can be swapped (for a system server, a container, a cloud branch)
without touching the CLI, the migration runner or the test plugin.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import URL

from strata.server.embedded import EmbeddedServer


class Server(Protocol):
    """What strata needs from a server it manages."""

    def ensure_running(self) -> None: ...
    def is_running(self) -> bool: ...
    def stop(self) -> bool: ...
    def url(self, database: str) -> URL: ...
    def describe(self) -> dict[str, str]: ...
    def discard(self) -> None: ...


def dev_server(home: Path | None = None) -> EmbeddedServer:
    """The developer's embedded server, with its data under `.strata/`."""
    from strata.server.paths import strata_home

    return EmbeddedServer(home or strata_home())


def throwaway_server(directory: Path, *, durable: bool = False, settings: dict[str, str] | None = None) -> Server:
    """A server of its own in `directory`, for a test session or a benchmark; `discard()` removes it.

    Not durable by default (fsync off, small buffers): what it holds is rebuilt on the next run.
    """
    return EmbeddedServer(directory, durable=durable, settings=settings)


@contextmanager
def running(server: Server) -> Iterator[URL]:
    """Start `server` and yield its maintenance URL; it is stopped and removed afterwards."""
    server.ensure_running()
    try:
        yield server.url("postgres")
    finally:
        server.discard()


__all__ = ["EmbeddedServer", "Server", "dev_server", "running", "throwaway_server"]
