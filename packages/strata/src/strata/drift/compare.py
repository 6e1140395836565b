"""The differences between the reference (what the migrations build) and the live database.

Pure functions over two snapshots: every difference names its kind, the object and
what changed, so a person can act on it and CI can count it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from strata.catalog.objects import CatalogIndex
from strata.catalog.schema import Column, Table
from strata.drift.snapshot import Snapshot

INVALID_INDEX = (
    "INVALID: a failed CREATE INDEX CONCURRENTLY left it; queries never use it but every write maintains it "
    "(DROP INDEX CONCURRENTLY it, then build it again)"
)


@dataclass(frozen=True)
class Difference:
    kind: str  # table, column, constraint, index, enum, extension, revision
    name: str
    change: str  # missing (the migrations have it, the database not), extra, changed, invalid, unknown
    detail: str

    def __str__(self) -> str:
        return f"{self.change} {self.kind} {self.name}: {self.detail}"


def compare(reference: Snapshot, live: Snapshot) -> list[Difference]:
    ref_tables = {t.name: t for t in reference.schema.tables}
    live_tables = {t.name: t for t in live.schema.tables}
    found = _presence("table", ref_tables, live_tables, lambda t: f"{len(t.columns)} column(s)")
    for name in ref_tables.keys() & live_tables.keys():
        found += _columns(ref_tables[name], live_tables[name])
        found += _constraints(ref_tables[name], live_tables[name])
    both = ref_tables.keys() & live_tables.keys()
    found += _indexes(
        {n: i for n, i in reference.indexes.items() if i.table in both},
        {n: i for n, i in live.indexes.items() if i.table in both},
    )
    found += _enums(dict(reference.schema.enums), dict(live.schema.enums))
    found += _extensions(reference.schema.extensions, live.schema.extensions)
    return found


def unknown_revision_differences(unknown: list[str]) -> list[Difference]:
    return [
        Difference("revision", r, "unknown", "the database records it, and no migration file has it") for r in unknown
    ]


T = TypeVar("T")


def _presence(kind: str, ref: Mapping[str, T], live: Mapping[str, T], describe: Callable[[T], str]) -> list[Difference]:
    """Objects only the migrations build (missing) and objects only the database has (extra)."""
    missing = [Difference(kind, n, "missing", describe(ref[n])) for n in ref if n not in live]
    extra = [Difference(kind, n, "extra", describe(live[n])) for n in live if n not in ref]
    return missing + extra


def _describe_column(column: Column) -> str:
    nullable = "NULL" if column.nullable else "NOT NULL"
    default = f" DEFAULT {column.default}" if column.default is not None else ""
    return f"{column.type} {nullable}{default}"


def _columns(ref: Table, live: Table) -> list[Difference]:
    ref_columns = {f"{ref.name}.{c.name}": c for c in ref.columns}
    live_columns = {f"{live.name}.{c.name}": c for c in live.columns}
    found = _presence("column", ref_columns, live_columns, _describe_column)
    for name in ref_columns.keys() & live_columns.keys():
        was, now = _describe_column(ref_columns[name]), _describe_column(live_columns[name])
        if was != now:
            found.append(Difference("column", name, "changed", f"{was} → {now}"))
    return sorted(found, key=lambda d: (d.name, d.change))


def _constraints(ref: Table, live: Table) -> list[Difference]:
    ref_constraints = {f"{ref.name}.{n}": f"{kind} {d}" for n, kind, d in ref.constraints}
    live_constraints = {f"{live.name}.{n}": f"{kind} {d}" for n, kind, d in live.constraints}
    found = _presence("constraint", ref_constraints, live_constraints, str)
    found += [
        Difference("constraint", n, "changed", f"{ref_constraints[n]} → {live_constraints[n]}")
        for n in sorted(ref_constraints.keys() & live_constraints.keys())
        if ref_constraints[n] != live_constraints[n]
    ]
    return found


_INDEX_FIELDS = ("table", "method", "unique", "columns", "opclasses", "options", "predicate")


def _show(value: object) -> str:
    """('a', 'b') as "a, b", {'m': '16'} as "m=16", None as "none": how a person reads index fields."""
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "none"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return "none" if value is None else str(value)


def _index_changes(ref: CatalogIndex, live: CatalogIndex) -> list[str]:
    return [
        f"{field} {_show(getattr(ref, field))} → {_show(getattr(live, field))}"
        for field in _INDEX_FIELDS
        if getattr(ref, field) != getattr(live, field)
    ]


def _indexes(ref: dict[str, CatalogIndex], live: dict[str, CatalogIndex]) -> list[Difference]:
    invalid = [i for i in live.values() if not i.valid]
    found = [Difference("index", i.name, "invalid", f"{INVALID_INDEX}; {i.definition}") for i in invalid]
    valid_live = {n: i for n, i in live.items() if i.valid}
    found += _presence("index", ref, valid_live, lambda i: i.definition)
    found = [d for d in found if not (d.change == "missing" and d.name in live)]
    for name in sorted(ref.keys() & valid_live.keys()):
        changes = _index_changes(ref[name], valid_live[name])
        if changes:
            found.append(Difference("index", name, "changed", "; ".join(changes) + f"; now {live[name].definition}"))
    return found


def _enums(ref: dict[str, list[str]], live: dict[str, list[str]]) -> list[Difference]:
    found = _presence("enum", ref, live, ", ".join)
    found += [
        Difference("enum", n, "changed", f"values {', '.join(ref[n])} → {', '.join(live[n])}")
        for n in sorted(ref.keys() & live.keys())
        if ref[n] != live[n]
    ]
    return found


def _extensions(ref: list[str], live: list[str]) -> list[Difference]:
    """`ref` and `live` hold "name version"; a version change is one difference, not a missing and an extra."""
    ref_versions = dict(e.split(" ", 1) for e in ref)
    live_versions = dict(e.split(" ", 1) for e in live)
    found = _presence("extension", ref_versions, live_versions, lambda v: f"version {v}")
    found += [
        Difference("extension", n, "changed", f"version {ref_versions[n]} → {live_versions[n]}")
        for n in sorted(ref_versions.keys() & live_versions.keys())
        if ref_versions[n] != live_versions[n]
    ]
    return found
