"""Revision 0003's HNSW index serves `similar_concepts`; downgrading 0003 takes the index (and its columns) away."""

from course_supporter.app import APP
from course_supporter.storage.queries import similar_concepts_query
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from strata.checks.explain import Explain
from strata.connection.connect import connect
from strata.migrations import alembic_api

BEFORE_0003 = "109d57cb5266"
HNSW_INDEX = "ix_concepts_embedding_hnsw"


def _knn_plan(engine: Engine) -> list[str]:
    """The plan of the app's kNN query when the planner may use any index (the table is empty here)."""
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        return [str(row[0]) for row in conn.execute(Explain(similar_concepts_query([0.5] * 1536)))]


def _concept_columns(url: URL) -> set[str]:
    with connect(url) as conn:
        rows = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'concepts'")
        return {str(row[0]) for row in rows}


def test_similar_concepts_use_the_hnsw_index_and_downgrade_removes_it(
    strata_fresh_url: URL, strata_engine: Engine
) -> None:
    assert any(f"Index Scan using {HNSW_INDEX}" in line for line in _knn_plan(strata_engine))
    assert {"embedding_model", "source_material_id"} <= _concept_columns(strata_fresh_url)

    alembic_api.downgrade(APP, strata_fresh_url, BEFORE_0003)

    assert not any(HNSW_INDEX in line for line in _knn_plan(strata_engine))
    assert not {"embedding_model", "source_material_id"} & _concept_columns(strata_fresh_url)
    with connect(strata_fresh_url) as conn:
        assert conn.execute("SELECT to_regclass(%s)", (HNSW_INDEX,)).fetchone() == (None,)
