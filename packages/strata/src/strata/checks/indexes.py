"""Indexes that cascades and kNN queries depend on, proven from the catalog and the planner."""

import re

from strata.catalog.objects import foreign_keys, indexed_prefixes, indexes
from strata.checks.context import Context
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
ANN_METHODS = {"hnsw", "ivfflat"}


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


_VECTOR_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0
   AND NOT a.attisdropped AND t.typname IN ('vector', 'halfvec', 'sparsevec')
 ORDER BY 1, 2
"""


def _probe(kind: str) -> str:
    """A constant of the column's type to order by: `[1,1,…]` or a sparse `{1:1}/n`."""
    match = re.match(r"(\w+)\((\d+)\)", kind)
    if not match:
        return "'[1,1,1]'"
    name, dim = match.group(1), int(match.group(2))
    if name == "sparsevec":
        return f"'{{1:1}}/{dim}'::sparsevec"
    return f"'[{','.join(['1'] * dim)}]'::{name}"


def vector_indexes(ctx: Context) -> Outcome:
    """An ANN index the planner will not use is dead weight; a query with the wrong operator scans."""
    problems: list[str] = []
    evidence: list[str] = []
    with connect(ctx.url) as conn:
        ann = [i for i in indexes(conn).values() if i.method in ANN_METHODS]
        conn.execute("SET enable_seqscan = off")
        for table, column, kind in conn.execute(_VECTOR_COLUMNS).fetchall():
            serving = [i for i in ann if i.table == table and i.columns[:1] == (column,)]
            wanted = ctx.app.vector_queries.get(f"{table}.{column}")
            if not serving:
                evidence.append(f"{table}.{column} ({kind}) has no ANN index: kNN queries scan every row")
            for index in serving:
                operator = OPERATORS.get(index.opclasses[0], "?")
                plan = [
                    str(r[0])
                    for r in conn.execute(
                        f'EXPLAIN SELECT 1 FROM "{table}" ORDER BY "{column}" {operator} {_probe(str(kind))} LIMIT 10'
                    )
                ]
                used = next((line.strip() for line in plan if f"Index Scan using {index.name}" in line), None)
                if used:
                    evidence.append(f"{table}.{column} {operator}: {used}")
                else:
                    problems.append(f"{index.name} is not used for ORDER BY {column} {operator}: {plan[0].strip()}")
            if wanted and DISTANCES.get(wanted) not in {OPERATORS.get(i.opclasses[0]) for i in serving}:
                served = ", ".join(f"{i.name} ({i.opclasses[0]})" for i in serving) or "no ANN index"
                problems.append(
                    f"{table}.{column} is queried with {wanted} ({DISTANCES.get(wanted, '?')}), "
                    f"which {served} cannot serve: those queries scan every row"
                )
    if problems:
        return Outcome.failed(problems[0], problems + evidence)
    return Outcome.passed(f"{sum('Index Scan' in e for e in evidence)} ANN index(es) planned as index scans", evidence)
