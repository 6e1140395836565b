"""The README's architecture section names every folder and top-level module of the package, and nothing else."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "packages/strata/src/strata"


def _architecture_block() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Architecture") :]
    return section[section.index("```") + 3 : section.index("```", section.index("```") + 3)]


def test_the_readme_architecture_matches_the_package_tree() -> None:
    named = set(re.findall(r"src/strata/([\w.]+/?)", _architecture_block()))
    folders = {f"{path.name}/" for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    modules = {path.name for path in PACKAGE.glob("*.py") if path.name != "__main__.py"}
    assert named == folders | modules
