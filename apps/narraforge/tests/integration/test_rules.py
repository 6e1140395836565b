"""Cascades, constraints and timestamps, enforced by the database itself."""

import hashlib
import uuid

import pytest
from narraforge.models.schema import Artifact, Character, CostSnapshot, Job, QAReport, Timeline, World
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

CHECKSUM = hashlib.sha256(b"spec").hexdigest()


def _job() -> Job:
    return Job(
        type="novella",
        genre="noir",
        artifacts=[Artifact(type="world_spec", data={"k": 1}, checksum=CHECKSUM)],
        qa_reports=[QAReport(logic_score=0.9, psychology_score=0.8, timeline_score=1.0, passed=True, warnings=["w"])],
        cost_snapshots=[CostSnapshot(stage="world_architect", tokens_used=1200, cost_usd=0.01, model="gpt-4o")],
    )


def _world(name: str) -> World:
    return World(
        name=name,
        checksum=CHECKSUM,
        characters=[Character(name="Ada", trajectory=[{"arc": "rise"}])],
        timelines=[Timeline(nodes=[{"t": 0}])],
    )


async def _count(session: AsyncSession, model: type) -> int:
    return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_deleting_a_job_removes_its_artifacts_reports_and_costs(
    strata_async_session: AsyncSession,
) -> None:
    doomed, kept = _job(), _job()
    strata_async_session.add_all([doomed, kept])
    await strata_async_session.flush()
    await strata_async_session.execute(delete(Job).where(Job.id == doomed.id))
    counts = [await _count(strata_async_session, m) for m in (Job, Artifact, QAReport, CostSnapshot)]
    assert counts == [1, 1, 1, 1]


async def test_deleting_a_world_removes_its_characters_and_timelines(
    strata_async_session: AsyncSession,
) -> None:
    doomed, kept = _world("Doomed"), _world("Kept")
    strata_async_session.add_all([doomed, kept])
    await strata_async_session.flush()
    await strata_async_session.execute(delete(World).where(World.id == doomed.id))
    counts = [await _count(strata_async_session, m) for m in (World, Character, Timeline)]
    assert counts == [1, 1, 1]


async def _rejection(session: AsyncSession, sql: str, **params: object) -> str:
    with pytest.raises(DBAPIError) as caught:
        async with session.begin_nested():
            await session.execute(text(sql), {"id": uuid.uuid4(), **params})
    return str(caught.value.orig)


@pytest.mark.parametrize(
    ("column", "value", "constraint"),
    [("type", "epic", "ck_jobs_type_valid"), ("status", "paused", "ck_jobs_status_valid")],
)
async def test_a_bad_job_type_or_status_is_rejected(
    strata_async_session: AsyncSession, column: str, value: str, constraint: str
) -> None:
    values = {"type": "novel", "status": "queued", column: value}
    error = await _rejection(
        strata_async_session,
        "INSERT INTO jobs (id, type, genre, status) VALUES (:id, :type, 'g', :status)",
        **values,
    )
    assert f'violates check constraint "{constraint}"' in error


@pytest.mark.parametrize("score", ["logic_score", "psychology_score", "timeline_score"])
async def test_a_score_of_1_5_is_rejected(strata_async_session: AsyncSession, score: str) -> None:
    job = _job()
    strata_async_session.add(job)
    await strata_async_session.flush()
    scores = {"logic_score": 0.5, "psychology_score": 0.5, "timeline_score": 0.5, score: 1.5}
    error = await _rejection(
        strata_async_session,
        "INSERT INTO qa_reports (id, job_id, logic_score, psychology_score, timeline_score, passed) "
        "VALUES (:id, :job, :logic_score, :psychology_score, :timeline_score, false)",
        job=job.id,
        **scores,
    )
    assert f'violates check constraint "ck_qa_reports_{score}_range"' in error


@pytest.mark.parametrize("checksum", ["abc", "Z" * 64, CHECKSUM.upper()])
async def test_a_malformed_checksum_is_rejected(strata_async_session: AsyncSession, checksum: str) -> None:
    error = await _rejection(
        strata_async_session,
        "INSERT INTO worlds (id, name, checksum) VALUES (:id, 'w', :checksum)",
        checksum=checksum,
    )
    assert 'violates check constraint "ck_worlds_checksum_sha256"' in error


async def test_a_duplicate_world_name_is_rejected(strata_async_session: AsyncSession) -> None:
    strata_async_session.add(_world("Arda"))
    await strata_async_session.flush()
    with pytest.raises(IntegrityError, match="uq_worlds_name"):
        async with strata_async_session.begin_nested():
            strata_async_session.add(World(name="Arda", checksum=CHECKSUM))


async def test_updated_at_changes_on_update(strata_async_engine: AsyncEngine) -> None:
    sessions = async_sessionmaker(strata_async_engine, expire_on_commit=False)
    async with sessions() as session:
        world = _world("Dune")
        session.add(world)
        await session.commit()
        created, first = world.created_at, world.updated_at

        update_started = await session.scalar(select(func.now()))  # begins the update's transaction
        world.version = 2
        await session.commit()
        await session.refresh(world)
    assert update_started is not None
    assert world.updated_at == update_started
    assert world.updated_at > first
    assert world.created_at == created
