"""Turn the templates into a new app's files: which files, under which paths, with which contents."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from strata.connection.urls import Driver
from strata.scaffold.names import distribution_name

TEMPLATE = Path(__file__).resolve().parent / "template"
_ONLY = {".vector.tmpl": True, ".plain.tmpl": False}


@dataclass(frozen=True)
class Blueprint:
    """What `strata new-app` was asked for."""

    name: str
    driver: Driver
    vector: bool

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").title()

    def tokens(self) -> dict[str, str]:
        exports = ["EMBEDDING_DIMENSIONS", "Item"] if self.vector else ["Item"]
        queries = '\n    vector_queries={"items.embedding": "cosine"},' if self.vector else ""
        return {
            "name": self.name,
            "dist": distribution_name(self.name),
            "title": self.title,
            "driver": self.driver,
            "PREFIX": f"{self.name.upper()}_",
            "vector_queries": queries,
            "item_exports": ", ".join(exports),
            "all_exports": ", ".join(f'"{name}"' for name in ["Base", *exports]),
            "created": str(datetime.now()),  # Alembic writes local time too
        }

    def files(self) -> dict[Path, str]:
        """Path inside the app's directory → content."""
        tokens = self.tokens()
        written: dict[Path, str] = {}
        for template in sorted(TEMPLATE.rglob("*.tmpl")):
            target = self._target(template.relative_to(TEMPLATE))
            if target is not None:
                written[target] = _fill(template.read_text(), tokens)
        return written

    def _target(self, relative: Path) -> Path | None:
        """Where a template goes: `src/` becomes the package; variants for the other choice are skipped."""
        name = relative.name
        for suffix, wanted in _ONLY.items():
            if name.endswith(suffix):
                if self.vector != wanted:
                    return None
                name = name.removesuffix(suffix) + ".tmpl"
        parts = relative.parent.parts
        if parts[:1] == ("src",):
            parts = ("src", self.name, *parts[1:])
        return Path(*parts, name.removesuffix(".tmpl"))


def _fill(text: str, tokens: dict[str, str]) -> str:
    for token, value in tokens.items():
        text = text.replace("{{" + token + "}}", value)
    return text
