"""Model factories for tests: a row of any model, with the parents it requires, from the seed generator.

`make(session, Lesson)` flushes a lesson, and the module and course it needs,
in the test's session; `await amake(async_session, Lesson)` does the same on
an `AsyncSession`. Values come from `strata.seed` (plausible text, CHECK and
enum values, clustered embeddings in the column's dimension); columns with a
default keep it, so a row looks like one the app inserts with only its
required fields. Keyword arguments override columns or relationships:
`make(session, Lesson, module=my_module, title="Joins")`.

polyfactory's `SQLAlchemyFactory` was the candidate. It needs a factory class
per model, fills `vector(n)` columns only through a custom type provider
(pgvector is not a type it knows), reads no CHECK constraint, and creates
parents as new objects without keeping siblings consistent (a chunk's session
must be its document's session). The seed generator already knows all of
that for `strata seed` and `strata check`, so one more code path and a
dependency would only be a second copy.
"""

import itertools
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import Table, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, Session

from strata.seed import Generator, keys

Model = TypeVar("Model")
_rows = itertools.count(1)  # numbers rows across a test run, so unique columns stay unique


def _model_for(mapper: Mapper[Any], table: str) -> type[Any]:
    for candidate in mapper.registry.mappers:
        if isinstance(candidate.local_table, Table) and candidate.local_table.name == table:
            return candidate.class_
    raise LookupError(f"no model is mapped to table {table}")


def _given_columns(mapper: Mapper[Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Column values the caller fixed, directly or through a relationship to an object that has its key."""
    fixed: dict[str, Any] = {}
    for key, value in values.items():
        if key in mapper.relationships and value is not None:
            for local, remote in mapper.relationships[key].local_remote_pairs:
                fixed[local.name] = getattr(value, inspect(type(value)).get_property_by_column(remote).key)
        elif key in mapper.columns:
            fixed[mapper.columns[key].name] = value
    return fixed


def _parents(session: Session, mapper: Mapper[Any], table: Table, fixed: dict[str, Any]) -> None:
    """Create each required parent the caller did not give; a second one is taken from the first when it can be."""
    tables = {m.local_table.name: m.local_table for m in mapper.registry.mappers if isinstance(m.local_table, Table)}
    primary = keys.primary(table, tables)
    required = [link for link in keys.links(table) if not link.nullable and not link.is_self]
    required.sort(key=lambda link: link is not primary)
    made: dict[str, Any] = {}
    for link in required:
        if all(name in fixed for name in link.local):
            continue
        parent = next((_via(m, link) for m in made.values() if _via(m, link) is not None), None)
        if parent is None:
            made[link.parent] = make(session, _model_for(mapper, link.parent))
            parent = {c: getattr(made[link.parent], _key(made[link.parent], c)) for c in link.remote}
        fixed.update({local: parent[remote] for local, remote in zip(link.local, link.remote, strict=True)})


def _key(instance: Any, column: str) -> str:
    mapper = inspect(type(instance))
    return str(mapper.get_property_by_column(mapper.local_table.c[column]).key)


def _via(instance: Any, link: keys.Link) -> dict[str, Any] | None:
    """The `link.parent` key values an already-made parent refers to, if it refers to that table."""
    table = inspect(type(instance)).local_table
    for own in keys.links(table):
        if own.parent == link.parent and own.remote == link.remote:
            values = {r: getattr(instance, _key(instance, c)) for c, r in zip(own.local, own.remote, strict=True)}
            return values if all(v is not None for v in values.values()) else None
    return None


def _python_value(column: Any, value: Any) -> Any:
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None and isinstance(value, str):
        members = {member.value: member for member in enum_class}
        return members.get(value, value)
    return value.tolist() if hasattr(value, "tolist") else value


def make(session: Session, model: type[Model], **values: Any) -> Model:
    """Flush one `model` row, and the parents it requires, in `session`; `values` override generated ones."""
    mapper: Mapper[Any] = inspect(model)
    table = mapper.local_table
    assert isinstance(table, Table)
    fixed = _given_columns(mapper, values)
    _parents(session, mapper, table, fixed)
    row = Generator([table], seed=0).generate(table, 1, offset=next(_rows), fixed=fixed).rows()[0]
    attributes: dict[str, Any] = {}
    for column in table.columns:
        has_default = column.default is not None or column.server_default is not None
        if column.name in fixed or (column.name in row and not has_default):
            attributes[mapper.get_property_by_column(column).key] = _python_value(column, row[column.name])
    attributes.update({key: value for key, value in values.items() if key in mapper.relationships})
    instance = model(**attributes)
    session.add(instance)
    session.flush()
    session.refresh(instance)
    return instance


async def amake(session: AsyncSession, model: type[Model], **values: Any) -> Model:
    """`make` on an AsyncSession: the row is flushed and loaded, so no attribute access needs IO later."""
    return await session.run_sync(lambda sync_session: make(sync_session, model, **values))
