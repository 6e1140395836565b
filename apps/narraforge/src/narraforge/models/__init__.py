"""NarraForge models and database access."""
