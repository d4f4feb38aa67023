"""attendee directory

An attendee's choice to be listed in their event's directory (null: not listed, the default).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attendees") as batch_op:
        batch_op.add_column(
            sa.Column("directory_listed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("attendees") as batch_op:
        batch_op.drop_column("directory_listed_at")
