"""`load`: insert N chunks with 768-d embeddings, three ways, beside the server's own COPY."""

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import insert, pool
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import async_sessionmaker
from strata.bench import BenchContext, Result, measure
from strata.connection.connect import connect
from strata.connection.factory import async_engine
from strata.orm import uuid7
from strata.seed import clustered

from study_assistant.app import APP
from study_assistant.bench import DIM, HNSW_INDEX, _parents
from study_assistant.bulk import COLUMNS, NewChunk, bulk_load_chunks, encode
from study_assistant.models import ChunkType, DocumentChunk


def load(ctx: BenchContext) -> Result:
    """Insert N chunks with 768-d embeddings: ORM add_all, insertmanyvalues, binary COPY; and COPY from a file."""
    rows = ctx.size(2_000, 20_000)
    repeat = 3
    url = ctx.migrated(APP, "load")
    study, document = _parents(url)
    with connect(url, autocommit=True) as conn:
        conn.execute(f"DROP INDEX {HNSW_INDEX}")  # built after a bulk load: see knn's build time
    vectors = clustered(rows, DIM, clusters=50)
    chunks = [NewChunk(document, study, f"chunk {n}") for n in range(rows)]
    _ids, data = encode(chunks, vectors)
    megabytes = len(data) / 2**20
    engine = async_engine(url.set(drivername="postgresql+psycopg"), poolclass=pool.NullPool)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    def truncate() -> None:
        with connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE document_chunks")

    async def orm() -> None:
        async with sessions() as session:
            session.add_all(
                DocumentChunk(
                    document_id=document,
                    session_id=study,
                    chunk_text=c.chunk_text,
                    type=ChunkType.PARAGRAPH,
                    embedding=vectors[n],
                )
                for n, c in enumerate(chunks)
            )
            await session.commit()

    async def insertmanyvalues() -> None:
        async with sessions() as session:
            await session.execute(
                insert(DocumentChunk),
                [
                    {
                        "id": uuid7(),
                        "document_id": document,
                        "session_id": study,
                        "chunk_text": c.chunk_text,
                        "type": ChunkType.PARAGRAPH,
                        "embedding": vectors[n],
                    }
                    for n, c in enumerate(chunks)
                ],
            )
            await session.commit()

    async def bulk() -> None:
        async with sessions() as session:
            await bulk_load_chunks(session, chunks, vectors)
            await session.commit()

    async def bulk_two_connections() -> None:
        half = rows // 2

        async def one(start: int, stop: int) -> None:
            async with sessions() as session:
                await bulk_load_chunks(session, chunks[start:stop], vectors[start:stop])
                await session.commit()

        await asyncio.gather(one(0, half), one(half, rows))

    loop = asyncio.new_event_loop()
    timings = {}
    try:
        for name, run in (
            ("ORM add_all + flush", orm),
            ("insertmanyvalues", insertmanyvalues),
            ("bulk_load_chunks (binary COPY)", bulk),
            ("bulk_load_chunks, 2 connections in parallel", bulk_two_connections),
        ):

            def once(run: Callable[[], Coroutine[Any, Any, None]] = run) -> None:
                loop.run_until_complete(run())

            timings[name] = measure(once, repeat=repeat, setup=truncate)
        loop.run_until_complete(engine.dispose())
    finally:
        loop.close()
    timings["limit: server-side COPY from a file"] = _server_copy(url, data, repeat, truncate)
    result = Result(
        "load",
        "Loading chunks with 768-d embeddings",
        {"rows": rows, "payload MB": round(megabytes, 1), "repeat": repeat},
    )
    baseline = timings["ORM add_all + flush"].median
    limit = timings["limit: server-side COPY from a file"].median
    for name, stats in timings.items():
        result.rows.append(
            {
                "variant": name,
                "median s": round(stats.median, 3),
                "spread": f"±{stats.spread / 2:.0%}",
                "rows/s": round(rows / stats.median),
                "MB/s": round(megabytes / stats.median, 1),
                "vs ORM": f"{baseline / stats.median:.1f}×",
                "of limit": f"{limit / stats.median:.0%}",
            }
        )
    result.notes.append(
        f"goal: binary COPY at >= 90% of the single-stream server-side limit; measured "
        f"{limit / timings['bulk_load_chunks (binary COPY)'].median:.0%}; over 2 connections "
        f"{limit / timings['bulk_load_chunks, 2 connections in parallel'].median:.0%} of the single-stream limit"
    )
    result.notes.append(
        "the HNSW index is dropped for the load and built afterwards (see knn: build); the GIN and B-tree indexes stay"
    )
    return result


def _server_copy(url: URL, data: bytes, repeat: int, truncate: Any) -> Any:
    """COPY of the same payload from a file the server reads itself: no client, no protocol."""
    import tempfile

    directory = tempfile.mkdtemp(prefix="strata-copy-")
    path = os.path.join(directory, "chunks.bin")
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(directory, 0o755)  # noqa: S103 - the server runs as another user and must read the file
    os.chmod(path, 0o644)
    names = ", ".join(COLUMNS)

    def run() -> None:
        with connect(url, autocommit=True) as conn:
            conn.execute(f"COPY document_chunks ({names}) FROM '{path}' (FORMAT BINARY)")

    try:
        return measure(run, repeat=repeat, setup=truncate)
    finally:
        os.remove(path)
        os.rmdir(directory)
