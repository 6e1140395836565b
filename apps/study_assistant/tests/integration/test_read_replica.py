"""get_read_session reads a real streaming replica, and the kNN query runs there on its HNSW index."""

from sqlalchemy import text
from sqlalchemy.engine import URL
from strata.checks.explain import Explain
from strata.connection.connect import connect
from strata.connection.replication import wait_for_replay
from strata.seed import clustered
from strata.testing.replica import assert_reads_on_replica_and_writes_on_primary
from study_assistant import database
from study_assistant.bulk import NewChunk, bulk_load_chunks
from study_assistant.database import get_read_session, get_session
from study_assistant.models import Document, Profile, StudySession
from study_assistant.retrieval import nearest_chunks, nearest_chunks_query, use_hnsw_settings

CHUNKS = 8_000  # the planner prefers an exact scan up to about 7,000 rows at the default ef_search (test_retrieval.py)
HNSW_INDEX = "ix_document_chunks_embedding_hnsw"


async def test_get_read_session_reads_the_replica_and_get_session_writes_the_primary(
    strata_replica_env: tuple[URL, URL],
) -> None:
    await assert_reads_on_replica_and_writes_on_primary(
        get_session, get_read_session, *strata_replica_env, dispose=database.database.dispose
    )


async def test_nearest_chunks_runs_on_the_replica_through_its_hnsw_index(strata_replica_env: tuple[URL, URL]) -> None:
    # clustered, as embeddings of text are: an HNSW graph over them builds about three times faster than over noise
    vectors = clustered(CHUNKS, 768, clusters=20, spread=0.3, seed=11, labels=range(CHUNKS))
    await database.database.dispose()
    try:
        async for session in get_session():
            study = StudySession(profile=Profile(email="replica@example.org", password_hash="x"), title="r")
            document = Document(session=study, file_name="f.pdf", file_path="/f.pdf")
            session.add_all([study, document])
            await session.flush()
            chunks = [NewChunk(document.id, study.id, f"chunk {n}") for n in range(CHUNKS)]
            # a bulk build of the index after the COPY is far cheaper than CHUNKS single inserts into the graph
            definition = await session.scalar(text(f"SELECT pg_get_indexdef('{HNSW_INDEX}'::regclass)"))
            await session.execute(text(f"DROP INDEX {HNSW_INDEX}"))
            await bulk_load_chunks(session, chunks, vectors)
            await session.execute(text(str(definition)))
            await session.commit()
        primary, replica = strata_replica_env
        with connect(primary, autocommit=True) as conn:  # statistics and the table's size replicate too
            conn.execute("VACUUM ANALYZE document_chunks")
        wait_for_replay(primary, [replica])
        async for session in get_read_session():
            assert (await session.execute(text("SELECT pg_is_in_recovery()"))).scalar_one() is True
            await use_hnsw_settings(session)
            plan = [row[0] for row in await session.execute(Explain(nearest_chunks_query(study.id, vectors[42])))]
            assert any("Index Scan using ix_document_chunks_embedding_hnsw" in line for line in plan), plan
            found = await nearest_chunks(session, study.id, vectors[42].tolist(), k=3)
            assert found[0][0].chunk_text == "chunk 42"
    finally:
        await database.database.dispose()
