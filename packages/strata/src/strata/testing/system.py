"""Tests that need something of the machine: a system binary, or root to switch users.

Locally such a test skips with a one-line reason. CI sets `STRATA_REQUIRE_SYSTEM=1`
(see `.ci/run`), which turns that skip into a failure: CI never passes without them.
"""

import os
import shutil
from typing import NoReturn

import pytest

REQUIRE_VARIABLE = "STRATA_REQUIRE_SYSTEM"
_SYSTEM_DIRS = "/usr/sbin:/sbin:/usr/local/sbin"


def unavailable(reason: str) -> NoReturn:
    """Skip with `reason`, or fail when the environment requires system tests."""
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_VARIABLE}=1 requires this test to run")
    pytest.skip(reason)


def system_binary(name: str, *, package: str | None = None) -> str:
    """The path of a system binary such as `pgbouncer`, also found in sbin folders."""
    found = shutil.which(name) or shutil.which(name, path=_SYSTEM_DIRS)
    if found is None:
        unavailable(f"{name} is not installed (apt-get install {package or name})")
    return found


def require_root(purpose: str) -> None:
    """Tests that act as another local user need root (CI runs as root)."""
    if os.geteuid() != 0:
        unavailable(f"needs root to {purpose}")
