"""JSONB content shaped by the column's name and default: lists of events, messages, references, settings.

A column whose server default is `'[]'` holds a list and `'{}'` an object;
otherwise a plural name suggests a list. An app gives exact shapes for its
own columns in its `seed.py` (`VALUES`); these are the generic fallbacks.
"""

from collections.abc import Callable
from random import Random
from typing import TYPE_CHECKING, Any

from strata.seed import words

if TYPE_CHECKING:
    from strata.seed.values import RowInfo

ERRORS = (
    "upstream timed out",
    "rate limit exceeded",
    "invalid response format",
    "connection reset by peer",
    "document could not be parsed",
)

Maker = Callable[[Random, "RowInfo"], Any]


def _messages(rng: Random) -> list[dict[str, str]]:
    return [{"role": ("user", "assistant")[n % 2], "content": words.sentence(rng)} for n in range(rng.randint(2, 6))]


def _events(rng: Random) -> list[dict[str, Any]]:
    return [{"step": n + 1, "event": words.sentence(rng)} for n in range(rng.randint(2, 6))]


def _references(rng: Random) -> list[str]:
    return [words.url(rng, words.file_name(rng)) for _ in range(rng.randint(1, 3))]


def _phrases(rng: Random) -> list[str]:
    return [words.title(rng) for _ in range(rng.randint(1, 4))]


def _settings(rng: Random) -> dict[str, Any]:
    return {
        "language": rng.choice(("en", "de", "fr", "es")),
        "theme": rng.choice(("light", "dark")),
        "notifications": rng.random() < 0.5,
    }


def _record(rng: Random) -> dict[str, Any]:
    return {"summary": words.sentence(rng), "tags": _phrases(rng), "score": round(rng.random(), 3)}


LIST_SHAPES: tuple[tuple[tuple[str, ...], Callable[[Random], Any]], ...] = (
    (("conversation", "messages", "chat"), _messages),
    (("history", "nodes", "timeline", "trajectory", "events", "steps"), _events),
    (("reference", "links", "urls", "sources"), _references),
    (("errors", "warnings"), lambda rng: [f"{rng.choice(ERRORS)}: {words.sentence(rng)}"]),
    (("timecodes",), lambda rng: [words.timecode(rng) for _ in range(rng.randint(1, 4))]),
)
OBJECT_SHAPES: tuple[tuple[tuple[str, ...], Callable[[Random], Any]], ...] = (
    (("preferences", "settings", "options", "config"), _settings),
)


def _shape(name: str, default: str | None) -> Callable[[Random], Any]:
    is_list = "[]" in default if default else name.endswith("s") and not name.endswith(("ss", "us"))
    for hints, shape in LIST_SHAPES if is_list else OBJECT_SHAPES:
        if any(hint in name for hint in hints):
            return shape
    return _phrases if is_list else _record


def json_maker(name: str, default: str | None) -> Maker:
    shape = _shape(name, default)
    return lambda rng, row: shape(rng)
