"""UUIDv7 primary keys, generated in Python.

Time-ordered keys keep B-tree inserts at the right edge of the index (random
UUIDv4 keys scatter them), and generating them in Python means the id is
known before INSERT, which batch code relies on.
"""

import uuid

import uuid_utils
from sqlalchemy.orm import Mapped, mapped_column


def uuid7() -> uuid.UUID:
    """A new UUIDv7 as a standard-library `uuid.UUID`."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


class UUIDv7PrimaryKey:
    """Mixin: an `id` UUID primary key, UUIDv7 by default."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7, sort_order=-100)
