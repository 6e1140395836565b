"""Why the embedded server did not start, in its own log's words, with what to do about it.

pg_ctl ends a failed start with "Examine the log output."; the cause (say
`PANIC: could not locate a valid checkpoint record`) is in the log file. The
error a user sees quotes it instead, and names the fix.
"""

import re
from pathlib import Path

_CAUSE = re.compile(r"\b(PANIC|FATAL):\s+(.+)")
_TAIL_BYTES = 64 * 1024


def cause_in_log(log: Path) -> str | None:
    """The last PANIC in the log's tail, else its last FATAL, as `SEVERITY: message`."""
    try:
        with log.open("rb") as file:
            file.seek(max(0, log.stat().st_size - _TAIL_BYTES))
            tail = file.read().decode(errors="replace")
    except OSError:
        return None
    causes = [match.groups() for line in tail.splitlines() if (match := _CAUSE.search(line))]
    chosen = [cause for cause in causes if cause[0] == "PANIC"] or causes
    if not chosen:
        return None
    severity, message = chosen[-1]
    return f"{severity}: {message.strip()}"


def start_failure(reason: str, log: Path, home: Path) -> str:
    """One line for a failed start: the log's cause when there is one, and the way out."""
    cause = cause_in_log(log)
    if cause is None:
        return f"{reason}; see {log}" if log.exists() else reason
    return (
        f"the embedded PostgreSQL did not start: {cause} (from {log}); run `strata doctor` to see what is damaged, "
        f"then restore {home} from a backup, or move it aside and run `make up` to start over (its data is lost)"
    )
