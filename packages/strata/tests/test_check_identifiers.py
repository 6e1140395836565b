"""`strata check` drops a downgrade's leftovers by quoted identifiers, whatever their names hold."""

from sqlalchemy.engine import URL
from strata.catalog.objects import schema_objects
from strata.checks.context import Context
from strata.checks.history import _clear
from strata.connection.connect import connect
from tiny_models import APP

HOSTILE_TABLE = 'left"over; DROP TABLE bystander; --'


def test_leftovers_with_quotes_and_semicolons_are_dropped_and_nothing_else(strata_empty_url: URL) -> None:
    with connect(strata_empty_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bystander (n int)")
        conn.execute('CREATE TABLE "left""over; DROP TABLE bystander; --" (n int)')
        conn.execute("""CREATE TYPE "mo""od" AS ENUM ('calm')""")
        conn.execute('CREATE FUNCTION "odd ""fn"(n integer, "t" text) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$')
        everything = schema_objects(conn)
    leftovers = sorted(item for item in everything if "bystander" not in item or item.endswith("--"))
    assert f"table {HOSTILE_TABLE}" in leftovers

    _clear(Context(APP, strata_empty_url), leftovers)

    with connect(strata_empty_url) as conn:
        remaining = schema_objects(conn)
    assert remaining == {"table bystander"}
