"""For each squawk rule, the way to write the same change so live traffic keeps flowing.

squawk says what is wrong; a reviewer also needs what to write instead. The
alternatives name strata's helpers (`strata.migrations.online`) where one
does the job, and the expand/contract sequence where no single statement is
safe. Rules strata excludes (`lint.EXCLUDED_RULES`) need none.
"""

_EXPAND_CONTRACT = (
    "expand/contract: add the new {what} beside the old one, write both and backfill in batches, "
    "move readers over, and drop the old one in a later revision"
)
_NOT_VALID_THEN_VALIDATE = (
    "add it with postgresql_not_valid=True (ADD CONSTRAINT … NOT VALID), then online.validate_constraint(...)"
)
_OUTSIDE = (
    "let strata end and begin the transaction: online.outside_transaction() (or a helper), "
    "not COMMIT/BEGIN in op.execute"
)

ALTERNATIVES: dict[str, str] = {
    "require-concurrent-index-creation": "online.create_index(...): CREATE INDEX CONCURRENTLY, outside the transaction",
    "ban-concurrent-index-creation-in-transaction": (
        "online.create_index(...): it commits first and builds outside the transaction"
    ),
    "require-concurrent-index-deletion": "online.drop_index(...): DROP INDEX CONCURRENTLY",
    "adding-foreign-key-constraint": (
        "op.create_foreign_key(..., postgresql_not_valid=True) (ADD CONSTRAINT … NOT VALID), "
        "then online.validate_constraint(...)"
    ),
    "constraint-missing-not-valid": _NOT_VALID_THEN_VALIDATE + ", in its own transaction",
    "disallowed-unique-constraint": "online.create_index(name, table, columns, unique=True), "
    "then ALTER TABLE … ADD CONSTRAINT name UNIQUE USING INDEX name",
    "adding-serial-primary-key-field": "online.create_index(name, table, columns, unique=True), "
    "then ALTER TABLE … ADD CONSTRAINT name PRIMARY KEY USING INDEX name",
    "adding-required-field": "add the column with a server_default (a constant: no table rewrite), "
    "or nullable, backfill it in batches, then make it NOT NULL as adding-not-nullable-field's alternative says",
    "adding-not-nullable-field": "add CHECK (column IS NOT NULL) NOT VALID, online.validate_constraint(...), then "
    "SET NOT NULL (PostgreSQL trusts the validated CHECK and skips the scan) and drop the CHECK",
    "setting-not-nullable-field": "add CHECK (column IS NOT NULL) NOT VALID, online.validate_constraint(...), then "
    "SET NOT NULL (PostgreSQL trusts the validated CHECK and skips the scan) and drop the CHECK",
    "adding-field-with-default": "a constant server_default (no rewrite since PostgreSQL 11); for a volatile one, "
    "add the column without it, set the default, backfill in batches",
    "changing-column-type": _EXPAND_CONTRACT.format(what="column of the new type"),
    "renaming-column": _EXPAND_CONTRACT.format(what="column under the new name"),
    "renaming-table": _EXPAND_CONTRACT.format(what="table (or a view under the new name)"),
    "renaming-object": _EXPAND_CONTRACT.format(what="object under the new name"),
    "ban-drop-column": "the contract step of expand/contract: ship code that no longer reads or writes the column, "
    "then drop it in a later revision",
    "ban-drop-table": "ship code that no longer uses the table, then drop it in a later revision",
    "ban-drop-not-null": "ship readers that handle NULL first, then drop NOT NULL in a later revision",
    "ban-drop-database": "never from a migration: drop a database by hand, after a backup",
    "ban-char-field": "text or varchar(n): char(n) pads with spaces",
    "prefer-timestamp-tz": "sa.DateTime(timezone=True) (timestamptz)",
    "transaction-nesting": _OUTSIDE,
    "ban-uncommitted-transaction": _OUTSIDE,
    "require-enum-value-ordering": "online.add_enum_value(type, value, after=... or before=...)",
    "require-concurrent-reindex": "REINDEX … CONCURRENTLY inside online.outside_transaction()",
    "require-concurrent-partition-detach": "DETACH PARTITION … CONCURRENTLY inside online.outside_transaction()",
    "ban-create-domain-with-constraint": "a CHECK on the column instead: " + _NOT_VALID_THEN_VALIDATE,
    "ban-alter-domain-with-add-constraint": "a CHECK on the column instead: " + _NOT_VALID_THEN_VALIDATE,
    "ban-truncate-cascade": "TRUNCATE each table by name, without CASCADE",
    "identifier-too-long": "a name of at most 63 bytes: PostgreSQL cuts longer ones, and two may then collide",
    "require-timeout-settings": "strata sets lock_timeout and statement_timeout (STRATA_LOCK_TIMEOUT, "
    "STRATA_STATEMENT_TIMEOUT)",
}


def alternative(rule: str) -> str:
    """The safe way to write what `rule` flags, or where to read about a rule strata has none for."""
    return ALTERNATIVES.get(rule, f"no alternative on record: see squawk's documentation of {rule}")


def rule_of(finding: str) -> str:
    """The squawk rule a finding line (`rule: message — `statement``) is about."""
    return finding.split(":", 1)[0]
