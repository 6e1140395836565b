"""`strata doctor`: find damage in the embedded server's files and in each app's database, one line per finding.

Two layers: the cluster (pg_controldata, the WAL segment its last checkpoint
needs, whether it starts) and each database (the bundled pg_amcheck on heaps
and B-tree indexes, and a read of every block of every relation, which finds a
deleted file whatever its kind). Each finding names the object, the problem and
a fix.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One thing that is damaged: where, what, and what to do."""

    where: str
    problem: str
    fix: str

    def line(self) -> str:
        return f"{self.where}: {self.problem}; fix: {self.fix}"
