"""A template's name changes whenever the migrations it was built from could differ, and only then."""

from dataclasses import replace

from strata import App
from strata.testing.templates import PREFIX, migrations_digest, template_name


def _versions(app: App) -> list[str]:
    return sorted(path.name for path in (app.migrations_dir / "versions").glob("*.py"))


def test_the_same_migrations_give_the_same_name(tiny_copy: App) -> None:
    assert template_name(tiny_copy) == template_name(tiny_copy)
    assert template_name(tiny_copy).startswith(f"{PREFIX}tpl_tiny_")


def test_renaming_a_revision_file_changes_the_digest(tiny_copy: App) -> None:
    before = migrations_digest(tiny_copy)
    (name,) = _versions(tiny_copy)
    versions = tiny_copy.migrations_dir / "versions"
    (versions / name).rename(versions / f"renamed_{name}")
    assert migrations_digest(tiny_copy) != before


def test_editing_env_py_changes_the_digest(tiny_copy: App) -> None:
    before = migrations_digest(tiny_copy)
    env = tiny_copy.migrations_dir / "env.py"
    env.write_text(env.read_text() + "\n# a different environment\n")
    assert migrations_digest(tiny_copy) != before


def test_a_long_app_name_still_gives_a_valid_database_name(tiny_copy: App) -> None:
    name = template_name(replace(tiny_copy, name="x" * 80))
    assert len(name) == 63
    assert name.startswith(f"{PREFIX}tpl_xxx")
