"""The schema's structure as PostgreSQL sees it: objects, indexes, foreign keys, vector columns, functions."""

from dataclasses import dataclass

from strata.connection.connect import Conn

# Everything a migration can create in the current schema, except what an extension owns.
_OBJECTS = """
SELECT 'relation ' || c.relkind::text || ' ' || c.relname FROM pg_class c
 WHERE c.relnamespace = current_schema()::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                   AND d.objid = c.oid AND d.deptype = 'e')
UNION ALL
SELECT 'type ' || t.typname FROM pg_type t
 WHERE t.typnamespace = current_schema()::regnamespace AND t.typtype IN ('e', 'd', 'r', 'm', 'c')
   AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                   AND d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p
 WHERE p.pronamespace = current_schema()::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                   AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'constraint ' || conname FROM pg_constraint
 WHERE connamespace = current_schema()::regnamespace AND contype <> 'n'
"""

RELKINDS = {"r": "table", "i": "index", "S": "sequence", "v": "view", "m": "materialized view", "p": "table"}


def schema_objects(conn: Conn) -> set[str]:
    """Tables, indexes, sequences, types, functions and constraints in the current schema."""
    found: set[str] = set()
    for (row,) in conn.execute(_OBJECTS):
        text = str(row)
        if text.startswith("relation "):
            _, kind, name = text.split(" ", 2)
            text = f"{RELKINDS.get(kind, 'relation')} {name}"
        found.add(text)
    return found


@dataclass(frozen=True)
class CatalogIndex:
    name: str
    table: str
    method: str
    unique: bool
    columns: tuple[str, ...]
    opclasses: tuple[str, ...]
    default_opclasses: tuple[bool, ...]
    options: dict[str, str]
    predicate: str | None
    definition: str  # CREATE INDEX as PostgreSQL would write it
    valid: bool = True  # False when a failed CREATE INDEX CONCURRENTLY left it behind: kept up to date, never used

    @property
    def approximate(self) -> bool:
        """An ANN index (HNSW or IVFFlat), the kind kNN queries need and bulk loads rebuild."""
        return self.method in ANN_METHODS


ANN_METHODS = {"hnsw", "ivfflat"}


_INDEXES = """
SELECT i.relname, t.relname, am.amname, x.indisunique,
       array(SELECT trim(both '"' from pg_get_indexdef(x.indexrelid, k, true))
             FROM generate_series(1, x.indnatts) k ORDER BY k),
       array(SELECT oc.opcname FROM unnest(x.indclass) WITH ORDINALITY u(oid, n)
             JOIN pg_opclass oc ON oc.oid = u.oid ORDER BY u.n),
       array(SELECT oc.opcdefault FROM unnest(x.indclass) WITH ORDINALITY u(oid, n)
             JOIN pg_opclass oc ON oc.oid = u.oid ORDER BY u.n),
       coalesce(i.reloptions, '{}'), pg_get_expr(x.indpred, x.indrelid), pg_get_indexdef(x.indexrelid, 0, true),
       x.indisvalid
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_am am ON am.oid = i.relam
 WHERE t.relnamespace = current_schema()::regnamespace
 ORDER BY t.relname, i.relname
"""


def _option(text: str) -> tuple[str, str]:
    """'m=16' as ('m', '16')."""
    key, _, value = text.partition("=")
    return key, value


def indexes(conn: Conn) -> dict[str, CatalogIndex]:
    """Every index of the current schema by name, in table then index order."""
    found: dict[str, CatalogIndex] = {}
    for row in conn.execute(_INDEXES):
        name, table, method, unique, columns, opclasses, defaults, options, predicate, definition, valid = row
        parsed = dict(_option(str(option)) for option in options)  # type: ignore[attr-defined]
        found[str(name)] = CatalogIndex(
            name=str(name),
            table=str(table),
            method=str(method),
            unique=bool(unique),
            columns=tuple(columns),  # type: ignore[arg-type]
            opclasses=tuple(opclasses),  # type: ignore[arg-type]
            default_opclasses=tuple(defaults),  # type: ignore[arg-type]
            options=parsed,
            predicate=str(predicate) if predicate else None,
            definition=str(definition),
            valid=bool(valid),
        )
    return found


@dataclass(frozen=True)
class CatalogForeignKey:
    name: str
    table: str
    columns: tuple[str, ...]
    referred_table: str
    on_delete: str
    referred_columns: tuple[str, ...] = ()
    validated: bool = True  # False for one added NOT VALID: existing rows were not checked


_DELETE_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

_FOREIGN_KEYS = """
SELECT c.conname, t.relname, r.relname, c.confdeltype,
       array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
       array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
       c.convalidated
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  JOIN pg_class r ON r.oid = c.confrelid
 WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
 ORDER BY t.relname, c.conname
"""


def foreign_keys(conn: Conn) -> list[CatalogForeignKey]:
    return [
        CatalogForeignKey(
            str(name),
            str(table),
            tuple(columns),  # type: ignore[arg-type]
            str(referred),
            _DELETE_ACTIONS[str(action)],
            tuple(referred_columns),  # type: ignore[arg-type]
            bool(validated),
        )
        for name, table, referred, action, columns, referred_columns, validated in conn.execute(_FOREIGN_KEYS)
    ]


def indexed_prefixes(conn: Conn) -> dict[str, list[tuple[str, ...]]]:
    """For each table, the column lists its plain-column indexes start with."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for index in indexes(conn).values():
        found.setdefault(index.table, []).append(index.columns)
    return found


_VECTOR_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0
   AND NOT a.attisdropped AND t.typname IN ('vector', 'halfvec', 'sparsevec')
 ORDER BY 1, 2
"""


def vector_columns(conn: Conn) -> list[tuple[str, str, str]]:
    """(table, column, type such as `vector(384)`) for every pgvector column."""
    return [(str(table), str(column), str(kind)) for table, column, kind in conn.execute(_VECTOR_COLUMNS)]


def function_signature(conn: Conn, signature: str) -> tuple[str, str] | None:
    """(name, argument types) of the function `signature` names, as PostgreSQL renders them; None if gone."""
    found = conn.execute(
        "SELECT proname, pg_get_function_identity_arguments(oid) FROM pg_proc WHERE oid = to_regprocedure(%s)",
        (signature,),
    ).fetchone()
    return None if found is None else (str(found[0]), str(found[1]))
