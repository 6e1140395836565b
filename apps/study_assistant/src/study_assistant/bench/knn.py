"""`knn`: exact scan against HNSW at several ef_search, on clustered 768-d chunks; halfvec; build time."""

import statistics
import time
import uuid
from typing import Any

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from strata.bench import BenchContext, Result
from strata.connection import copy
from strata.connection.connect import connect
from strata.connection.factory import sync_engine
from strata.seed import clustered

from study_assistant.app import APP
from study_assistant.bench import DIM, HNSW_INDEX, _memory_bandwidth, _parents
from study_assistant.bulk import COLUMNS, NewChunk, encode
from study_assistant.models import DocumentChunk
from study_assistant.retrieval import DEFAULT_EF_SEARCH, nearest_chunks_query

EF_VALUES = (10, 20, 40, 100, 200)


def _latencies(
    session: Session, statements: list[Any], prepare: list[str]
) -> tuple[list[list[uuid.UUID]], list[float]]:
    found, times = [], []
    for statement in statements:
        with session.begin():
            for line in prepare:
                session.execute(text(line))
            started = time.perf_counter()
            ids = list(session.execute(statement).scalars())
            times.append(time.perf_counter() - started)
        found.append(ids)
    return found, times


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50 ms": round(statistics.median(ordered) * 1000, 2),
        "p95 ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "QPS": round(len(times) / sum(times), 1),
    }


def _recall(found: list[list[uuid.UUID]], truth: list[list[uuid.UUID]]) -> float:
    return sum(len(set(f) & set(t)) for f, t in zip(found, truth, strict=True)) / sum(len(t) for t in truth)


def knn(ctx: BenchContext) -> Result:
    """Exact scan against HNSW at several ef_search on clustered data: recall@10, latency, build time, halfvec."""
    rows, queries, clusters = ctx.size(3_000, 100_000), ctx.size(20, 100), ctx.size(20, 200)
    url = ctx.migrated(APP, "knn")
    study, document = _parents(url)
    data = clustered(rows + queries, DIM, clusters=clusters)
    vectors, probes = data[:rows], data[rows:]
    with connect(url, autocommit=True) as conn:
        definition = conn.execute(f"SELECT pg_get_indexdef('{HNSW_INDEX}'::regclass)").fetchone()
        conn.execute(f"DROP INDEX {HNSW_INDEX}")
        engine = sync_engine(url)
        with engine.begin() as connection:
            copy.copy_binary(
                connection, "document_chunks", COLUMNS, encode([NewChunk(document, study, "c")] * rows, vectors)[1]
            )
        conn.execute("VACUUM ANALYZE document_chunks")
        started = time.perf_counter()
        conn.execute(str(definition[0]) if definition else "")
        build_s = time.perf_counter() - started
        sizes = conn.execute(
            f"SELECT pg_relation_size('{HNSW_INDEX}'), pg_total_relation_size('document_chunks')"
        ).fetchone()

    statements = [nearest_chunks_query(study, probe.tolist()).with_only_columns(DocumentChunk.id) for probe in probes]
    result = Result(
        "knn",
        "kNN on clustered 768-d chunks: exact scan against HNSW (cosine)",
        {"rows": rows, "queries": queries, "clusters": clusters, "k": 10, "m": 16, "ef_construction": 64},
    )
    curve: list[dict[str, Any]] = []
    with Session(engine) as session:
        truth, exact_times = _latencies(session, statements, ["SET LOCAL enable_indexscan = off"])
        exact = _summary(exact_times)
        result.rows.append({"variant": "exact scan", "recall@10": 1.0, **exact, "speed-up": "1×"})
        curve.append({"series": "exact", "label": "exact", "recall": 1.0, "p50_ms": exact["p50 ms"]})
        for ef in EF_VALUES:
            prepare = [f"SET LOCAL hnsw.ef_search = {ef}", "SET LOCAL hnsw.iterative_scan = strict_order"]
            found, times = _latencies(session, statements, prepare)
            stats = _summary(times)
            recall = round(_recall(found, truth), 3)
            default = " (default)" if ef == DEFAULT_EF_SEARCH else ""
            result.rows.append(
                {
                    "variant": f"hnsw ef_search={ef}{default}",
                    "recall@10": recall,
                    **stats,
                    "speed-up": f"{exact['p50 ms'] / stats['p50 ms']:.0f}×",
                }
            )
            curve.append({"series": "hnsw vector", "label": f"ef {ef}", "recall": recall, "p50_ms": stats["p50 ms"]})
        halfvec = _halfvec(url, session, study, probes, truth)
        result.rows.append(halfvec["row"])
        curve.append(halfvec["point"])
    engine.dispose()
    vector_mb = int(str(sizes[0])) / 2**20 if sizes else 0.0
    result.rows.append({"variant": "hnsw build", "build s": round(build_s, 1), "index MB": round(vector_mb, 1)})
    result.rows.append({"variant": "hnsw halfvec build", "build s": halfvec["build_s"], "index MB": halfvec["mb"]})
    bandwidth = _memory_bandwidth()
    bound_ms = rows * DIM * 4 / bandwidth * 1000
    result.notes.append(
        f"physical limit of the exact scan: {rows * DIM * 4 / 2**20:.0f} MB of vectors at {bandwidth / 1e9:.1f} GB/s "
        f"memory bandwidth = {bound_ms:.1f} ms; measured p50 {exact['p50 ms']} ms "
        f"({exact['p50 ms'] / bound_ms:.1f}× the bound)"
    )
    result.series["curve"] = curve
    return result


def _halfvec(
    url: URL, session: Session, study: uuid.UUID, probes: np.ndarray, truth: list[list[uuid.UUID]]
) -> dict[str, Any]:
    """The same index on `embedding::halfvec(768)`: half the size, and its recall against the exact answer."""
    with connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute(
            "CREATE INDEX bench_halfvec ON document_chunks USING hnsw ((embedding::halfvec(768)) halfvec_cosine_ops) "
            "WITH (m = 16, ef_construction = 64)"
        )
        build_s = time.perf_counter() - started
        size = conn.execute("SELECT pg_relation_size('bench_halfvec')").fetchone()
    statements = [
        select(DocumentChunk.id)
        .where(DocumentChunk.session_id == study)
        .order_by(text(f"embedding::halfvec(768) <=> '{probe.tolist()}'::halfvec(768)"))
        .limit(10)
        for probe in probes
    ]
    prepare = [f"SET LOCAL hnsw.ef_search = {DEFAULT_EF_SEARCH}", "SET LOCAL hnsw.iterative_scan = strict_order"]
    found, times = _latencies(session, statements, prepare)
    stats = _summary(times)
    recall = round(_recall(found, truth), 3)
    return {
        "row": {"variant": f"hnsw halfvec ef_search={DEFAULT_EF_SEARCH}", "recall@10": recall, **stats},
        "point": {
            "series": "hnsw halfvec",
            "label": f"ef {DEFAULT_EF_SEARCH}",
            "recall": recall,
            "p50_ms": stats["p50 ms"],
        },
        "build_s": round(build_s, 1),
        "mb": round(int(str(size[0] if size else 0)) / 2**20, 1),
    }
