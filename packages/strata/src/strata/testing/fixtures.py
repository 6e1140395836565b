"""Session-wide PgBouncer fixtures, registered by the strata pytest plugin.

One plain and one TLS-only PgBouncer per test session (per xdist worker), in
front of the session's server: starting one costs little, but tests share it.
Their folders come from `scratch_server_dir`, which PgBouncer can reach when it
runs as the server's user (tests run as root). Where PgBouncer or openssl is
missing, tests using them skip locally and fail in CI (`strata.testing.system`).
"""

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import URL

from strata.server.process import scratch_server_dir
from strata.testing.pgbouncer import PgBouncer, make_certificates
from strata.testing.system import system_binary


@pytest.fixture(scope="session")
def strata_pgbouncer(strata_server: URL) -> Iterator[PgBouncer]:
    """PgBouncer in transaction mode in front of the session's server."""
    binary = system_binary("pgbouncer")
    with scratch_server_dir("pgbouncer-") as directory, PgBouncer(binary, strata_server, directory) as bouncer:
        yield bouncer


@pytest.fixture(scope="session")
def strata_pgbouncer_tls(strata_server: URL) -> Iterator[PgBouncer]:
    """A PgBouncer that accepts TLS clients only, with a certificate made for this session."""
    binary = system_binary("pgbouncer")
    openssl = system_binary("openssl")
    with scratch_server_dir("pgbouncer-tls-") as directory:
        certificates = make_certificates(openssl, directory)
        with PgBouncer(binary, strata_server, directory, tls=certificates) as bouncer:
            yield bouncer
