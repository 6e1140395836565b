"""Generated values to PostgreSQL's binary COPY fields, one encoder per column type.

`strata.connection.copy` knows the wire format; this module maps a column's SQLAlchemy
type (from the models or reflected) to the encoder its values need.
"""

import datetime
import json
import struct
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, types
from sqlalchemy.dialects import postgresql

from strata.connection import copy
from strata.errors import StrataError

Encoder = Callable[[Any], bytes]
PG_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
ELEMENT_OIDS = {"uuid": 2950, "text": 25, "varchar": 1043, "int4": 23, "int8": 20}


def _timestamp(value: datetime.datetime) -> bytes:
    aware = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    delta = aware - PG_EPOCH
    return struct.pack(">q", (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)


def _date(value: datetime.date) -> bytes:
    return struct.pack(">i", (value - PG_EPOCH.date()).days)


def _jsonb(value: Any) -> bytes:
    return b"\x01" + json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def _text(value: Any) -> bytes:
    return str(getattr(value, "value", value)).encode()


def _array(element: str, encode: Encoder) -> Encoder:
    oid = ELEMENT_OIDS[element]

    def encoded(values: list[Any]) -> bytes:
        if not values:
            return struct.pack(">iii", 0, 0, oid)
        head = struct.pack(">iiiii", 1, 0, oid, len(values), 1)
        return head + b"".join(struct.pack(">i", len(item)) + item for item in map(encode, values))

    return encoded


def _scalar(kind: Any) -> tuple[str, Encoder] | None:
    if isinstance(kind, types.Enum | types.String):
        return "text", _text
    if isinstance(kind, types.Uuid | postgresql.UUID):
        return "uuid", lambda value: value.bytes
    if isinstance(kind, types.Boolean):
        return "bool", lambda value: b"\x01" if value else b"\x00"
    if isinstance(kind, types.BigInteger):
        return "int8", lambda value: struct.pack(">q", value)
    if isinstance(kind, types.SmallInteger):
        return "int2", lambda value: struct.pack(">h", value)
    if isinstance(kind, types.Integer):
        return "int4", lambda value: struct.pack(">i", value)
    if isinstance(kind, postgresql.REAL) or (isinstance(kind, types.Float) and (kind.precision or 53) <= 24):
        return "float4", lambda value: struct.pack(">f", value)
    if isinstance(kind, types.Float):
        return "float8", lambda value: struct.pack(">d", value)
    if isinstance(kind, types.DateTime):
        return "timestamp", _timestamp
    if isinstance(kind, types.Date):
        return "date", _date
    if isinstance(kind, postgresql.JSONB):
        return "jsonb", _jsonb
    if isinstance(kind, types.JSON):
        return "json", lambda value: _jsonb(value)[1:]
    return None


def encoder(column: Column[Any]) -> Encoder:
    """The binary encoder for `column`'s values; a type it cannot encode is a one-line error."""
    kind = column.type
    if getattr(kind, "dim", None):
        flavour = "halfvec" if type(kind).__name__.upper() == "HALFVEC" else "vector"
        return lambda value: copy.vectors([value], flavour)[0]
    if isinstance(kind, types.ARRAY):
        element = _scalar(kind.item_type)
        if element is None or element[0] not in ELEMENT_OIDS:
            raise StrataError(f"{column.table.name}.{column.name}: arrays of {kind.item_type} cannot be seeded yet")
        return _array(element[0], element[1])
    found = _scalar(kind)
    if found is None:
        raise StrataError(f"{column.table.name}.{column.name}: the type {kind} cannot be seeded yet")
    return found[1]


def field_lists(table_columns: list[Column[Any]], values: dict[str, Any]) -> list[list[bytes | None]]:
    """Each column's values, encoded (None stays NULL); vector matrices in one numpy pass."""
    encoded: list[list[bytes | None]] = []
    for column in table_columns:
        column_values = values[column.name]
        if getattr(column.type, "dim", None) and hasattr(column_values, "shape"):
            flavour = "halfvec" if type(column.type).__name__.upper() == "HALFVEC" else "vector"
            encoded.append(list(copy.vectors(column_values, flavour)))
            continue
        encode = encoder(column)
        encoded.append([None if value is None else encode(value) for value in column_values])
    return encoded
