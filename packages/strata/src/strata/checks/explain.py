"""`EXPLAIN` for any SQLAlchemy statement, with its parameters bound as usual.

Tests and `strata check` use it to prove a query is planned the way its index
intends, instead of trusting that an index exists.
"""

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement, Executable


class Explain(Executable, ClauseElement):
    """Execute `Explain(select(...))` to get the plan, one line per row."""

    inherit_cache = False

    def __init__(self, statement: Executable):
        self.statement = statement


@compiles(Explain, "postgresql")
def _compile_explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN " + compiler.process(element.statement, **kw)  # type: ignore[arg-type]
