"""50 clients running short transactions: direct against through PgBouncer, and what pooler-safe costs.

Each variant runs the same transaction (read a row by key, update it,
commit) from 50 concurrent clients of one async engine, on both drivers:

- direct: the app's engine straight to the server, prepared statements on;
- direct, pooler-safe: the same with the settings a `?pgbouncer=true` URL
  gets (no prepared statements kept), the price of making them the default;
- PgBouncer: a real PgBouncer in transaction mode (20 server connections)
  with a `?pgbouncer=true` URL.

The figures decide whether pooler-safe should be the default (README, "Deploying").
"""

import asyncio
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from strata.bench.harness import BenchContext, Result
from strata.connection.connect import connect
from strata.connection.factory import async_engine
from strata.connection.params import mark_pooled
from strata.connection.urls import DRIVERS, Driver
from strata.testing.clients import run_clients
from strata.testing.pgbouncer import PgBouncer

CLIENTS = 50
ACCOUNTS = 1000
_SYSTEM_DIRS = "/usr/sbin:/sbin:/usr/local/sbin"


def pooled(ctx: BenchContext) -> Result:
    transactions = ctx.size(20, 100)
    repeat = ctx.size(1, 3)
    result = Result(
        "pooled",
        "50 concurrent clients, short transactions: direct against PgBouncer (transaction mode)",
        {"clients": CLIENTS, "transactions per client": transactions, "repeat": repeat},
    )
    binary = shutil.which("pgbouncer") or shutil.which("pgbouncer", path=_SYSTEM_DIRS)
    if binary is None:
        result.notes.append("not run: pgbouncer is not installed (apt-get install pgbouncer)")
        return result
    url = ctx.database("pooled")
    with connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)")
        conn.execute(f"INSERT INTO accounts SELECT n, 0 FROM generate_series(1, {ACCOUNTS}) n")
    with (
        tempfile.TemporaryDirectory(prefix="strata-bench-pgbouncer-") as directory,
        PgBouncer(binary, ctx.server, Path(directory)) as bouncer,
    ):
        through = bouncer.url(str(url.database))
        variants = {"direct": url, "direct, pooler-safe": mark_pooled(url), "PgBouncer": through}
        for driver in DRIVERS:
            for variant, target in variants.items():
                rate = max(asyncio.run(_rate(target, driver, transactions)) for _ in range(repeat))
                result.rows.append({"driver": driver, "variant": variant, "tx/s": round(rate)})
    _compare(result)
    return result


async def _rate(url: URL, driver: Driver, transactions: int) -> float:
    """Transactions per second over all clients; a failed transaction fails the benchmark."""
    engine = async_engine(url, driver=driver, pool_size=CLIENTS, max_overflow=0)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    counter = iter(range(10**9))

    async def work(session: AsyncSession) -> None:
        key = next(counter) % ACCOUNTS + 1
        await session.execute(text("SELECT balance FROM accounts WHERE id = :id"), {"id": key})
        await session.execute(text("UPDATE accounts SET balance = balance + 1 WHERE id = :id"), {"id": key})

    async def dependency() -> AsyncIterator[AsyncSession]:
        async with sessions() as session:
            yield session

    try:
        await run_clients(dependency, work, clients=CLIENTS, transactions=1)  # open the pool's connections
        started = time.perf_counter()
        failures = await run_clients(dependency, work, clients=CLIENTS, transactions=transactions)
        elapsed = time.perf_counter() - started
    finally:
        await engine.dispose()
    if failures:
        raise RuntimeError(f"{len(failures)} transaction(s) failed, first: {failures[0]}")
    return CLIENTS * transactions / elapsed


def _compare(result: Result) -> None:
    for driver in DRIVERS:
        rates = {row["variant"]: row["tx/s"] for row in result.rows if row["driver"] == driver}
        direct = rates["direct"] or 1
        result.notes.append(
            f"{driver}: pooler-safe on a direct connection runs at {rates['direct, pooler-safe'] / direct:.0%} "
            f"of direct; through PgBouncer at {rates['PgBouncer'] / direct:.0%}"
        )
