"""documents.outdated_at: a note its owner marked as outdated

- documents.outdated_at: when its owner said it no longer holds (a button under an answer's
  quote, `mnemo outdated ID`); None: it holds. An outdated item stays in memory and in its
  day's list; a fact's answer passes it over as the current value. Cleared on restore.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("outdated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("outdated_at")
