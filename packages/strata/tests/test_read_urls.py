"""Where read sessions go: `<APP>_READ_DATABASE_URL`, then `READ_DATABASE_URL`, then the primary."""

from pathlib import Path

import pytest
from strata.connection.settings import configured_read_urls, resolve_read_urls
from strata.errors import StrataError
from tiny_models import APP


@pytest.fixture(autouse=True)
def _no_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TINY_DATABASE_URL", "DATABASE_URL", "TINY_READ_DATABASE_URL", "READ_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout


def test_several_replicas_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINY_READ_DATABASE_URL", "postgresql://u:p@replica-a/db, postgres://u:p,w@replica-b:5433/db")
    found = configured_read_urls(APP)
    assert found is not None
    urls, source = found
    assert source == "TINY_READ_DATABASE_URL"
    assert [(url.host, url.port, url.password) for url in urls] == [
        ("replica-a", None, "p"),
        ("replica-b", 5433, "p,w"),
    ]
    assert {url.drivername for url in urls} == {"postgresql+psycopg"}


def test_the_app_variable_wins_and_read_database_url_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READ_DATABASE_URL", "postgresql://u@generic/db")
    assert [url.host for url in resolve_read_urls(APP)] == ["generic"]
    monkeypatch.setenv("TINY_READ_DATABASE_URL", "postgresql://u@specific/db")
    assert [url.host for url in resolve_read_urls(APP, driver="asyncpg")] == ["specific"]
    assert resolve_read_urls(APP, driver="asyncpg")[0].drivername == "postgresql+asyncpg"


def test_no_replica_means_reads_go_to_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINY_DATABASE_URL", "postgresql://u@primary/db")
    assert resolve_read_urls(APP) == []


def test_on_the_embedded_server_without_local_replicas_nothing_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STRATA_HOME", str(tmp_path / "home"))
    assert resolve_read_urls(APP) == []
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "postgresql://u:hunter2@a/db,,postgresql://u:hunter2@b/db",
            "TINY_READ_DATABASE_URL has an empty entry (postgresql://u:***@a/db,,postgresql://u:***@b/db); "
            "separate replica URLs with single commas",
        ),
        (
            "postgresql://u:hunter2@a/db, mysql://u:hunter2@b/db",
            "TINY_READ_DATABASE_URL points at 'mysql' (mysql://u:***@b/db), but strata needs PostgreSQL",
        ),
        (
            "postgresql://u:hunter2@a/db,postgresql://u:hunter2@b",
            "TINY_READ_DATABASE_URL names no database (postgresql://u:***@b)",
        ),
    ],
)
def test_a_bad_replica_url_is_named_with_the_password_masked(
    raw: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINY_READ_DATABASE_URL", raw)
    with pytest.raises(StrataError) as caught:
        configured_read_urls(APP)
    assert str(caught.value).startswith(expected)
    assert "hunter2" not in str(caught.value)
