"""`EXPLAIN` for any SQLAlchemy statement, with its parameters bound as usual.

`strata check` (vector-indexes) and tests use it to prove a query is planned
the way its index intends, instead of trusting that an index exists.
"""

from typing import Any

from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable

from strata.connection.connect import Conn


class Explain(Executable, ClauseElement):
    """Execute `Explain(select(...))` to get the plan, one line per row."""

    inherit_cache = False

    def __init__(self, statement: Executable):
        self.statement = statement


@compiles(Explain, "postgresql")
def _compile_explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN " + compiler.process(element.statement, **kw)  # type: ignore[arg-type]


def plan(conn: Conn, statement: Executable) -> list[str]:
    """The plan of `statement` on a plain psycopg connection, one line per entry."""
    compiled = Explain(statement).compile(dialect=PGDialect_psycopg())  # type: ignore[no-untyped-call]
    return [str(row[0]) for row in conn.execute(str(compiled), compiled.params)]
