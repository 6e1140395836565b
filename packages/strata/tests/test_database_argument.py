"""`Database` takes a URL as `create_async_engine` does, or a callable; a bad one fails where it is written."""

import pytest
from sqlalchemy.engine import make_url
from strata import Database, StrataError


def test_a_url_string_is_accepted_and_nothing_connects_yet() -> None:
    database = Database("postgresql://app@/appdb?host=/nowhere")
    assert database._engine is None
    assert database.engine.url.database == "appdb"


def test_a_sqlalchemy_url_and_a_callable_are_accepted() -> None:
    assert Database(make_url("postgresql://app@/one?host=/x")).engine.url.database == "one"
    assert Database(lambda: "postgresql://app@/two?host=/x").engine.url.database == "two"


def test_a_malformed_url_fails_at_construction_in_one_line() -> None:
    with pytest.raises(StrataError) as raised:
        Database("postgresql://u:s3cret@@host:notaport/db")
    assert str(raised.value) == (
        "Database(url) is not a valid database URL (postgresql://u:***@host:notaport/db); "
        "expected postgresql://user:password@host:5432/dbname"
    )


def test_something_else_fails_at_construction_in_one_line() -> None:
    with pytest.raises(StrataError) as raised:
        Database(5432)  # type: ignore[arg-type]
    assert str(raised.value) == (
        "Database() takes a database URL (a str or sqlalchemy URL) or a callable returning one, not int; "
        "e.g. Database(lambda: settings.database_url)"
    )
