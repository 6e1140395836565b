"""libpq's TLS parameters work on both drivers, against a TLS-only PgBouncer with a certificate made here."""

from pathlib import Path

import pytest
from sqlalchemy import pool, text
from sqlalchemy.engine import URL
from strata.connection.factory import async_engine
from strata.connection.urls import Driver
from strata.errors import StrataError
from strata.testing.pgbouncer import PgBouncer, make_certificates
from strata.testing.system import system_binary


async def _database_via(url: URL, driver: Driver) -> str:
    engine = async_engine(url, driver=driver, poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            return str(await conn.scalar(text("SELECT current_database()")))
    finally:
        await engine.dispose()


def _url(bouncer: PgBouncer, database: URL, **query: str) -> URL:
    return bouncer.url(str(database.database), marked=False, **query)


@pytest.mark.parametrize(
    "query",
    [
        {"sslmode": "require"},
        {"sslmode": "verify-ca", "sslrootcert": "CA"},
        {"sslmode": "verify-full", "sslrootcert": "CA"},
        {"sslmode": "require", "sslrootcert": "CA", "sslcert": "CERT", "sslkey": "KEY"},
    ],
    ids=["require", "verify-ca", "verify-full", "client-certificate"],
)
async def test_tls_urls_connect_on_both_drivers(
    strata_pgbouncer_tls: PgBouncer, strata_fresh_url: URL, strata_driver: Driver, query: dict[str, str]
) -> None:
    tls = strata_pgbouncer_tls.tls
    assert tls is not None
    files = {"CA": str(tls.ca), "CERT": str(tls.cert), "KEY": str(tls.key)}
    url = _url(strata_pgbouncer_tls, strata_fresh_url, **{k: files.get(v, v) for k, v in query.items()})
    assert await _database_via(url, strata_driver) == strata_fresh_url.database


async def test_a_certificate_from_another_ca_is_rejected_on_both_drivers(
    strata_pgbouncer_tls: PgBouncer, strata_fresh_url: URL, strata_driver: Driver, tmp_path: Path
) -> None:
    other = make_certificates(system_binary("openssl"), tmp_path / "other")
    url = _url(strata_pgbouncer_tls, strata_fresh_url, sslmode="verify-full", sslrootcert=str(other.ca))
    with pytest.raises(Exception, match=r"(?i)certificate verify failed"):
        await _database_via(url, strata_driver)


async def test_sslmode_disable_is_refused_by_a_tls_only_server_on_both_drivers(
    strata_pgbouncer_tls: PgBouncer, strata_fresh_url: URL, strata_driver: Driver
) -> None:
    url = _url(strata_pgbouncer_tls, strata_fresh_url, sslmode="disable")
    with pytest.raises(Exception, match=r"(?i)ssl required|ssl.*requir"):
        await _database_via(url, strata_driver)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"sslmode": "sometimes"}, "sslmode='sometimes' in the database URL is not one of disable, allow, prefer"),
        ({"sslmode": "verify-full"}, "sslmode=verify-full needs sslrootcert=<CA file>"),
        ({"sslmode": "require", "sslrootcert": "/no/ca.crt"}, "sslrootcert=/no/ca.crt does not exist"),
    ],
)
def test_bad_tls_parameters_are_one_line_errors_for_asyncpg(query: dict[str, str], message: str) -> None:
    url = URL.create("postgresql", host="db.example.com", database="app", query=query)
    with pytest.raises(StrataError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        async_engine(url, driver="asyncpg")
