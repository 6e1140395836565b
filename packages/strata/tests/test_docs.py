"""Schema docs come from the migrated database, are deterministic, and go stale loudly."""

from pathlib import Path

from strata import App
from strata.docs.generate import pages, stale


def test_generation_is_byte_identical_when_run_twice(tiny_copy: App) -> None:
    assert pages([tiny_copy]) == pages([tiny_copy])


def test_a_page_shows_the_diagram_types_constraints_indexes_and_enums(tiny_copy: App) -> None:
    page = pages([tiny_copy])["tiny.md"]
    assert "```mermaid\nerDiagram\n" in page
    assert "        vector(3) embedding\n" in page
    assert '    notes ||--o{ tags : "fk_tags_note_id_notes"' in page
    assert "| `embedding` | `vector(3)` | yes |" in page
    assert "`FOREIGN KEY (note_id) REFERENCES notes(id) ON DELETE CASCADE`" in page
    assert "USING hnsw (embedding vector_cosine_ops) WITH (m='16', ef_construction='64')" in page
    assert "| `mood` | `calm`, `busy` |" in page
    assert "Head revision: `0001`." in page


def test_check_reports_a_diff_when_a_migration_changes_and_the_docs_do_not(tiny_copy: App, tmp_path: Path) -> None:
    directory = tmp_path / "docs"
    directory.mkdir()
    for name, content in pages([tiny_copy]).items():
        (directory / name).write_text(content)
    assert stale(directory, pages([tiny_copy])) == []

    revision = tiny_copy.migrations_dir / "versions" / "0001_notes.py"
    revision.write_text(revision.read_text().replace("sa.String(length=50)", "sa.String(length=80)"))
    diff = "".join(stale(directory, pages([tiny_copy])))
    assert "-| `label` | `character varying(50)` |" in diff
    assert "+| `label` | `character varying(80)` |" in diff
