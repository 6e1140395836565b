"""Timezone-aware audit timestamps, set by the database clock.

`server_default=now()` means rows inserted by raw SQL or COPY get a value too;
`onupdate` refreshes `updated_at` on every ORM update.
"""

import datetime

from sqlalchemy import DateTime, func
from sqlalchemy.orm import Mapped, mapped_column


class CreatedAt:
    """Mixin: `created_at`, set on insert."""

    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), sort_order=100
    )


class Timestamps(CreatedAt):
    """Mixin: `created_at` and `updated_at`, the latter refreshed on update."""

    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), sort_order=101
    )
