"""Test databases for strata apps: migrated templates, per-test clones, rollback sessions.

The pytest plugin (`strata.testing.plugin`) is registered through the
`pytest11` entry point; this package also exposes the plain functions it is
built from, for benchmarks and other harnesses.
"""

from strata.testing.templates import clone, ensure_template, migrations_digest, template_name

__all__ = ["clone", "ensure_template", "migrations_digest", "template_name"]
