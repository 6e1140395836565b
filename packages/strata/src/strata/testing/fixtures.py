"""Session-wide PgBouncer fixtures, registered by the strata pytest plugin.

One plain and one TLS-only PgBouncer per test session (per xdist worker), in
front of the session's server: starting one costs little, but tests share it.
Where PgBouncer or openssl is missing, tests using them skip locally and fail
in CI (`strata.testing.system`).
"""

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import URL

from strata.testing.pgbouncer import PgBouncer, make_certificates
from strata.testing.system import system_binary


@pytest.fixture(scope="session")
def strata_pgbouncer(strata_server: URL, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgBouncer]:
    """PgBouncer in transaction mode in front of the session's server."""
    binary = system_binary("pgbouncer")
    with PgBouncer(binary, strata_server, tmp_path_factory.mktemp("pgbouncer")) as bouncer:
        yield bouncer


@pytest.fixture(scope="session")
def strata_pgbouncer_tls(strata_server: URL, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgBouncer]:
    """A PgBouncer that accepts TLS clients only, with a certificate made for this session."""
    binary = system_binary("pgbouncer")
    openssl = system_binary("openssl")
    directory = tmp_path_factory.mktemp("pgbouncer-tls")
    certificates = make_certificates(openssl, directory)
    with PgBouncer(binary, strata_server, directory, tls=certificates) as bouncer:
        yield bouncer
