"""The declarative base and the enums the schema shares."""

import enum

from sqlalchemy import Enum
from sqlalchemy.orm import DeclarativeBase
from strata.orm import TYPE_ANNOTATION_MAP, new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


def pg_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """A PostgreSQL enum type that stores the members' values."""
    return Enum(enum_class, name=name, values_callable=lambda members: [m.value for m in members])
