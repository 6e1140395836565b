"""Sync and async engines from one URL, with short connect timeouts.

Kept as the import path code already uses; the decisions (driver, pooler-safe
settings, TLS arguments) live in `strata.connection.factory`.
"""

from strata.connection.factory import async_engine, sync_engine

__all__ = ["async_engine", "sync_engine"]
