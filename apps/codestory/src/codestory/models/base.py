"""The declarative base every Code Story model shares."""

from sqlalchemy.orm import DeclarativeBase
from strata.orm import TYPE_ANNOTATION_MAP, new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP
