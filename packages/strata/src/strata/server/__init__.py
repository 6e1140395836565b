"""The PostgreSQL server strata falls back to when no URL is configured.

`Server` is the small interface the rest of strata uses, so the embedded
backend can be swapped (for a system server, a container, a cloud branch)
without touching the CLI, the migration runner or the test plugin.
"""

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


def dev_server(home: Path | None = None) -> EmbeddedServer:
    """The developer's embedded server, with its data under `.strata/`."""
    from strata.server.paths import strata_home

    return EmbeddedServer(home or strata_home())


__all__ = ["EmbeddedServer", "Server", "dev_server"]
