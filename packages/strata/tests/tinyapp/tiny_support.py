"""Constants shared by strata's tests (importable, unlike conftest.py)."""

from pathlib import Path

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
