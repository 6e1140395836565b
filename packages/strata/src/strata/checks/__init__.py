"""`strata check`: every checkpoint the seeds left to a person, run against a real PostgreSQL."""

from strata.checks.outcome import AppReport, CheckResult, Outcome, Status
from strata.checks.runner import CHECKS, NAMES, check_app, database_to_check

__all__ = [
    "CHECKS",
    "NAMES",
    "AppReport",
    "CheckResult",
    "Outcome",
    "Status",
    "check_app",
    "database_to_check",
]
