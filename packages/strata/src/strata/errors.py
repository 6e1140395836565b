"""One exception type for everything a user can fix.

The CLI and the migration runner print a `StrataError` as a single line and
exit 1; anything else is a bug in strata and keeps its traceback.
"""


class StrataError(Exception):
    """A problem the user can fix; the message names the problem and the fix."""

    exit_code = 1
