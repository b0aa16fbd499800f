"""The SQL adapter: SQLAlchemy models, the repositories and unit of work, the engine and
Alembic migrations."""
