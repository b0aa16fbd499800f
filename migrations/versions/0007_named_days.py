"""the days items name; the weekly digest

- named_days: a day an item's words name ("dinner on Saturday at 19:00"), resolved
  against the time it was written, so a question about that day finds it;
- documents.days_read: whether that was done; items kept before this migration are read
  at start-up (services/words/named_dates.py), in batches;
- users.weekly_digest: when a user's week comes ("6 20:00": Sunday at 20:00), off (None)
  by default.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "named_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_named_days_user_day", "named_days", ["user_id", "day"], unique=False)
    op.create_index(op.f("ix_named_days_document_id"), "named_days", ["document_id"], unique=False)
    # Plain ALTER TABLE ADD COLUMN, not a batch: on SQLite a batch may rebuild the table,
    # which loses AUTOINCREMENT (and with it the promise that a forgotten id is never reused).
    op.add_column(
        "documents",
        sa.Column("days_read", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("users", sa.Column("weekly_digest", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("weekly_digest")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("days_read")
    op.drop_index(op.f("ix_named_days_document_id"), table_name="named_days")
    op.drop_index("ix_named_days_user_day", table_name="named_days")
    op.drop_table("named_days")
