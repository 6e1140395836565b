"""The database itself rejects bad rows, and a deleted profile takes everything with it."""

import uuid

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strata.orm import uuid7
from study_assistant.models import (
    Chat,
    ChatType,
    ChunkType,
    Document,
    DocumentChunk,
    Message,
    Profile,
    StudySession,
    Topic,
)

EVERY_TABLE = (Profile, StudySession, Document, Topic, Chat, Message, DocumentChunk)


async def _profile_tree(session: AsyncSession, email: str) -> Profile:
    profile = Profile(email=email, password_hash="argon2id$...")
    study = StudySession(id=uuid7(), profile=profile, title="Graphs")
    topic = Topic(session=study, title="BFS", order_index=1, subtopics=["queues", "levels"])
    document = Document(session=study, file_name="g.pdf", file_path="/f/g.pdf")
    section = DocumentChunk(
        document=document, session_id=study.id, chunk_text="S", type=ChunkType.SECTION, embedding=[0.1] * 768
    )
    paragraph = DocumentChunk(
        document=document,
        session_id=study.id,
        parent=section,
        chunk_text="P",
        type=ChunkType.PARAGRAPH,
        related_topic_ids=[topic.id],
    )
    general = Chat(session=study, type=ChatType.GENERAL, messages=[Message(role="user", content="hi")])
    topical = Chat(session=study, type=ChatType.TOPIC, topic=topic, messages=[Message(role="assistant", content="ok")])
    session.add_all([profile, study, topic, document, section, paragraph, general, topical])
    await session.flush()
    return profile


async def _counts(session: AsyncSession) -> list[int]:
    return [(await session.execute(select(func.count()).select_from(m))).scalar_one() for m in EVERY_TABLE]


async def test_deleting_a_profile_cascades_through_everything(strata_async_session: AsyncSession) -> None:
    doomed = await _profile_tree(strata_async_session, "doomed@example.org")
    await _profile_tree(strata_async_session, "kept@example.org")
    assert await _counts(strata_async_session) == [2, 2, 2, 2, 4, 4, 4]

    await strata_async_session.execute(delete(Profile).where(Profile.id == doomed.id))
    strata_async_session.expunge_all()
    assert await _counts(strata_async_session) == [1, 1, 1, 1, 2, 2, 2]


async def test_deleting_a_parent_chunk_removes_its_children(strata_async_session: AsyncSession) -> None:
    await _profile_tree(strata_async_session, "tree@example.org")
    await strata_async_session.execute(delete(DocumentChunk).where(DocumentChunk.type == ChunkType.SECTION))
    remaining = (await strata_async_session.execute(select(func.count()).select_from(DocumentChunk))).scalar_one()
    assert remaining == 0


async def _rejected(session: AsyncSession, statement: str, params: dict[str, object]) -> str:
    with pytest.raises(DBAPIError) as caught:
        async with session.begin_nested():
            await session.execute(text(statement), params)
    return str(caught.value.orig)


async def test_a_second_chat_for_the_same_topic_is_rejected(strata_async_session: AsyncSession) -> None:
    profile = await _profile_tree(strata_async_session, "dup@example.org")
    study = (
        await strata_async_session.scalars(select(StudySession).where(StudySession.profile_id == profile.id))
    ).one()
    topic = (await strata_async_session.scalars(select(Topic).where(Topic.session_id == study.id))).one()
    with pytest.raises(IntegrityError, match="uq_chats_topic_id"):
        async with strata_async_session.begin_nested():
            strata_async_session.add(Chat(session_id=study.id, type=ChatType.TOPIC, topic_id=topic.id))


async def test_a_duplicate_email_is_rejected(strata_async_session: AsyncSession) -> None:
    await _profile_tree(strata_async_session, "same@example.org")
    with pytest.raises(IntegrityError, match="uq_profiles_email"):
        async with strata_async_session.begin_nested():
            strata_async_session.add(Profile(email="same@example.org", password_hash="x"))


async def test_a_message_with_an_unknown_role_is_rejected(strata_async_session: AsyncSession) -> None:
    await _profile_tree(strata_async_session, "role@example.org")
    chat_id = (await strata_async_session.scalars(select(Chat.id).limit(1))).one()
    error = await _rejected(
        strata_async_session,
        "INSERT INTO messages (id, chat_id, role, content) VALUES (:id, :chat, 'robot', 'x')",
        {"id": uuid.uuid4(), "chat": chat_id},
    )
    assert "ck_messages_role_valid" in error


async def test_an_embedding_of_the_wrong_dimension_is_rejected(strata_async_session: AsyncSession) -> None:
    profile = await _profile_tree(strata_async_session, "dim@example.org")
    document = (await strata_async_session.scalars(select(Document).limit(1))).one()
    with pytest.raises(DBAPIError, match="expected 768 dimensions, not 3"):
        async with strata_async_session.begin_nested():
            strata_async_session.add(
                DocumentChunk(
                    document_id=document.id,
                    session_id=document.session_id,
                    chunk_text="short",
                    type=ChunkType.PARAGRAPH,
                    embedding=[1.0, 2.0, 3.0],
                )
            )
    assert profile.id


async def test_a_status_outside_the_enum_is_rejected(strata_async_session: AsyncSession) -> None:
    profile = await _profile_tree(strata_async_session, "enum@example.org")
    error = await _rejected(
        strata_async_session,
        "INSERT INTO study_sessions (id, profile_id, title, status) "
        "VALUES (:id, :profile, 't', CAST(:status AS session_status))",
        {"id": uuid.uuid4(), "profile": profile.id, "status": "PAUSED"},
    )
    assert 'invalid input value for enum session_status: "PAUSED"' in error
