"""After `strata seed`, the demo session answers retrieval exactly as its module documents."""

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession
from strata.connection.factory import async_engine
from strata.seed import seed_app
from study_assistant.app import APP
from study_assistant.models import Chat, ChatType, Topic
from study_assistant.retrieval import chunks_for_topic, nearest_chunks
from study_assistant.seed import DEMO_SESSION_ID, DEMO_TOPICS, demo_query


async def test_each_demo_topic_finds_its_own_paragraph_first(strata_fresh_url: URL) -> None:
    seed_app(APP, strata_fresh_url, scale=0.2)
    engine = async_engine(strata_fresh_url)
    try:
        async with AsyncSession(engine) as session, session.begin():
            topics = (
                await session.scalars(
                    select(Topic).where(Topic.session_id == DEMO_SESSION_ID).order_by(Topic.order_index)
                )
            ).all()
            assert [topic.title for topic in topics] == list(DEMO_TOPICS)
            for number, topic in enumerate(topics):
                (best, distance), *_ = await nearest_chunks(session, DEMO_SESSION_ID, demo_query(number))
                assert distance < 1e-6
                assert best.related_topic_ids == [topic.id]
                assert [chunk.id for chunk in await chunks_for_topic(session, topic.id)] == [best.id]
            chats = (await session.scalars(select(Chat).where(Chat.session_id == DEMO_SESSION_ID))).all()
            assert sorted(chat.type.value for chat in chats) == ["GENERAL"] + ["TOPIC"] * len(DEMO_TOPICS)
            assert all((chat.type is ChatType.TOPIC) == (chat.topic_id is not None) for chat in chats)
    finally:
        await engine.dispose()
