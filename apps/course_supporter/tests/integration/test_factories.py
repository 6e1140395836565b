"""Factories build Course Supporter's parent chain: a lesson needs a module, which needs a course."""

from course_supporter.storage.orm import Concept, Course, Lesson, Module
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strata.testing.factories import amake


async def test_a_lesson_comes_with_its_module_and_course(strata_async_session: AsyncSession) -> None:
    lesson = await amake(strata_async_session, Lesson)
    module = await strata_async_session.get_one(Module, lesson.module_id)
    assert await strata_async_session.get(Course, module.course_id) is not None
    for model in (Course, Module, Lesson):
        assert await strata_async_session.scalar(select(func.count()).select_from(model)) == 1


async def test_a_concept_gets_an_embedding_in_its_column_dimension(strata_async_session: AsyncSession) -> None:
    concept = await amake(strata_async_session, Concept)
    assert concept.embedding is not None
    assert len(concept.embedding) == 1536
