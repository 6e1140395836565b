"""Plausible text from a fixed vocabulary: deterministic, dependency-free, fast.

Faker would give richer text, but its output changes between releases and
locales; a seed has to give the same bytes for the same `--seed` on every
machine, so the vocabulary lives here and every choice goes through the
caller's `random.Random`.
"""

import hashlib
from random import Random

FIRST_NAMES = (
    "Ada", "Alan", "Grace", "Linus", "Barbara", "Edsger", "Margaret", "Dennis", "Frances", "Ken",
    "Radia", "Donald", "Katherine", "Guido", "Hedy", "John", "Sophie", "Niklaus", "Joan", "Tim",
)  # fmt: skip
LAST_NAMES = (
    "Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Dijkstra", "Hamilton", "Ritchie", "Allen", "Thompson",
    "Perlman", "Knuth", "Johnson", "Rossum", "Lamarr", "Backus", "Wilson", "Wirth", "Clarke", "Berners-Lee",
)  # fmt: skip
ADJECTIVES = (
    "practical", "modern", "essential", "advanced", "gentle", "applied", "hands-on", "complete", "visual",
    "concise", "reliable", "scalable", "functional", "async", "distributed", "secure", "incremental", "typed",
)  # fmt: skip
NOUNS = (
    "databases", "indexes", "transactions", "vectors", "embeddings", "queries", "migrations", "schemas",
    "algorithms", "graphs", "caching", "testing", "networks", "compilers", "statistics", "probability",
    "linear algebra", "calculus", "pipelines", "APIs", "streams", "concurrency", "recursion", "search",
    "retrieval", "storytelling", "characters", "timelines", "worlds", "chapters", "repositories", "refactoring",
)  # fmt: skip
VERBS = (
    "explains", "compares", "builds", "measures", "introduces", "revisits", "connects", "summarises",
    "questions", "illustrates", "derives", "tests", "shows", "defines", "traces", "outlines",
)  # fmt: skip
FILLERS = (
    "with worked examples", "step by step", "from first principles", "in production", "on real data",
    "for beginners", "under load", "in practice", "with a short exercise", "and its trade-offs",
    "without the jargon", "in ten minutes", "with diagrams", "across versions",
)  # fmt: skip
DOMAINS = ("example.org", "example.com", "example.net")
EXTENSIONS = ("pdf", "md", "txt", "docx", "pptx")


def title(rng: Random) -> str:
    """A heading such as 'Practical indexes with worked examples'."""
    phrase = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    if rng.random() < 0.5:
        phrase += f" {rng.choice(FILLERS)}"
    return phrase[0].upper() + phrase[1:]


def sentence(rng: Random) -> str:
    subject = f"This {rng.choice(('lesson', 'section', 'chapter', 'note', 'part', 'example'))}"
    return f"{subject} {rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(FILLERS)}."


def paragraph(rng: Random, sentences: tuple[int, int] = (2, 5)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def person(rng: Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def slug(text: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in kept.split("-") if part)


def handle(rng: Random) -> str:
    """A user name as code hosts show it: 'grace-hopper'."""
    return slug(" ".join(person(rng)))


def email(rng: Random, number: int) -> str:
    """Unique per `number`: the row number makes it so, whatever the names drawn."""
    first, last = person(rng)
    return f"{slug(first)}.{slug(last)}{number}@{rng.choice(DOMAINS)}"


def url(rng: Random, path: str) -> str:
    return f"https://{rng.choice(DOMAINS)}/{path}"


def file_name(rng: Random) -> str:
    return f"{slug(title(rng))}.{rng.choice(EXTENSIONS)}"


def hex_digest(rng: Random, length: int = 64) -> str:
    """Lowercase hex, as a SHA-256 checksum is stored."""
    return hashlib.sha256(rng.getrandbits(128).to_bytes(16, "big")).hexdigest()[:length]


def token(rng: Random, length: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(length))


def timecode(rng: Random) -> str:
    seconds = rng.randrange(0, 3 * 3600)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
