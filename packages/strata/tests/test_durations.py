"""Migration timeouts: a bare number counts seconds everywhere, and explicit units are accepted."""

import pytest
from strata.connection.settings import strata_settings
from strata.errors import StrataError
from strata.testing.commands import run_python
from strata.testing.server import subprocess_env
from tiny_support import TINY


@pytest.mark.parametrize(("given", "emitted"), [("5", "5s"), ("500ms", "500ms")])
def test_the_timeouts_alembic_runs_with(given: str, emitted: str) -> None:
    env = subprocess_env(STRATA_LOCK_TIMEOUT=given, STRATA_STATEMENT_TIMEOUT=given)
    done = run_python("-m", "alembic", "upgrade", "head", "--sql", cwd=TINY, env=env)
    assert done.returncode == 0, done.stderr
    assert f"SET lock_timeout = '{emitted}';" in done.stdout
    assert f"SET statement_timeout = '{emitted}';" in done.stdout


@pytest.mark.parametrize(("given", "seconds"), [("5", 5.0), ("500ms", 0.5), ("2min", 120.0), ("1.5", 1.5)])
def test_the_lock_wait_takes_the_same_units(monkeypatch: pytest.MonkeyPatch, given: str, seconds: float) -> None:
    monkeypatch.setenv("STRATA_MIGRATION_LOCK_WAIT", given)
    assert strata_settings().migration_lock_wait == seconds


def test_a_lock_wait_too_long_in_any_unit_is_named_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATA_MIGRATION_LOCK_WAIT", "30d")
    with pytest.raises(StrataError) as raised:
        strata_settings()
    assert str(raised.value) == (
        "STRATA_MIGRATION_LOCK_WAIT='30d' is invalid: Input should be less than or equal to 2147483"
    )
