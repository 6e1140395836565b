"""The engine lifecycle, the ON DELETE rules, rejections and API keys, on a real database."""

from collections.abc import AsyncIterator

import pytest
from codestory.api_keys import create_api_key, verify_api_key
from codestory.models import APIKey, Repository, Story, StoryChapter, StoryIntent, User
from codestory.models import database as db
from sqlalchemy import delete, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.factories import amake


@pytest.fixture
async def configured(strata_fresh_url: URL, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[URL]:
    monkeypatch.setenv("CODESTORY_DATABASE_URL", strata_fresh_url.render_as_string(hide_password=False))
    await db.close_db()
    yield strata_fresh_url
    await db.close_db()


async def test_init_db_twice_gives_one_asyncpg_engine(configured: URL) -> None:
    first = await db.init_db()
    second = await db.init_db()
    assert first is second
    assert first.url.drivername == "postgresql+asyncpg"


async def test_close_db_without_init_and_twice_is_safe(configured: URL) -> None:
    await db.close_db()
    await db.close_db()
    engine = await db.init_db()
    await db.close_db()
    assert await db.init_db() is not engine  # a fresh engine after closing


async def test_get_session_yields_a_working_session_that_keeps_objects_after_commit(configured: URL) -> None:
    await db.init_db()
    async for session in db.get_session():
        user = User(email="s@example.org")
        session.add(user)
        await session.commit()
        assert user.email == "s@example.org"  # expire_on_commit=False: no reload needed
        assert (await session.scalar(select(func.count()).select_from(User))) == 1


async def _world(session: AsyncSession, email: str) -> tuple[User, Repository, StoryIntent, Story]:
    user = User(email=email)
    repository = Repository(user=user, github_url="https://github.com/x/y", owner="x", name="y")
    intent = StoryIntent(user=user, repository=repository, intent_category="deep-dive")
    story = Story(user=user, repository=repository, intent=intent, title="t", style="documentary", status="completed")
    story.chapters = [StoryChapter(order=1, title="one", script="...")]
    session.add(user)
    await create_api_key(session, user)
    await session.flush()
    return user, repository, intent, story


async def _count(session: AsyncSession, model: type) -> int:
    return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


ALL = (User, APIKey, Repository, StoryIntent, Story, StoryChapter)


async def test_deleting_a_user_removes_everything_the_user_owns(strata_async_session: AsyncSession) -> None:
    doomed, *_ = await _world(strata_async_session, "doomed@example.org")
    await _world(strata_async_session, "kept@example.org")
    await strata_async_session.execute(delete(User).where(User.id == doomed.id))
    strata_async_session.expunge_all()
    assert [await _count(strata_async_session, m) for m in ALL] == [1] * len(ALL)


async def test_deleting_an_intent_keeps_the_finished_story(strata_async_session: AsyncSession) -> None:
    _user, _repo, intent, story = await _world(strata_async_session, "i@example.org")
    await strata_async_session.execute(delete(StoryIntent).where(StoryIntent.id == intent.id))
    strata_async_session.expunge_all()
    kept = await strata_async_session.get(Story, story.id)
    assert kept is not None
    assert kept.status == "completed"
    assert kept.intent_id is None
    assert await _count(strata_async_session, StoryChapter) == 1


async def test_deleting_a_repository_removes_its_stories_and_intents(
    strata_async_session: AsyncSession,
) -> None:
    _user, repository, *_ = await _world(strata_async_session, "r@example.org")
    await strata_async_session.execute(delete(Repository).where(Repository.id == repository.id))
    counts = [await _count(strata_async_session, m) for m in (User, Repository, StoryIntent, Story, StoryChapter)]
    assert counts == [1, 0, 0, 0, 0]


async def test_a_duplicate_email_is_rejected(strata_async_session: AsyncSession) -> None:
    strata_async_session.add(User(email="dup@example.org"))
    await strata_async_session.flush()
    with pytest.raises(IntegrityError, match="ix_users_email"):
        async with strata_async_session.begin_nested():
            strata_async_session.add(User(email="dup@example.org"))


async def test_a_duplicate_key_hash_is_rejected(strata_async_session: AsyncSession) -> None:
    user, *_ = await _world(strata_async_session, "k@example.org")
    existing = (await strata_async_session.scalars(select(APIKey))).one()
    with pytest.raises(IntegrityError, match="ix_api_keys_key_hash"):
        async with strata_async_session.begin_nested():
            strata_async_session.add(APIKey(user_id=user.id, key_prefix="cs_x", key_hash=existing.key_hash))


async def test_a_story_for_a_missing_repository_is_rejected(strata_async_session: AsyncSession) -> None:
    user = await amake(strata_async_session, User)
    from strata.orm import uuid7

    with pytest.raises(IntegrityError, match="fk_stories_repository_id_repositories"):
        async with strata_async_session.begin_nested():
            strata_async_session.add(Story(user_id=user.id, repository_id=uuid7(), title="t", style="s"))


async def test_an_api_key_is_shown_once_stored_hashed_and_verified(
    strata_async_session: AsyncSession,
) -> None:
    user = User(email="key@example.org")
    strata_async_session.add(user)
    key, plaintext = await create_api_key(strata_async_session, user)
    assert plaintext.startswith("cs_")
    assert plaintext not in (key.key_hash, key.key_prefix)
    assert len(key.key_hash) == 64
    assert key.key_prefix == plaintext[:12]  # the documented 12-character lookup prefix
    assert key.rate_limit == 60  # the column's default, the same as a key made without the API

    assert await verify_api_key(strata_async_session, plaintext) is key
    assert await verify_api_key(strata_async_session, plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert await verify_api_key(strata_async_session, "cs_not-a-key") is None

    key.is_active = False
    await strata_async_session.flush()
    assert await verify_api_key(strata_async_session, plaintext) is None
