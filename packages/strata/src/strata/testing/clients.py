"""Many concurrent clients through an app's own session dependency, counting what fails.

The failures a transaction pooler causes (a prepared statement missing or
already existing on a shared server connection) show up only under
concurrency, so tests and benchmarks drive the FastAPI dependency the way a
busy service does: N clients, each running M short transactions.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from strata.apps import App

SessionDependency = Callable[[], AsyncIterator[AsyncSession]]
Work = Callable[[AsyncSession], Awaitable[object]]


async def run_clients(
    dependency: SessionDependency, work: Work, *, clients: int = 8, transactions: int = 30
) -> list[str]:
    """Run `work` in `clients` x `transactions` sessions; return one line per failed transaction."""
    failures: list[str] = []

    async def client() -> None:
        for _ in range(transactions):
            try:
                async for session in dependency():
                    await work(session)
                    await session.commit()
            except Exception as error:  # counted, not hidden: the caller asserts there are none
                failures.append(f"{type(error).__name__}: {str(error).strip().splitlines()[0]}")

    await asyncio.gather(*(client() for _ in range(clients)))
    return failures


async def run_clients_at(
    app: App,
    url: URL,
    *,
    setenv: Callable[[str, str], None],
    reset: Callable[[], Awaitable[None]],
    dependency: SessionDependency,
    work: Work,
    clients: int = 8,
    transactions: int = 30,
) -> list[str]:
    """Point `app` at `url` through its `<APP>_DATABASE_URL`, then `run_clients` through its own dependency.

    `reset` disposes of the app's engine (before, so it is rebuilt from the new
    URL, and after); `setenv` is pytest's `monkeypatch.setenv`, so the variable
    is restored after the test.
    """
    setenv(f"{app.env_prefix}DATABASE_URL", url.render_as_string(hide_password=False))
    await reset()
    try:
        return await run_clients(dependency, work, clients=clients, transactions=transactions)
    finally:
        await reset()
