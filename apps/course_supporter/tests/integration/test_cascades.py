"""Deleting a Course removes everything under it, in the database itself."""

from course_supporter.storage.orm import (
    Concept,
    Course,
    Exercise,
    Lesson,
    LLMCall,
    Module,
    SlideVideoMapping,
    SourceMaterial,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

CHILDREN = (SourceMaterial, SlideVideoMapping, Module, Lesson, Concept, Exercise)


def _course_tree(title: str) -> Course:
    lesson = Lesson(
        title="L1",
        order=1,
        concepts=[Concept(title="C", definition="d", embedding=[0.5] * 1536)],
        exercises=[Exercise(description="E", difficulty_level=2)],
    )
    return Course(
        title=title,
        modules=[Module(title="M1", order=1, lessons=[lesson])],
        source_materials=[SourceMaterial(source_type="video", source_url="https://example.org/v")],
        slide_video_mappings=[SlideVideoMapping(slide_number=1, video_timecode="00:01:00")],
    )


async def _count(session: AsyncSession, model: type) -> int:
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_deleting_a_course_cascades_to_every_child_table(strata_async_session: AsyncSession) -> None:
    doomed, kept = _course_tree("doomed"), _course_tree("kept")
    strata_async_session.add_all([doomed, kept, LLMCall(task_type="t", provider="p", model_id="m")])
    await strata_async_session.flush()
    assert [await _count(strata_async_session, m) for m in CHILDREN] == [2] * len(CHILDREN)

    # A bulk DELETE bypasses the ORM's own cascade: only ON DELETE CASCADE can remove the children.
    from sqlalchemy import delete

    await strata_async_session.execute(delete(Course).where(Course.id == doomed.id))
    strata_async_session.expunge_all()

    assert [await _count(strata_async_session, m) for m in CHILDREN] == [1] * len(CHILDREN)
    assert await _count(strata_async_session, LLMCall) == 1


async def test_new_rows_get_time_ordered_uuid7_keys(strata_async_session: AsyncSession) -> None:
    courses = [Course(title=str(n)) for n in range(3)]
    strata_async_session.add_all(courses)
    await strata_async_session.flush()
    ids = [course.id for course in courses]
    assert all(course_id.version == 7 for course_id in ids)
    assert ids == sorted(ids)
