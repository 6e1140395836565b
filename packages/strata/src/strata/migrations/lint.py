"""`strata lint`: squawk on the SQL each revision would run, so blocking DDL is caught in review.

Each revision's SQL is rendered offline (`alembic upgrade <down>:<rev> --sql`,
no server needed) and given to squawk (`squawk-cli`). Rules:
- an initial revision (no down_revision) is exempt: it creates tables nobody
  reads or writes yet, so no lock it takes can block traffic;
- style rules that say nothing about locks or rewrites are not applied (they
  would contradict the seeds' column types): see EXCLUDED_RULES;
- every other finding fails the revision: a non-concurrent index on an
  existing table, a NOT NULL column without a default, a column type change, …
  and comes with the safe way to write it (`alternatives.py`).

A revision written with `strata.migrations.online` is clean: squawk reads the
COMMIT/BEGIN the helpers render around their statements, so it sees a
concurrent build outside the transaction and a validation after the commit
that ended the NOT VALID step.
"""

import io
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command

from strata.apps import App
from strata.errors import StrataError
from strata.migrations import alembic_api
from strata.migrations.alternatives import alternative, rule_of

EXCLUDED_RULES = (
    "prefer-text-field",  # the seeds fix VARCHAR lengths on purpose
    "prefer-bigint-over-int",  # counters and scores, not keys: keys are UUIDv7
    "prefer-bigint-over-smallint",
    "prefer-identity",  # keys are UUIDv7, generated in Python
    "prefer-robust-stmts",  # each revision runs in one transaction; IF NOT EXISTS would hide drift
)
PG_VERSION = "18.0"


@dataclass
class RevisionLint:
    revision: str
    exempt: bool
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exempt or not self.findings

    @property
    def alternatives(self) -> dict[str, str]:
        """For each rule found, the safe way to write the change."""
        return {rule_of(finding): alternative(rule_of(finding)) for finding in self.findings}


def squawk_binary() -> Path:
    found = Path(sys.executable).parent / "squawk"
    if not found.exists():
        raise StrataError("squawk is not installed in this environment; install strata with its dependencies")
    return found


def revision_sql(app: App, revision: str, down: str | None) -> str:
    cfg = alembic_api.config(app)
    cfg.output_buffer = io.StringIO()
    command.upgrade(cfg, f"{down}:{revision}" if down else revision, sql=True)
    return str(cfg.output_buffer.getvalue())


def run_squawk(sql: str, name: str) -> list[str]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{name}.sql"
        path.write_text(sql)
        done = subprocess.run(
            [
                str(squawk_binary()),
                "--reporter",
                "json",
                f"--pg-version={PG_VERSION}",
                f"--exclude={','.join(EXCLUDED_RULES)}",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode not in (0, 1) or not done.stdout.strip().startswith("["):
        raise StrataError(f"squawk failed on {name}: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    lines = sql.splitlines()
    return [
        f"{item['rule_name']}: {item['message']} — `{lines[item['line']].strip()[:100]}`"
        for item in json.loads(done.stdout)
    ]


def lint_app(app: App) -> list[RevisionLint]:
    script = alembic_api.script_directory(app)
    results = []
    for revision in reversed(list(script.walk_revisions())):
        downs = revision.down_revision
        down = downs if isinstance(downs, str) or downs is None else downs[0]
        exempt = down is None
        findings = [] if exempt else run_squawk(revision_sql(app, revision.revision, down), revision.revision)
        results.append(RevisionLint(revision.revision, exempt, findings))
    return results
