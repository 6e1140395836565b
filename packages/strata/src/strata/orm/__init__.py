"""ORM foundations: one naming convention, UUIDv7 keys, timezone-aware timestamps."""

from strata.orm.base import NAMING_CONVENTION, TYPE_ANNOTATION_MAP, new_metadata
from strata.orm.ids import UUIDv7PrimaryKey, uuid7
from strata.orm.timestamps import CreatedAt, Timestamps

__all__ = [
    "NAMING_CONVENTION",
    "TYPE_ANNOTATION_MAP",
    "CreatedAt",
    "Timestamps",
    "UUIDv7PrimaryKey",
    "new_metadata",
    "uuid7",
]
