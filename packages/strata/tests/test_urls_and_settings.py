"""URL handling: provider URLs work, the order of sources holds, passwords never print."""

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from strata import App
from strata.connection.settings import configured_url
from strata.connection.urls import mask, parse
from strata.errors import StrataError
from tiny_models import APP


def test_a_plain_provider_url_gets_the_apps_driver() -> None:
    url = parse("postgresql://u:pw@db.example.com:6543/app", driver="asyncpg", source="X")
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port, url.database, url.password) == ("db.example.com", 6543, "app", "pw")


def test_a_socket_url_keeps_its_directory() -> None:
    url = parse("postgresql://postgres@/db?host=/run/pg", driver="psycopg", source="X")
    assert url.query["host"] == "/run/pg"
    assert url.drivername == "postgresql+psycopg"


def test_heroku_style_postgres_scheme_is_accepted() -> None:
    assert parse("postgres://u@h/db", driver="psycopg", source="X").drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgresql://u:hunter2@@h:x/db", "X is not a valid database URL (postgresql://u:***@h:x/db)"),
        ("mysql://u:hunter2@h/db", "X points at 'mysql' (mysql://u:***@h/db), but strata needs PostgreSQL"),
        ("postgresql+pg8000://u:hunter2@h/db", "X asks for driver 'pg8000', which strata does not support"),
        ("postgresql://u:hunter2@h", "X names no database (postgresql://u:***@h)"),
    ],
)
def test_bad_urls_are_named_with_the_password_masked(raw: str, expected: str) -> None:
    with pytest.raises(StrataError) as caught:
        parse(raw, driver="psycopg", source="X")
    assert str(caught.value).startswith(expected)
    assert "hunter2" not in str(caught.value)


def test_mask_hides_passwords_in_strings_and_urls() -> None:
    assert mask("postgresql://u:s3@h/db") == "postgresql://u:***@h/db"
    assert "s3" not in mask(make_url("postgresql://u:s3@h/db"))


def test_app_variable_wins_over_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@generic/db")
    monkeypatch.setenv("TINY_DATABASE_URL", "postgresql://u@specific/db")
    found = configured_url(APP)
    assert found is not None
    assert (found[0].host, found[1]) == ("specific", "TINY_DATABASE_URL")


def test_database_url_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINY_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@generic/db")
    found = configured_url(APP)
    assert found is not None
    assert (found[0].host, found[1]) == ("generic", "DATABASE_URL")


def test_a_dotenv_file_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_copy: App) -> None:
    monkeypatch.delenv("TINY_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tiny_copy.root / ".env").write_text("TINY_DATABASE_URL=postgresql://u@from-dotenv/db\n")
    found = configured_url(tiny_copy)
    assert found is not None
    assert found[0].host == "from-dotenv"


def test_nothing_configured_means_the_embedded_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TINY_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert configured_url(APP) is None
