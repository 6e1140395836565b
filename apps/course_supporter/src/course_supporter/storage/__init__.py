"""Persistence: the ORM models and the database session."""
