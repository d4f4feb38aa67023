"""look-for list and goals

"What I'm looking for" on cards (and on the contacts copied from a shared card), and each
user's list of people, companies and topics to look for, per event or for every event.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("cards", "contacts"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("goals", sa.String(length=300), server_default="", nullable=False)
            )

    op.create_table(
        "look_for_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_look_for_entries_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_look_for_entries_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_look_for_entries")),
    )
    with op.batch_alter_table("look_for_entries") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_look_for_entries_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_look_for_entries_owner_id"), ["owner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("look_for_entries") as batch_op:
        batch_op.drop_index(batch_op.f("ix_look_for_entries_owner_id"))
        batch_op.drop_index(batch_op.f("ix_look_for_entries_event_id"))
    op.drop_table("look_for_entries")
    for table in ("contacts", "cards"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("goals")
