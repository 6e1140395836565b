"""After `strata seed`, the demo user's documented API key works."""

from codestory.api_keys import verify_api_key
from codestory.app import APP
from codestory.models import User
from codestory.seed import DEMO_API_KEY, DEMO_EMAIL
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.connection.factory import async_engine
from strata.connection.urls import with_driver
from strata.seed import seed_app


async def test_the_demo_api_key_verifies_as_the_demo_user(strata_fresh_url: URL) -> None:
    seed_app(APP, strata_fresh_url, scale=0.2)
    engine = async_engine(with_driver(strata_fresh_url, "asyncpg"))
    try:
        async with AsyncSession(engine) as session:
            key = await verify_api_key(session, DEMO_API_KEY)
            assert key is not None
            user = await session.get_one(User, key.user_id)
            assert user.email == DEMO_EMAIL
            assert await verify_api_key(session, DEMO_API_KEY + "x") is None
    finally:
        await engine.dispose()
