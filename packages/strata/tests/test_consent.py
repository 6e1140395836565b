"""Consent means yes: only `--yes`, `CONFIRM=1` and `CONFIRM=yes` let a destructive step go ahead."""

import io

import pytest
from rich.console import Console
from sqlalchemy.engine import URL
from strata.cli.guard import confirm_destructive
from strata.connection.urls import libpq
from strata.errors import StrataError
from tiny_models import APP


@pytest.fixture
def not_embedded(strata_fresh_url: URL, monkeypatch: pytest.MonkeyPatch) -> URL:
    monkeypatch.setenv("TINY_DATABASE_URL", libpq(strata_fresh_url))
    monkeypatch.delenv("CONFIRM", raising=False)
    return strata_fresh_url


def _confirm(*, yes: bool = False, answer: bool | None = None) -> None:
    def ask(_question: str) -> bool:
        if answer is None:
            raise AssertionError("asked, but should have decided without asking")
        return answer

    confirm_destructive(APP, "reset", yes=yes, console=Console(file=io.StringIO()), ask=ask)


@pytest.mark.parametrize("value", ["1", "yes"])
def test_confirm_1_and_yes_consent(not_embedded: URL, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CONFIRM", value)
    _confirm()


@pytest.mark.parametrize("value", ["no", "0", "false", "n", "YES", "y", " 1", "yes no", "2"])
def test_any_other_confirm_refuses_even_with_yes_or_at_a_terminal(
    not_embedded: URL, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CONFIRM", value)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    for yes in (False, True):
        with pytest.raises(StrataError, match=f"^CONFIRM={value!r} is not consent; nothing was changed"):
            _confirm(yes=yes, answer=True)


def test_an_empty_confirm_is_no_answer_and_refuses_without_a_terminal(
    not_embedded: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFIRM", "")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(StrataError, match="refusing to run without confirmation"):
        _confirm()


def test_yes_alone_consents(not_embedded: URL) -> None:
    _confirm(yes=True)
