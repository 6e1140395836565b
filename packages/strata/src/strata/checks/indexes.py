"""Indexes that cascades and kNN queries depend on, proven from the catalog and the planner."""

import re

from sqlalchemy import Select, literal, literal_column, select
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table

from strata.catalog.objects import foreign_keys, indexed_prefixes, indexes, vector_columns
from strata.checks.context import Context
from strata.checks.explain import plan
from strata.checks.outcome import Outcome
from strata.connection.connect import connect

# Distance operator served by each pgvector operator class.
OPERATORS = {
    "vector_l2_ops": "<->",
    "vector_ip_ops": "<#>",
    "vector_cosine_ops": "<=>",
    "vector_l1_ops": "<+>",
    "halfvec_l2_ops": "<->",
    "halfvec_ip_ops": "<#>",
    "halfvec_cosine_ops": "<=>",
    "halfvec_l1_ops": "<+>",
    "sparsevec_l2_ops": "<->",
    "sparsevec_ip_ops": "<#>",
    "sparsevec_cosine_ops": "<=>",
    "sparsevec_l1_ops": "<+>",
}
DISTANCES = {"l2": "<->", "inner_product": "<#>", "cosine": "<=>", "l1": "<+>"}


def fk_indexes(ctx: Context) -> Outcome:
    """Without an index on the FK columns, every cascade and join on them scans the child table."""
    with connect(ctx.url) as conn:
        keys = foreign_keys(conn)
        prefixes = indexed_prefixes(conn)
    missing = [
        f"{fk.table}({', '.join(fk.columns)}) → {fk.referred_table} ({fk.name}): add index=True"
        for fk in keys
        if not any(set(cols[: len(fk.columns)]) == set(fk.columns) for cols in prefixes.get(fk.table, []))
    ]
    if missing:
        return Outcome.failed(f"{len(missing)} foreign key(s) without an index: {missing[0]}", missing)
    return Outcome.passed(f"all {len(keys)} foreign key(s) lead an index")


def _probe(kind: str) -> str:
    """A constant of the column's type to order by: `[1,1,…]` or a sparse `{1:1}/n`."""
    match = re.match(r"(\w+)\((\d+)\)", kind)
    if not match:
        return "'[1,1,1]'"
    name, dim = match.group(1), int(match.group(2))
    if name == "sparsevec":
        return f"'{{1:1}}/{dim}'::sparsevec"
    return f"'[{','.join(['1'] * dim)}]'::{name}"


def _nearest(table: str, column: str, operator: str, kind: str) -> Select[int]:
    """The kNN query an ANN index exists for: the ten rows nearest a probe, by `operator`."""
    distance = sql_column(column).op(operator)(literal_column(_probe(kind)))
    return select(literal(1)).select_from(sql_table(table)).order_by(distance).limit(10)


def vector_indexes(ctx: Context) -> Outcome:
    """An ANN index the planner will not use is dead weight; a query with the wrong operator scans."""
    problems: list[str] = []
    evidence: list[str] = []
    with connect(ctx.url) as conn:
        ann = [i for i in indexes(conn).values() if i.approximate]
        conn.execute("SET enable_seqscan = off")
        for table, column, kind in vector_columns(conn):
            serving = [i for i in ann if i.table == table and i.columns[:1] == (column,)]
            wanted = ctx.app.vector_queries.get(f"{table}.{column}")
            if not serving:
                evidence.append(f"{table}.{column} ({kind}) has no ANN index: kNN queries scan every row")
            for index in serving:
                operator = OPERATORS.get(index.opclasses[0], "?")
                lines = plan(conn, _nearest(table, column, operator, kind))
                used = next((line.strip() for line in lines if f"Index Scan using {index.name}" in line), None)
                if used:
                    evidence.append(f"{table}.{column} {operator}: {used}")
                else:
                    problems.append(f"{index.name} is not used for ORDER BY {column} {operator}: {lines[0].strip()}")
            if wanted and DISTANCES.get(wanted) not in {OPERATORS.get(i.opclasses[0]) for i in serving}:
                served = ", ".join(f"{i.name} ({i.opclasses[0]})" for i in serving) or "no ANN index"
                problems.append(
                    f"{table}.{column} is queried with {wanted} ({DISTANCES.get(wanted, '?')}), "
                    f"which {served} cannot serve: those queries scan every row"
                )
    if problems:
        return Outcome.failed(problems[0], problems + evidence)
    unindexed = [line for line in evidence if "has no ANN index" in line]
    if unindexed:
        return Outcome.warned(
            unindexed[0] + ("" if len(unindexed) == 1 else f" (+{len(unindexed) - 1} more)"), evidence
        )
    return Outcome.passed(f"{sum('Index Scan' in e for e in evidence)} ANN index(es) planned as index scans", evidence)
