"""Every check of `strata check` fails on the fault it exists to catch, and only that check.

Each broken app is tinyapp with a few exact text edits, built in a temporary
directory; a check that cannot fail here would be a defect.
"""

import importlib
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from strata import App
from strata.checks import AppReport, Status, check_app
from strata.checks import integrity as sums
from strata.server.admin import drop_database, ensure_database
from strata.testing.server import unique_name
from tiny_support import TINY

Edit = tuple[str, str]


def make_app(
    tmp_path: Path,
    name: str,
    *,
    models: list[Edit] = (),  # type: ignore[assignment]
    migration: list[Edit] = (),  # type: ignore[assignment]
    extra_revisions: dict[str, str] | None = None,
    edit_after_sums: list[Edit] = (),  # type: ignore[assignment]
    revisions_after_sums: dict[str, str | None] | None = None,
    vector_queries: dict[str, str] | None = None,
) -> App:
    root = tmp_path / name
    shutil.copytree(TINY, root, ignore=shutil.ignore_patterns("__pycache__", "tiny_*.py"))
    source = _edited((TINY / "tiny_models.py").read_text(), models)
    source = source.replace('name="tiny"', f'name="{name}"').replace("tiny_models:Base", f"{name}_models:Base")
    (root / f"{name}_models.py").write_text(source)
    env = root / "migrations" / "env.py"
    env.write_text(env.read_text().replace("from tiny_models import", f"from {name}_models import"))
    revision = root / "migrations" / "versions" / "0001_notes.py"
    revision.write_text(_edited(revision.read_text(), migration))
    for filename, text in (extra_revisions or {}).items():
        (root / "migrations" / "versions" / filename).write_text(text)
    sys.path.insert(0, str(root))
    app: App = importlib.import_module(f"{name}_models").APP
    sys.path.remove(str(root))
    sums.update(app)
    revision.write_text(_edited(revision.read_text(), edit_after_sums))
    for filename, changed in (revisions_after_sums or {}).items():
        target = root / "migrations" / "versions" / filename
        target.write_text(changed) if changed is not None else target.unlink()
    return replace(app, vector_queries=vector_queries or {})


def _edited(text: str, edits: list[Edit]) -> str:
    for old, new in edits:
        assert old in text, f"fixture edit does not apply: {old!r}"
        text = text.replace(old, new)
    return text


@pytest.fixture
def run_checks(strata_server: URL) -> Iterator[object]:
    created: list[URL] = []

    def run(app: App) -> AppReport:
        url = strata_server.set(database=unique_name("chk", app.name[:12]))
        ensure_database(url)
        created.append(url)
        sys.path.insert(0, str(app.root))
        try:
            return check_app(app, url)
        finally:
            sys.path.remove(str(app.root))

    yield run
    for url in created:
        drop_database(url)


def _failed(report: AppReport) -> dict[str, str]:
    return {r.name: r.outcome.summary for r in report.results if r.outcome.status == Status.FAIL}


def test_the_intact_app_passes_every_check(tmp_path: Path, run_checks) -> None:  # type: ignore[no-untyped-def]
    report = run_checks(make_app(tmp_path, "intact"))
    assert _failed(report) == {}
    assert [r.outcome.status for r in report.results] == [Status.PASS] * len(report.results)


NO_ANN_INDEX_MODELS = [
    (
        """        Index(
            "ix_notes_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
""",
        "",
    )
]
NO_ANN_INDEX_MIGRATION = [
    (
        """    op.create_index(
        "ix_notes_embedding_hnsw",
        "notes",
        ["embedding"],
        unique=False,
        postgresql_using="hnsw",
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_ops={"embedding": "vector_cosine_ops"},
    )
""",
        "",
    ),
    ('    op.drop_index("ix_notes_embedding_hnsw", table_name="notes")\n', ""),
]


def test_a_vector_column_without_an_ann_index_warns_and_fails_nothing(tmp_path: Path, run_checks) -> None:  # type: ignore[no-untyped-def]
    report = run_checks(make_app(tmp_path, "noann", models=NO_ANN_INDEX_MODELS, migration=NO_ANN_INDEX_MIGRATION))
    assert {r.name: r.outcome.status for r in report.results if r.outcome.status != Status.PASS} == {
        "vector-indexes": Status.WARN
    }
    vector = next(r for r in report.results if r.name == "vector-indexes")
    assert vector.outcome.summary == "notes.embedding (vector(3)) has no ANN index: kNN queries scan every row"


def test_a_set_null_foreign_key_that_nulls_passes(tmp_path: Path, run_checks) -> None:  # type: ignore[no-untyped-def]
    app = make_app(
        tmp_path,
        "set_null",
        models=SET_NULL_MODELS,
        migration=[*NULLABLE_NOTE_ID, ('ondelete="CASCADE"', 'ondelete="SET NULL"')],
    )
    report = run_checks(app)
    assert _failed(report) == {}
    cascades = next(r.outcome for r in report.results if r.name == "cascades")
    assert "notes: a delete removes 1 row(s) in 1 table(s) and nulls 1" in cascades.details


def _empty_revision(revision: str, down_revision: str) -> str:
    return (
        f'revision = "{revision}"\ndown_revision = "{down_revision}"\n\n\n'
        "def upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
    )


# tags refer to notes by (id, body); the only index on tags leads with note_id alone.
COMPOSITE_FK_MODELS = [
    (
        "from sqlalchemy import CheckConstraint,",
        "from sqlalchemy import ForeignKeyConstraint, UniqueConstraint, CheckConstraint,",
    ),
    (
        'CheckConstraint("char_length(body) > 0", name="body_not_empty"),',
        'CheckConstraint("char_length(body) > 0", name="body_not_empty"),\n        UniqueConstraint("id", "body"),',
    ),
    (
        '    note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)\n',
        "    __table_args__ = (\n"
        '        ForeignKeyConstraint(["note_id", "note_body"], ["notes.id", "notes.body"], ondelete="CASCADE"),\n'
        "    )\n\n"
        "    note_id: Mapped[uuid.UUID] = mapped_column(index=True)\n"
        "    note_body: Mapped[str] = mapped_column(String(200))\n",
    ),
]
COMPOSITE_FK_MIGRATION = [
    (
        'sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),',
        'sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),\n'
        '        sa.UniqueConstraint("id", "body", name=op.f("uq_notes_id_body")),',
    ),
    (
        'sa.Column("note_id", sa.Uuid(), nullable=False),',
        'sa.Column("note_id", sa.Uuid(), nullable=False),\n'
        '        sa.Column("note_body", sa.String(length=200), nullable=False),',
    ),
    (
        'sa.ForeignKeyConstraint(["note_id"], ["notes.id"], name=op.f("fk_tags_note_id_notes"), ondelete="CASCADE"),',
        'sa.ForeignKeyConstraint(["note_id", "note_body"], ["notes.id", "notes.body"], '
        'name=op.f("fk_tags_note_id_note_body_notes"), ondelete="CASCADE"),',
    ),
]
# tags.note_id becomes nullable and the models say SET NULL; each fault then gives the database another action.
SET_NULL_MODELS = [
    (
        'note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)',
        'note_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("notes.id", ondelete="SET NULL"), index=True)',
    ),
    ('cascade="all, delete-orphan", passive_deletes=True', "passive_deletes=True"),
    ('note: Mapped["Note"]', 'note: Mapped["Note | None"]'),
]
NULLABLE_NOTE_ID = [
    ('sa.Column("note_id", sa.Uuid(), nullable=False)', 'sa.Column("note_id", sa.Uuid(), nullable=True)')
]

BROKEN = {
    "an enum left behind by a downgrade": (
        "no-trace",
        {"migration": [("    op.execute('DROP TYPE IF EXISTS \"mood\"')\n", "")]},
        "downgrade base left 1 object(s): type mood",
    ),
    "a model column missing from the migration": (
        "matches-models",
        {"migration": [('        sa.Column("label", sa.String(length=50), nullable=False),\n', "")]},
        "add_column tags.label",
    ),
    "an HNSW index with the wrong operator class": (
        "matches-models",
        {
            "migration": [
                (
                    'postgresql_ops={"embedding": "vector_cosine_ops"}',
                    'postgresql_ops={"embedding": "vector_l2_ops"}',
                )
            ]
        },
        "index ix_notes_embedding_hnsw: operator class vector_l2_ops on embedding, models vector_cosine_ops",
    ),
    "an HNSW index with a different m": (
        "matches-models",
        {
            "migration": [
                (
                    'postgresql_with={"m": 16, "ef_construction": 64}',
                    'postgresql_with={"m": 8, "ef_construction": 64}',
                )
            ]
        },
        "index ix_notes_embedding_hnsw: WITH {'m': '8', 'ef_construction': '64'}, "
        "models {'m': '16', 'ef_construction': '64'}",
    ),
    "a foreign key without an index": (
        "fk-indexes",
        {
            "models": [
                (
                    'ForeignKey("notes.id", ondelete="CASCADE"), index=True)',
                    'ForeignKey("notes.id", ondelete="CASCADE"))',
                )
            ],
            "migration": [
                ('    op.create_index(op.f("ix_tags_note_id"), "tags", ["note_id"], unique=False)\n', ""),
                ('    op.drop_index(op.f("ix_tags_note_id"), table_name="tags")\n', ""),
            ],
        },
        "1 foreign key(s) without an index: tags(note_id) → notes (fk_tags_note_id_notes): add index=True",
    ),
    "a foreign key without the cascade the model declares": (
        "cascades",
        {
            "models": [('ForeignKey("notes.id", ondelete="CASCADE")', 'ForeignKey("notes.id")')],
            "migration": [
                (
                    'name=op.f("fk_tags_note_id_notes"), ondelete="CASCADE"',
                    'name=op.f("fk_tags_note_id_notes")',
                )
            ],
        },
        "deleting a notes row fails on fk_tags_note_id_notes: the models declare CASCADE (ORM relationship)",
    ),
    "two heads": (
        "single-head",
        {
            "extra_revisions": {
                f"0002_{branch}.py": f'revision = "0002{branch}"\ndown_revision = "0001"\n\n\n'
                "def upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
                for branch in "ab"
            }
        },
        "2 heads (0002a, 0002b); merge them with `alembic merge heads`",
    ),
    "an edited revision file": (
        "integrity",
        {"edit_after_sums": [('"""notes and tags', '"""notes and tags, quietly edited')]},
        "1 unrecorded change(s): changed versions/0001_notes.py; if deliberate, run `strata check --update-sums`",
    ),
    "a vector column queried with a distance its index cannot serve": (
        "vector-indexes",
        {"vector_queries": {"notes.embedding": "l2"}},
        "notes.embedding is queried with l2 (<->), which ix_notes_embedding_hnsw (vector_cosine_ops) cannot serve",
    ),
    "a revision that fails to apply": (
        "upgrade",
        {
            "migration": [
                (
                    '    op.execute("CREATE EXTENSION IF NOT EXISTS vector")\n',
                    '    op.execute("CREATE EXTENSION IF NOT EXISTS vector")\n'
                    '    op.execute("SELECT no_such_function()")\n',
                )
            ]
        },
        "revision 0001 failed and was rolled back; the database stays at base:",
    ),
    "a downgrade that cannot run": (
        "up-down",
        {
            "migration": [
                (
                    '    op.drop_table("tags")\n',
                    '    op.drop_table("tags")\n    op.drop_table("no_such_table")\n',
                )
            ]
        },
        'revision 0001 failed and was rolled back; the database stays at 0001: table "no_such_table" does not exist',
    ),
    "a composite foreign key whose index covers only its first column": (
        "fk-indexes",
        {"models": COMPOSITE_FK_MODELS, "migration": COMPOSITE_FK_MIGRATION},
        "1 foreign key(s) without an index: tags(note_id, note_body) → notes (fk_tags_note_id_note_body_notes)",
    ),
    "an HNSW index the planner cannot use for the app's query": (
        "vector-indexes",
        {
            "models": [
                (
                    'postgresql_ops={"embedding": "vector_cosine_ops"},\n        ),',
                    'postgresql_ops={"embedding": "vector_cosine_ops"},\n'
                    '            postgresql_where=text("embedding IS NOT NULL"),\n        ),',
                ),
                ("from sqlalchemy import CheckConstraint,", "from sqlalchemy import text, CheckConstraint,"),
            ],
            "migration": [
                (
                    'postgresql_ops={"embedding": "vector_cosine_ops"},\n    )',
                    'postgresql_ops={"embedding": "vector_cosine_ops"},\n'
                    '        postgresql_where=sa.text("embedding IS NOT NULL"),\n    )',
                )
            ],
        },
        "ix_notes_embedding_hnsw is not used for ORDER BY embedding <=>: ",
    ),
    "a SET NULL model on a NO ACTION database": (
        ("matches-models", "cascades"),
        {"models": SET_NULL_MODELS, "migration": [*NULLABLE_NOTE_ID, ('ondelete="CASCADE"', "")]},
        "deleting a notes row fails on fk_tags_note_id_notes: the models declare SET NULL",
    ),
    "a SET NULL model on a deferred NO ACTION database": (
        ("matches-models", "cascades"),
        {
            "models": SET_NULL_MODELS,
            "migration": [*NULLABLE_NOTE_ID, ('ondelete="CASCADE"', 'deferrable=True, initially="DEFERRED"')],
        },
        "deleting a notes row did not null tags.note_id",
    ),
    "a SET NULL model on a CASCADE database": (
        ("matches-models", "cascades"),
        {"models": SET_NULL_MODELS, "migration": NULLABLE_NOTE_ID},
        "deleting a notes row removed a tags row the models do not cascade to",
    ),
    "a database cascade the models do not declare": (
        ("matches-models", "cascades"),
        {
            "models": [
                ('ForeignKey("notes.id", ondelete="CASCADE")', 'ForeignKey("notes.id")'),
                ('cascade="all, delete-orphan", passive_deletes=True', 'passive_deletes="all"'),
            ]
        },
        "deleting a notes row removed a tags row the models do not cascade to",
    ),
    "an added revision missing from strata.sum": (
        "integrity",
        {"revisions_after_sums": {"0002_added.py": _empty_revision("0002", "0001")}},
        "1 unrecorded change(s): added versions/0002_added.py; if deliberate, run `strata check --update-sums`",
    ),
    "a removed revision": (
        "integrity",
        {
            "extra_revisions": {"0002_removed.py": _empty_revision("0002", "0001")},
            "revisions_after_sums": {"0002_removed.py": None},
        },
        "1 unrecorded change(s): removed versions/0002_removed.py; if deliberate, run `strata check --update-sums`",
    ),
}


@pytest.mark.parametrize("fault", list(BROKEN))
def test_each_fault_fails_exactly_its_check(fault: str, tmp_path: Path, run_checks) -> None:  # type: ignore[no-untyped-def]
    expected, changes, message = BROKEN[fault]
    checks = [expected] if isinstance(expected, str) else list(expected)
    name = "b_" + "".join(word[0] for word in fault.split())
    report = run_checks(make_app(tmp_path, name, **changes))  # type: ignore[arg-type]
    failed = _failed(report)
    assert list(failed) == checks, failed
    assert message in failed[checks[-1]]
