"""`exact`: the exact scan (no index) against its memory-bandwidth bound: column storage, halfvec, parallel workers.

A 768-d vector is 3 KB, over the 2 KB TOAST threshold, so by default
(`EXTENDED`) PostgreSQL tries to compress it and then moves it out of line:
every row of an exact scan then costs a TOAST index lookup and a detoast.
`MAIN` and `PLAIN` keep it in the heap page. Exact scans are what small
sessions (the planner's choice below about 1% of the rows) and re-ranking use.
"""

import time
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, func, select, text
from strata.bench import BenchContext, Result
from strata.checks.explain import Explain
from strata.connection import copy
from strata.connection.connect import connect
from strata.connection.factory import sync_engine
from strata.seed import clustered

from study_assistant.app import APP
from study_assistant.bench import DIM, HNSW_INDEX, _memory_bandwidth, _parents
from study_assistant.bench.knn import _recall, _summary
from study_assistant.bulk import COLUMNS, NewChunk, encode
from study_assistant.models import DocumentChunk
from study_assistant.retrieval import nearest_chunks_query

STORAGES = ("EXTENDED", "MAIN", "PLAIN")
WORKERS = (0, 2)
HALFVEC_TABLE = "bench_chunks_halfvec"


def exact(ctx: BenchContext) -> Result:
    """The app's kNN query as an exact scan, per storage of the vector column and per parallel workers."""
    rows, queries = ctx.size(10_000, 100_000), ctx.size(5, 20)
    url = ctx.migrated(APP, "exact")
    study, document = _parents(url)
    data = clustered(rows + queries, DIM, clusters=ctx.size(20, 200))
    vectors, probes = data[:rows], data[rows:]
    payload = encode([NewChunk(document, study, "c")] * rows, vectors)[1]
    statements = [nearest_chunks_query(study, probe.tolist()).with_only_columns(DocumentChunk.id) for probe in probes]
    bandwidth = _memory_bandwidth()
    bound_ms = rows * DIM * 4 / bandwidth * 1000
    result = Result(
        "exact",
        "Exact kNN scan of one session's chunks: storage, halfvec and parallel workers against the memory bound",
        {"rows": rows, "queries": queries, "vector MB": round(rows * DIM * 4 / 2**20), "bound ms": round(bound_ms, 1)},
    )
    with connect(url, autocommit=True) as conn:
        conn.execute(f"DROP INDEX {HNSW_INDEX}")  # the exact scan is measured, not the index
    engine = sync_engine(url)
    truth: list[list[Any]] = []
    with engine.connect() as connection:
        for storage in STORAGES:
            sizes = _reload(connection, storage, payload)
            for workers in WORKERS:
                found, times, plan = _scan(connection, statements, workers)
                truth = truth or found
                result.rows.append(
                    _row(f"vector, STORAGE {storage}", workers, found, truth, times, plan, bound_ms, sizes)
                )
        _halfvec_table(connection)
        for workers in WORKERS:
            found, times, plan = _scan(connection, _halfvec_statements(study, probes), workers)
            sizes = _sizes(connection, HALFVEC_TABLE)
            result.rows.append(_row("halfvec (own table)", workers, found, truth, times, plan, bound_ms, sizes))
    engine.dispose()
    best = min(result.rows, key=lambda row: row["p50 ms"])
    result.notes.append(
        f"bound: {rows * DIM * 4 / 2**20:.0f} MB of float4 vectors at {bandwidth / 1e9:.1f} GB/s "
        f"(numpy, one core, this run) = {bound_ms:.1f} ms; best: {best['variant']}, {best['workers']} workers, "
        f"p50 {best['p50 ms']} ms = {best['× bound']}"
    )
    return result


def _reload(connection: Connection, storage: str, payload: bytes) -> dict[str, int]:
    """Empty the table, set the column's storage (it applies to new rows), COPY the rows back, VACUUM ANALYZE."""
    with connection.begin():
        connection.execute(text("TRUNCATE document_chunks CASCADE"))
        connection.execute(text(f"ALTER TABLE document_chunks ALTER COLUMN embedding SET STORAGE {storage}"))
        copy.copy_binary(connection, "document_chunks", COLUMNS, payload)
    _vacuum(connection, "document_chunks")
    return _sizes(connection, "document_chunks")


def _vacuum(connection: Connection, table: str) -> None:
    """VACUUM cannot run in a transaction block: on the driver connection, in autocommit, then back."""
    raw: Any = connection.connection.driver_connection
    raw.autocommit = True
    try:
        raw.execute(f"VACUUM ANALYZE {table}")
    finally:
        raw.autocommit = False


def _sizes(connection: Connection, table: str) -> dict[str, int]:
    found = connection.execute(
        text(
            "SELECT pg_relation_size(c.oid), coalesce(pg_relation_size(nullif(c.reltoastrelid, 0)), 0) "
            "FROM pg_class c WHERE c.relname = :table"
        ),
        {"table": table},
    ).one()
    connection.rollback()
    return {"heap": int(found[0]), "toast": int(found[1])}


def _scan(
    connection: Connection, statements: list[Select[Any]], workers: int
) -> tuple[list[list[Any]], list[float], str]:
    """Every query once untimed (warm cache), then timed, with `workers` parallel workers per gather."""
    found, times = [], []
    with connection.begin() as transaction:
        connection.execute(select(func.set_config("max_parallel_workers_per_gather", str(workers), True)))
        connection.execute(select(func.set_config("enable_indexscan", "off", True)))
        connection.execute(select(func.set_config("enable_bitmapscan", "off", True)))
        plan = " ".join(line.strip() for (line,) in connection.execute(Explain(statements[0])))
        connection.execute(statements[0]).all()
        for statement in statements:
            started = time.perf_counter()
            found.append(list(connection.execute(statement).scalars()))
            times.append(time.perf_counter() - started)
        transaction.rollback()
    return found, times, "parallel seq scan" if "Gather" in plan else "seq scan"


def _halfvec_table(connection: Connection) -> None:
    """The same rows with `halfvec(768)` embeddings (1.5 KB, stored inline by default)."""
    with connection.begin():
        connection.execute(
            text(
                f"CREATE TABLE {HALFVEC_TABLE} AS SELECT id, session_id, embedding::halfvec({DIM}) AS embedding "
                "FROM document_chunks"
            )
        )
    _vacuum(connection, HALFVEC_TABLE)


def _halfvec_statements(study: Any, probes: np.ndarray) -> list[Select[Any]]:
    return [
        select(text("id"))
        .select_from(text(HALFVEC_TABLE))
        .where(text("session_id = :study").bindparams(study=study))
        .order_by(text(f"embedding <=> '{probe.tolist()}'::halfvec({DIM})"))
        .limit(10)
        for probe in probes
    ]


def _row(
    variant: str,
    workers: int,
    found: list[list[Any]],
    truth: list[list[Any]],
    times: list[float],
    plan: str,
    bound_ms: float,
    sizes: dict[str, int],
) -> dict[str, Any]:
    stats = _summary(times)
    return {
        "variant": variant,
        "workers": workers,
        "plan": plan,
        "recall@10": round(_recall(found, truth), 3),
        "p50 ms": stats["p50 ms"],
        "p95 ms": stats["p95 ms"],
        "× bound": f"{stats['p50 ms'] / bound_ms:.1f}×",
        "heap MB": round(sizes["heap"] / 2**20),
        "toast MB": round(sizes["toast"] / 2**20),
    }
