"""reminders; the morning brief

- reminders: what a user asked to be reminded of (or was offered, from a date a note
  names), when (UTC, read in `zone`), how it repeats, and its status; each occurrence is
  sent by the rule of scheduled messages (deliveries);
- users.morning_brief: when the morning brief comes ("08:00"), off (None) by default.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("every", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reminders_due", "reminders", ["status", "due_at"], unique=False)
    op.create_index("ix_reminders_user", "reminders", ["user_id", "status"], unique=False)
    op.create_index(op.f("ix_reminders_document_id"), "reminders", ["document_id"], unique=False)
    op.add_column("users", sa.Column("morning_brief", sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("morning_brief")
    op.drop_index(op.f("ix_reminders_document_id"), table_name="reminders")
    op.drop_index("ix_reminders_user", table_name="reminders")
    op.drop_index("ix_reminders_due", table_name="reminders")
    op.drop_table("reminders")
