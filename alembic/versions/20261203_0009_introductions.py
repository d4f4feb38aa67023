"""introductions

Introductions between two of a user's contacts with double opt-in: the introduction (reason,
state, expiry, the hash of the pair while it waits) and its two parties (the facts shown, the
answer, the hash of each one's link token). System mail gains a Reply-To and the introduction it
is about, so that it goes when the introduction goes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "introductions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("open_pair", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_introductions_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
        sa.UniqueConstraint(
            "owner_id", "open_pair", name=op.f("uq_introductions_owner_id_open_pair")
        ),
    )
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_introductions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_introductions_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "introduction_parties",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("introduction_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=3), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_introduction_parties_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_introduction_parties_introduction_id_introductions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introduction_parties")),
        sa.UniqueConstraint(
            "introduction_id",
            "position",
            name=op.f("uq_introduction_parties_introduction_id_position"),
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_introduction_parties_token_hash")),
    )
    with op.batch_alter_table("introduction_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_introduction_parties_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_introduction_parties_introduction_id"), ["introduction_id"], unique=False
        )

    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("introduction_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbound_emails_introduction_id"), ["introduction_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbound_emails_introduction_id_introductions"),
            "introductions",
            ["introduction_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbound_emails_introduction_id_introductions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbound_emails_introduction_id"))
        batch_op.drop_column("introduction_id")
        batch_op.drop_column("reply_to")

    with op.batch_alter_table("introduction_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introduction_parties_introduction_id"))
        batch_op.drop_index(batch_op.f("ix_introduction_parties_contact_id"))

    op.drop_table("introduction_parties")
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introductions_owner_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_created_at"))

    op.drop_table("introductions")
