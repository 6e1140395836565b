"""What a check says: pass, fail or skip, a one-line summary, and its evidence."""

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a status, not a password
    WARN = "warn"  # passed, with a finding worth acting on; does not fail the run
    FAIL = "fail"
    SKIP = "skip"


@dataclass
class Outcome:
    status: Status
    summary: str
    details: list[str] = field(default_factory=list)

    @classmethod
    def passed(cls, summary: str, details: list[str] | None = None) -> "Outcome":
        return cls(Status.PASS, summary, details or [])

    @classmethod
    def warned(cls, summary: str, details: list[str] | None = None) -> "Outcome":
        return cls(Status.WARN, summary, details or [])

    @classmethod
    def failed(cls, summary: str, details: list[str] | None = None) -> "Outcome":
        return cls(Status.FAIL, summary, details or [])

    @classmethod
    def skipped(cls, summary: str) -> "Outcome":
        return cls(Status.SKIP, summary)


@dataclass
class CheckResult:
    name: str
    outcome: Outcome
    duration_ms: float


@dataclass
class AppReport:
    app: str
    database: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(result.outcome.status != Status.FAIL for result in self.results)
