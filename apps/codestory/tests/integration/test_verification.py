"""Seed 003's "Verification" lines, made real: run against a migrated database, on asyncpg too."""

import codestory.models
from codestory.models import Base, Repository, Story, StoryChapter, StoryIntent, User
from sqlalchemy import Engine, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

SEED_TABLES = {"users", "api_keys", "repositories", "stories", "story_chapters", "story_intents"}
# The seed's field counts, which count every column but the primary key.
SEED_FIELD_COUNTS = {
    "users": 6,
    "api_keys": 7,
    "repositories": 7,
    "stories": 10,
    "story_chapters": 8,
    "story_intents": 10,
}


def test_star_import_exports_every_model() -> None:
    namespace: dict[str, object] = {}
    exec("from codestory.models import *", namespace)  # noqa: S102 - the seed's own check
    exported = {name for name in namespace if not name.startswith("__")}
    mapped = {mapper.class_.__name__ for mapper in Base.registry.mappers}
    assert mapped <= exported
    assert set(codestory.models.__all__) == exported


def test_table_names_are_the_seeds() -> None:
    assert set(Base.metadata.tables) == SEED_TABLES


def test_field_counts_match_the_seed(strata_engine: Engine) -> None:
    with strata_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, count(*) - 1 FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name <> 'alembic_version' GROUP BY 1"
            )
        ).all()
    assert dict(rows) == SEED_FIELD_COUNTS


def test_the_migration_creates_exactly_the_six_tables(strata_engine: Engine) -> None:
    with strata_engine.connect() as conn:
        found = {row[0] for row in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))}
    assert found == SEED_TABLES | {"alembic_version"}


async def test_relationships_navigate_both_ways(strata_async_session: AsyncSession) -> None:
    user = User(email="ada@example.org")
    repository = Repository(user=user, github_url="https://github.com/a/b", owner="a", name="b")
    intent = StoryIntent(user=user, repository=repository, intent_category="onboarding")
    story = Story(user=user, repository=repository, intent=intent, title="How b works", style="podcast")
    story.chapters = [StoryChapter(order=n, title=f"c{n}", script="...") for n in (2, 1)]
    strata_async_session.add(user)
    await strata_async_session.flush()
    strata_async_session.expunge_all()

    loaded = (
        await strata_async_session.scalars(
            select(Story).options(
                selectinload(Story.user).selectinload(User.stories),
                selectinload(Story.repository).selectinload(Repository.intents),
                selectinload(Story.intent).selectinload(StoryIntent.story),
                selectinload(Story.chapters).selectinload(StoryChapter.story),
            )
        )
    ).one()
    assert loaded.user.stories == [loaded]
    assert loaded.repository.intents[0].repository is loaded.repository
    assert loaded.intent is not None
    assert loaded.intent.story is loaded
    assert [c.order for c in loaded.chapters] == [1, 2]
    assert all(c.story is loaded for c in loaded.chapters)

    user_side = (
        await strata_async_session.scalars(
            select(User).options(
                selectinload(User.api_keys), selectinload(User.repositories), selectinload(User.intents)
            )
        )
    ).one()
    assert user_side.repositories[0].user is user_side
    assert user_side.intents[0].user is user_side
