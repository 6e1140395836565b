"""A value maker per column: plausible content chosen from the column's type, name and rules.

A maker is called once per row with the table's `random.Random` and what the
row is (`RowInfo`), so values depend only on the seed. `None` instead of a
maker means: leave the column to its server default.
"""

import datetime
import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from random import Random
from typing import Any

from sqlalchemy import Column, types
from sqlalchemy.dialects import postgresql

from strata.seed import documents, words
from strata.seed.rules import ColumnRules, server_default_text

NULL_SHARE = 0.12  # nullable columns left NULL, as real rows leave optional fields empty


@dataclass(frozen=True)
class RowInfo:
    """What a value maker may know about the row it fills."""

    number: int  # unique within the table, also across `--append` runs
    moment: datetime.datetime  # when the row was created
    rank: int  # 1-based position among the rows of the same parent


ValueMaker = Callable[[Random, RowInfo], Any]

KNOWN_CHOICES: dict[str, tuple[str, ...]] = {
    "provider": ("openai", "anthropic", "google", "mistral"),
    "model": ("gpt-4o-mini", "gpt-4o", "claude-sonnet-4", "gemini-2.0-flash"),
    "model_id": ("gpt-4o-mini", "gpt-4o", "claude-sonnet-4", "gemini-2.0-flash"),
    "task_type": ("summarise", "extract_concepts", "generate_exercises", "map_slides", "grade_answer"),
    "stage": ("outline", "world_building", "drafting", "qa", "revision"),
    "style": ("documentary", "podcast", "fiction", "tutorial"),
    "genre": ("fantasy", "science fiction", "mystery", "historical", "thriller"),
    "subscription_tier": ("free", "pro", "team"),
    "expertise_level": ("beginner", "intermediate", "expert"),
    "intent_category": ("onboarding", "architecture", "debugging", "history", "contribution"),
    "voice_id": ("alloy", "echo", "fable", "onyx", "nova", "shimmer"),
    "type": ("outline", "draft", "chapter", "summary"),
    "role": ("user", "assistant", "system"),
    "prompt_version": ("v1", "v2", "v3"),
}
LONG_TEXT = (
    "description", "definition", "content", "text", "body", "script", "summary", "goal", "inspiration",
    "snapshot", "solution", "criteria", "notes", "message", "answer", "question", "prompt",
)  # fmt: skip
TITLE_LIKE = ("title", "subject", "heading", "topic", "label", "caption", "headline")
PERSON_TABLES = ("user", "profile", "character", "author", "person", "member", "people", "student")
ORDINAL = ("order", "position", "rank", "order_index", "sort_order", "slide_number", "sequence", "index", "number")
INT_RANGES: tuple[tuple[str, tuple[int, int]], ...] = (
    ("tokens", (50, 4000)),
    ("latency", (150, 9000)),
    ("difficulty", (1, 5)),
    ("level", (1, 5)),
    ("duration", (30, 900)),
    ("length", (200, 20000)),
    ("count", (1, 500)),
    ("quota", (10, 1000)),
    ("limit", (10, 1000)),
)


def _text(table: str, name: str, length: int, long: bool) -> Callable[[Random, RowInfo], str]:
    if "email" in name:
        return lambda rng, row: words.email(rng, row.number)
    if name == "github_url":
        return lambda rng, row: (
            f"https://github.com/{words.slug(' '.join(words.person(rng)))}/{words.slug(words.title(rng))}"
        )
    if name.endswith("url") or name == "link":
        return lambda rng, row: words.url(rng, f"{row.number}/{words.file_name(rng)}")
    if "path" in name:
        return lambda rng, row: f"/uploads/{row.number}/{words.file_name(rng)}"
    if name.endswith(("filename", "file_name")):
        return lambda rng, row: words.file_name(rng)
    if name == "password_hash":
        return lambda rng, row: "$argon2id$v=19$m=65536,t=3,p=4$" + words.token(rng, 22) + "$" + words.token(rng, 43)
    if any(part in name for part in ("hash", "checksum", "digest", "sha")):
        return lambda rng, row: words.hex_digest(rng, min(length, 64))
    if "prefix" in name or name.endswith("token"):
        return lambda rng, row: words.token(rng, min(length, 16))
    if "timecode" in name:
        return lambda rng, row: words.timecode(rng)
    if name in KNOWN_CHOICES:
        choices = KNOWN_CHOICES[name]
        return lambda rng, row: rng.choice(choices)
    if name in ("owner", "username", "handle") or (name == "name" and "repositor" in table):
        return lambda rng, row: words.handle(rng) if name != "name" else words.slug(words.title(rng))
    if (name == "name" or name.endswith("_name")) and any(hint in table for hint in PERSON_TABLES):
        return lambda rng, row: " ".join(words.person(rng))
    if "error" in name:
        return lambda rng, row: f"{rng.choice(documents.ERRORS)} after {rng.randint(1, 30)} s"
    if any(part in name for part in LONG_TEXT) or (long and not any(part in name for part in TITLE_LIKE)):
        return lambda rng, row: words.paragraph(rng)
    return lambda rng, row: words.title(rng)


def _fit(maker: Callable[[Random, RowInfo], str], length: int | None, unique: bool) -> ValueMaker:
    """Cut to the column's length; a unique column gets the row number, which keeps it unique."""
    limit = length or 100_000

    def fitted(rng: Random, row: RowInfo) -> str:
        value = maker(rng, row)
        if unique and str(row.number) not in value:
            suffix = f" {row.number}"
            return value[: max(1, limit - len(suffix))] + suffix
        return value[:limit]

    return fitted


def _integer(name: str, rules: ColumnRules) -> ValueMaker:
    if rules.unique:
        return lambda rng, row: row.number
    if name in ORDINAL or name.endswith(("_order", "_number", "_index", "_position")) or rules.in_unique_set:
        return lambda rng, row: row.rank
    low, high = next((bounds for part, bounds in INT_RANGES if part in name), (1, 100))
    low = max(low, math.ceil(rules.low)) if rules.low is not None else low
    high = min(high, math.floor(rules.high)) if rules.high is not None else high
    return lambda rng, row: rng.randint(low, max(low, high))


def _float(name: str, rules: ColumnRules) -> ValueMaker:
    low, high = (0.0005, 0.5) if "cost" in name else (30.0, 900.0) if "duration" in name else (0.0, 100.0)
    if "score" in name:
        low, high = 0.0, 1.0
    low = rules.low if rules.low is not None else low
    high = rules.high if rules.high is not None else high
    return lambda rng, row: round(rng.uniform(low, high), 4)


def _timestamp(name: str, aware: bool) -> ValueMaker:
    def stamp(rng: Random, row: RowInfo) -> datetime.datetime:
        if name == "created_at":
            moment = row.moment
        elif name in ("updated_at", "modified_at"):
            moment = row.moment + datetime.timedelta(seconds=rng.expovariate(1 / 172_800))
        else:
            moment = row.moment + datetime.timedelta(seconds=rng.uniform(60, 259_200))
        return moment if aware else moment.replace(tzinfo=None)

    return stamp


def _array(column: Column[Any]) -> ValueMaker:
    item = getattr(column.type, "item_type", None)
    if isinstance(item, types.Uuid | postgresql.UUID):
        return lambda rng, row: []
    if isinstance(item, types.Integer):
        return lambda rng, row: [rng.randint(1, 100) for _ in range(rng.randint(0, 4))]
    return lambda rng, row: [words.title(rng) for _ in range(rng.randint(1, 4))]


def _by_type(table: str, column: Column[Any], rules: ColumnRules) -> ValueMaker | None:
    kind, name = column.type, column.name.lower()
    choices = rules.choices or list(getattr(kind, "enums", None) or [])
    if choices:
        return lambda rng, row: rng.choice(choices)
    if isinstance(kind, types.Boolean):
        return lambda rng, row: rng.random() < 0.7
    if isinstance(kind, types.DateTime):
        return _timestamp(name, bool(getattr(kind, "timezone", False)))
    if isinstance(kind, types.Date):
        return lambda rng, row: row.moment.date()
    if isinstance(kind, types.JSON):
        return documents.json_maker(name, server_default_text(column))
    if isinstance(kind, types.String) and name in KNOWN_CHOICES:
        known = tuple(choice[: kind.length] for choice in KNOWN_CHOICES[name])
        return lambda rng, row: rng.choice(known)
    if server_default_text(column) is not None:
        return None
    if isinstance(kind, types.ARRAY):
        return _array(column)
    if isinstance(kind, types.Uuid | postgresql.UUID):
        return lambda rng, row: uuid.UUID(int=rng.getrandbits(128), version=4)
    if isinstance(kind, types.Integer):
        return _integer(name, rules)
    if isinstance(kind, types.Float | types.Numeric):
        return _float(name, rules)
    length = getattr(kind, "length", None)
    long = isinstance(kind, types.Text) or (length or 0) >= 1000
    return _fit(_text(table, name, length or 100_000, long), length, rules.unique or rules.in_unique_set)


def maker_for(
    table: str, column: Column[Any], rules: ColumnRules, overrides: Mapping[str, ValueMaker]
) -> ValueMaker | None:
    """The maker for one column that is neither a key nor a vector; None leaves it to the server default."""
    override = overrides.get(f"{table}.{column.name}")
    maker = override or _by_type(table, column, rules)
    if maker is None or override is not None or not column.nullable or rules.unique:
        return maker
    inner = maker

    def sometimes_null(rng: Random, row: RowInfo) -> Any:
        return None if rng.random() < NULL_SHARE else inner(rng, row)

    return sometimes_null
