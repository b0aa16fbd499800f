"""reminders.source: an imported reminder's own key

- reminders.source: the key a reminder restored from a mnemo export came with
  ("mnemo:USER:reminder:ID"), so the same export imported twice restores it once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("reminders", sa.Column("source", sa.String(length=128), nullable=True))
    op.create_index("uq_reminders_user_source", "reminders", ["user_id", "source"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_reminders_user_source", table_name="reminders")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("source")
