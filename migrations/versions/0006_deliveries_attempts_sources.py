"""scheduled messages as deliveries; update attempts; documents' source and derived size

- deliveries: every scheduled message (digests now) with its parts, how many went out and
  who is sending it; a digest sent before this migration is recorded as sent, so it is
  not sent again; digests.sent_at, which the delivery now holds, is dropped;
- inbox.attempts and inbox.kept: an update whose handling killed the process is set
  aside after a bounded number of restarts;
- documents.source: the chat message a document came from (an edit replaces it);
- documents.derived_bytes: its chunk texts and vectors, counted against the quota
  (filled here from the chunk texts, at 2 KB of vectors a chunk).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VECTOR_BYTES = 2048  # a 512-dimension float32 vector, the default embedder's


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("given_up", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(
        "ix_deliveries_open", "deliveries", ["sent_at", "given_up", "created_at"], unique=False
    )
    digests = sa.table(
        "digests",
        sa.column("user_id", sa.BigInteger()),
        sa.column("local_date", sa.Date()),
        sa.column("sent_at", sa.DateTime(timezone=True)),
    )
    deliveries = sa.table(
        "deliveries",
        sa.column("key", sa.String()),
        sa.column("user_id", sa.BigInteger()),
        sa.column("parts", sa.JSON()),
        sa.column("parts_sent", sa.Integer()),
        sa.column("attempts", sa.Integer()),
        sa.column("sent_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    sent = connection.execute(
        sa.select(digests.c.user_id, digests.c.local_date, digests.c.sent_at).where(
            digests.c.sent_at.is_not(None)
        )
    ).all()
    if sent:
        op.bulk_insert(
            deliveries,
            [
                {
                    "key": f"digest:{user_id}:{day.isoformat()}",
                    "user_id": user_id,
                    "parts": [],
                    "parts_sent": 0,
                    "attempts": 0,
                    "sent_at": at,
                    "created_at": at,
                }
                for user_id, day, at in sent
            ],
        )
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.drop_column("sent_at")
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column("kept", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("derived_bytes", sa.BigInteger(), server_default="0", nullable=False)
        )
    # An index, not a constraint: on SQLite a constraint rebuilds the table, which loses
    # AUTOINCREMENT (and with it the promise that a forgotten id is never used again).
    op.create_index("uq_documents_user_source", "documents", ["user_id", "source"], unique=True)
    op.execute(
        "UPDATE documents SET derived_bytes = COALESCE((SELECT SUM(LENGTH(chunks.text)) "
        f"+ COUNT(*) * {VECTOR_BYTES} FROM chunks WHERE chunks.document_id = documents.id), 0)"
    )


def downgrade() -> None:
    op.drop_index("uq_documents_user_source", table_name="documents")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("derived_bytes")
        batch_op.drop_column("source")
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_column("kept")
        batch_op.drop_column("attempts")
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_index("ix_deliveries_open", table_name="deliveries")
    op.drop_table("deliveries")
