"""The pieces of an app's `DeclarativeBase`.

Each app owns its base (and so its metadata); strata supplies what every base
should share. With one naming convention every constraint and index has a
deterministic name, so migrations never hard-code names PostgreSQL invented
and a downgrade can drop exactly what the upgrade made:

    class Base(DeclarativeBase):
        metadata = new_metadata()
        type_annotation_map = TYPE_ANNOTATION_MAP
"""

import datetime
import uuid
from typing import Any

from sqlalchemy import DateTime, MetaData, Uuid
from sqlalchemy.dialects.postgresql import JSONB

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TYPE_ANNOTATION_MAP: dict[Any, Any] = {
    uuid.UUID: Uuid(),
    datetime.datetime: DateTime(timezone=True),
    dict[str, Any]: JSONB(),
    list[Any]: JSONB(),
}


def new_metadata(schema: str | None = None) -> MetaData:
    """A MetaData with strata's naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION, schema=schema)
