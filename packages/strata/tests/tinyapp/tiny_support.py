"""Constants shared by strata's tests (importable, unlike conftest.py)."""

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TINY = Path(__file__).resolve().parent
CANARY_PASSWORD = "canary-Zq7!pw"

# Runs the strata CLI with tinyapp registered as an app, as its entry point would.
STRATA_WITH_TINY = f"""
import sys
sys.path.insert(0, {str(TINY)!r})
from strata import apps
from tiny_models import APP
_found = {{**apps.discover(), "tiny": APP}}
apps.discover = lambda: _found
sys.argv = ["strata", *sys.argv[1:]]
from strata.cli import main
main()
"""

# (exit code, stdout, stderr) of one in-process `strata` run.
Run = Callable[..., tuple[int, str, str]]


def in_process_strata(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the strata CLI in this process with tinyapp registered and no *_DATABASE_URL but those passed.

    Fast (no interpreter start-up); every run must end in one exit code and no traceback.
    """
    from strata import apps
    from strata.cli import main
    from tiny_models import APP

    found = {**apps.discover(), "tiny": APP}
    monkeypatch.setattr(apps, "discover", lambda: found)
    for name in [n for n in os.environ if n.endswith("DATABASE_URL")]:
        monkeypatch.delenv(name)

    def run(*args: str, **env: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "argv", ["strata", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return int(exited.value.code or 0), out, err.strip()

    return run
