"""lookup failures

Counts of failed token look-ups (badge scans, door posters, introduction links, calendar feeds,
sign-in links) per user and per network in ten-minute windows, so that the limit on guessing
holds across every API process.

Revision ID: 0010d
Revises: 0009
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010d"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lookup_failures",
        sa.Column("bucket", sa.String(length=80), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name=op.f("pk_lookup_failures")),
    )
    op.create_index(
        op.f("ix_lookup_failures_window_start"), "lookup_failures", ["window_start"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lookup_failures_window_start"), table_name="lookup_failures")
    op.drop_table("lookup_failures")
