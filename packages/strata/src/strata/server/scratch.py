"""Throw-away databases on the developer's embedded server, for work that must start empty.

`strata check` and `strata docs` each migrate a fresh database and drop it
afterwards, so they never touch an app's own data.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import URL

from strata.server import Server, dev_server
from strata.server.admin import drop_database, ensure_database


@contextmanager
def scratch_database(purpose: str, server: Server | None = None) -> Iterator[URL]:
    """A new empty database named after `purpose` on `server` (the embedded one by default), dropped afterwards."""
    server = server or dev_server()
    server.ensure_running()
    url = server.url(f"strata_{purpose}_{secrets.token_hex(3)}"[:63])
    ensure_database(url)
    try:
        yield url
    finally:
        drop_database(url)
