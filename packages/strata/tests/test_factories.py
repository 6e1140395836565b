"""`strata.testing.factories`: a row of any model with the parents it needs, in the test's session."""

import math

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from strata.testing.factories import amake, make
from tiny_models import Note, Tag


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_make_creates_the_required_parent_in_the_same_session(strata_session: Session) -> None:
    tag = make(strata_session, Tag)
    assert _count(strata_session, Note) == 1
    note = strata_session.get_one(Note, tag.note_id)
    assert note.body
    assert note.mood in {"calm", "busy"}
    assert note.embedding is not None
    assert len(note.embedding) == 3
    assert math.isclose(math.sqrt(sum(x * x for x in note.embedding)), 1.0, rel_tol=1e-5)


def test_given_parents_and_values_are_used_as_they_are(strata_session: Session) -> None:
    note = make(strata_session, Note, body="kept")
    first = make(strata_session, Tag, note=note)
    second = make(strata_session, Tag, note_id=note.id, label="chosen")
    assert _count(strata_session, Note) == 1
    assert first.note_id == second.note_id == note.id
    assert note.body == "kept"
    assert second.label == "chosen"
    assert first.label != second.label


async def test_amake_returns_a_loaded_row_on_an_async_session(strata_async_session: AsyncSession) -> None:
    tag = await amake(strata_async_session, Tag)
    assert tag.id is not None
    assert tag.note_id is not None  # loaded: reading it needs no IO outside run_sync
    assert await strata_async_session.scalar(select(func.count()).select_from(Note)) == 1
