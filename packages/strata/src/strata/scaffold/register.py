"""Register a new app in the workspace's `pyproject.toml` and `compose.yaml`, where the existing apps are.

Three lists name every app: the root project's dependencies (so `uv sync`
installs it), `[tool.uv.sources]` (from the workspace, not PyPI) and mypy's
`mypy_path` (so `make lint` type-checks it). Lines are inserted into the file
as written, so its layout and comments stay; the result is parsed again to
prove it is still valid TOML that names the app. `compose.yaml` gets the app's
database on the primary and its pooled, direct and read URLs, written like the
existing apps' (same hosts, ports and role).
"""

import re
import tomllib

from strata.errors import StrataError


def registered(text: str, name: str, dist: str) -> str:
    """`text` (the root pyproject.toml) with the app added to each list that names the apps."""
    text = _append_to_list(text, "dependencies", f'    "{dist}",\n')
    text = _append_to_table(text, "tool.uv.sources", f"{dist} = {{ workspace = true }}\n")
    if re.search(r"^mypy_path = \[", text, re.MULTILINE):
        text = _append_to_list(text, "mypy_path", f'    "$MYPY_CONFIG_FILE_DIR/apps/{name}/src",\n')
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise StrataError(f"cannot register {name} in pyproject.toml ({error}); add it by hand") from None
    if dist not in data.get("project", {}).get("dependencies", []):
        raise StrataError(f"cannot register {name} in pyproject.toml; add {dist!r} to [project] dependencies")
    return text


def _append_to_list(text: str, key: str, line: str) -> str:
    """Insert `line` before the `]` that closes the first multi-line `key = [` list."""
    found = re.search(rf"^{key} = \[\n(?:[ \t]+.*\n)*(?=\])", text, re.MULTILINE)
    if found is None:
        raise StrataError(f"cannot find the multi-line '{key} = [' list in pyproject.toml; register the app by hand")
    return text[: found.end()] + line + text[found.end() :]


def _append_to_table(text: str, table: str, line: str) -> str:
    """Append `line` after the last entry of `[table]` (the table is created when missing)."""
    found = re.search(rf"^\[{re.escape(table)}\]\n(?:[^\[\n].*\n)*", text, re.MULTILINE)
    if found is None:
        return text.rstrip("\n") + f"\n\n[{table}]\n{line}"
    body = found.group(0).rstrip("\n") + "\n"
    return text[: found.start()] + body + line + text[found.start() + len(body) :]


_URL_KINDS = {  # variable suffix: a pattern matching an existing app's variable of that kind
    "DATABASE_URL": r"(?![A-Z0-9_]*(?:DIRECT|READ)_DATABASE_URL)[A-Z0-9_]+_DATABASE_URL",
    "DIRECT_DATABASE_URL": r"[A-Z0-9_]+_DIRECT_DATABASE_URL",
    "READ_DATABASE_URL": r"[A-Z0-9_]+_READ_DATABASE_URL",
}


def compose_registered(text: str, name: str, prefix: str) -> str:
    """`text` (compose.yaml) with the app's database and its three URLs added after the existing apps'."""
    databases = list(re.finditer(r"^([ \t]+)CREATE DATABASE \w+;\n", text, re.MULTILINE))
    environment = re.search(r"^x-strata-environment:\n(?:[ \t]+.*\n)+", text, re.MULTILINE)
    if not databases or environment is None:
        raise StrataError(f"cannot find the apps' databases and URLs in compose.yaml; add {name}'s by hand")
    last = databases[-1]
    text = text[: last.end()] + f"{last.group(1)}CREATE DATABASE {name};\n" + text[last.end() :]
    lines = "".join(f"  {prefix}{kind}: {_url_like(text, pattern, name)}\n" for kind, pattern in _URL_KINDS.items())
    return text[: environment.end()] + lines + text[environment.end() :]


def _url_like(text: str, variable: str, name: str) -> str:
    """An existing app's URL of this kind, pointing at database `name` instead."""
    found = re.search(rf"^[ \t]+{variable}: (\S+?://\S+?/)\w+(\S*)$", text, re.MULTILINE)
    if found is None:
        raise StrataError(f"cannot find an app's {variable[-20:]} in compose.yaml to copy; add {name}'s by hand")
    return f"{found.group(1)}{name}{found.group(2)}"
