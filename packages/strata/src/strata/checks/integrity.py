"""`migrations/strata.sum`: the SHA-256 of every revision file, so history cannot change silently.

A revision that already ran somewhere must never be edited: databases that
applied the old text will not apply the new one. Changing the sums is a
deliberate act (`strata check --update-sums`), visible in review.
"""

import hashlib
from pathlib import Path

from strata.apps import App
from strata.checks.context import Context
from strata.checks.outcome import Outcome

SUM_FILE = "strata.sum"
HEADER = "# SHA-256 of each revision file. Update deliberately: strata check --update-sums\n"


def sum_path(app: App) -> Path:
    return app.migrations_dir / SUM_FILE


def current(app: App) -> dict[str, str]:
    files = sorted((app.migrations_dir / "versions").glob("*.py"))
    return {f"versions/{path.name}": hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def recorded(app: App) -> dict[str, str] | None:
    path = sum_path(app)
    if not path.is_file():
        return None
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            found[name] = digest
    return found


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changes = [f"changed {name}" for name in sorted(before.keys() & after.keys()) if before[name] != after[name]]
    changes += [f"added {name}" for name in sorted(after.keys() - before.keys())]
    changes += [f"removed {name}" for name in sorted(before.keys() - after.keys())]
    return changes


def update(app: App) -> list[str]:
    """Rewrite strata.sum; returns what changed."""
    now = current(app)
    changes = differences(recorded(app) or {}, now)
    body = "".join(f"{digest}  {name}\n" for name, digest in now.items())
    sum_path(app).write_text(HEADER + body)
    return changes


def integrity(ctx: Context) -> Outcome:
    """An edited, added or removed revision must be a recorded decision, not an accident."""
    known = recorded(ctx.app)
    if known is None:
        return Outcome.failed(
            f"{SUM_FILE} is missing in {ctx.app.migrations_dir}; create it with `strata check --update-sums`"
        )
    changes = differences(known, current(ctx.app))
    if changes:
        return Outcome.failed(
            f"{len(changes)} unrecorded change(s): {changes[0]}; if deliberate, run `strata check --update-sums`",
            changes,
        )
    return Outcome.passed(f"{len(known)} revision file(s) match {SUM_FILE}")
