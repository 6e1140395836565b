"""The whole schema as the docs show it (tables, columns, constraints, relations, indexes, enums), in a stable order."""

from dataclasses import dataclass, field

from strata.catalog.contents import extensions, revision
from strata.catalog.objects import indexes
from strata.connection.connect import Conn


@dataclass
class Column:
    name: str
    type: str
    nullable: bool
    default: str | None
    comment: str | None
    primary_key: bool = False
    unique: bool = False
    foreign_key: bool = False


@dataclass
class Table:
    name: str
    comment: str | None
    columns: list[Column] = field(default_factory=list)
    constraints: list[tuple[str, str, str]] = field(default_factory=list)  # name, kind, definition
    indexes: list[tuple[str, str, str]] = field(default_factory=list)  # name, method, definition


@dataclass
class Relation:
    child: str
    parent: str
    name: str
    columns: set[str]
    nullable: bool
    unique: bool = False


@dataclass
class Schema:
    tables: list[Table]
    relations: list[Relation]
    enums: list[tuple[str, list[str]]]
    extensions: list[str]
    revision: str | None


_COLUMNS = """
SELECT c.relname, obj_description(c.oid, 'pg_class'), a.attname, format_type(a.atttypid, a.atttypmod),
       NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum)
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
   AND c.relname <> 'alembic_version' AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY c.relname, a.attnum
"""

_CONSTRAINTS = """
SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid, true),
       array(SELECT a.attname FROM unnest(c.conkey) k JOIN pg_attribute a
             ON a.attrelid = c.conrelid AND a.attnum = k ORDER BY a.attname),
       r.relname
  FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class r ON r.oid = c.confrelid
 WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f', 'c', 'x')
   AND t.relname <> 'alembic_version'
 ORDER BY t.relname, c.contype, c.conname
"""

_ENUMS = """
SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname ORDER BY t.typname
"""

KINDS = {"p": "primary key", "u": "unique", "f": "foreign key", "c": "check", "x": "exclusion"}


def read(conn: Conn) -> Schema:
    tables: dict[str, Table] = {}
    for table, comment, name, kind, nullable, default, column_comment in conn.execute(_COLUMNS):
        entry = tables.setdefault(str(table), Table(str(table), _text(comment)))
        entry.columns.append(Column(str(name), str(kind), bool(nullable), _text(default), _text(column_comment)))
    relations: list[Relation] = []
    for table, name, kind, definition, columns, referred in conn.execute(_CONSTRAINTS):
        entry = tables[str(table)]
        entry.constraints.append((str(name), KINDS[str(kind)], str(definition)))
        names = set(columns)  # type: ignore[call-overload]
        for column in entry.columns:
            if column.name in names:
                column.primary_key |= kind == "p"
                column.unique |= kind == "u" and len(names) == 1
                column.foreign_key |= kind == "f"
        if kind == "f":
            fk_columns = [c for c in entry.columns if c.name in names]
            relations.append(Relation(str(table), str(referred), str(name), names, any(c.nullable for c in fk_columns)))
    for relation in relations:
        # One-to-one when a unique key lies within the FK's own columns.
        relation.unique = any(
            kind in {"unique", "primary key"} and _columns_of(definition) <= relation.columns
            for _n, kind, definition in tables[relation.child].constraints
        )
    for index in indexes(conn).values():
        if index.table in tables:
            tables[index.table].indexes.append((index.name, index.method, index.definition))
    enums = [(str(name), list(values)) for name, values in conn.execute(_ENUMS)]  # type: ignore[call-overload]
    return Schema(
        sorted(tables.values(), key=lambda t: t.name),
        sorted(relations, key=lambda r: (r.child, r.name)),
        enums,
        extensions(conn),
        revision(conn),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _columns_of(definition: str) -> set[str]:
    inside = definition[definition.find("(") + 1 : definition.find(")")]
    return {part.strip().strip('"') for part in inside.split(",")}
