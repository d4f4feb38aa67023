"""contacts notes pitches

Cards, contacts, card shares, notifications, notes (topics, personal details, promises),
pitches, and full-text search: the search_entries table plus, on SQLite, the FTS5 table
`search_fts` (with its shadow tables `search_fts_*`) kept in step by triggers, and on PostgreSQL a
stored generated tsvector column `search_fts_document` (weighted, 'simple' configuration) with
a GIN index. Every name starting with `search_fts` is made here by raw SQL and must be skipped
by autogenerate (alembic/env.py include_name).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The weighted document: names (A) above company and title (B) above note text (C).
PG_DOCUMENT = (
    "(setweight(to_tsvector('simple'::regconfig, name), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, org), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'C'))"
)

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(name, org, body, content='search_entries', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, name, org, body) VALUES (new.id, new.name, new.org, new.body);"
    " END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, name, org, body) "
    "VALUES ('delete', old.id, old.name, old.org, old.body); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, name, org, body) "
    "VALUES ('delete', old.id, old.name, old.org, old.body); "
    "INSERT INTO search_fts(rowid, name, org, body) VALUES (new.id, new.name, new.org, new.body);"
    " END",
]


def upgrade() -> None:
    op.create_table(
        "pitches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("audience", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("target_seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_pitches_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitches")),
    )
    with op.batch_alter_table("pitches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pitches_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "card_shares",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("from_user_id", sa.Uuid(), nullable=False),
        sa.Column("to_user_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_card_shares_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"],
            ["users.id"],
            name=op.f("fk_card_shares_from_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["users.id"],
            name=op.f("fk_card_shares_to_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_shares")),
        sa.UniqueConstraint(
            "from_user_id", "to_user_id", name=op.f("uq_card_shares_from_user_id_to_user_id")
        ),
    )
    with op.batch_alter_table("card_shares", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_card_shares_from_user_id"), ["from_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_card_shares_to_user_id"), ["to_user_id"], unique=False)

    op.create_table(
        "cards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False, comment="E.164"),
        sa.Column("linkedin_url", sa.String(length=300), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("shared_fields", sa.JSON(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_type", sa.String(length=40), nullable=False),
        sa.Column("headline_pitch_id", sa.Uuid(), nullable=True),
        sa.Column("words_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["headline_pitch_id"],
            ["pitches.id"],
            name=op.f("fk_cards_headline_pitch_id_pitches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_cards_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
        sa.UniqueConstraint("user_id", name=op.f("uq_cards_user_id")),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("linkedin_url", sa.String(length=300), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("headline", sa.String(length=500), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("shared_fields", sa.JSON(), nullable=False),
        sa.Column("warmth", sa.String(length=10), nullable=True),
        sa.Column("preferred_channel", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_contacts_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_contacts_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_contacts_person_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("owner_id", "person_id", name=op.f("uq_contacts_owner_id_person_id")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contacts_linkedin_url"), ["linkedin_url"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contacts_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_person_id"), ["person_id"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_notifications_actor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_notifications_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("warmth", sa.String(length=10), nullable=True),
        sa.Column("preferred_channel", sa.String(length=20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_notes_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_notes_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notes_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notes_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "note_topics",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_note_topics_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_note_topics_note_id_notes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_note_topics_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_topics")),
    )
    with op.batch_alter_table("note_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_topics_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_topics_note_id"), ["note_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_topics_topic"), ["topic"], unique=False)

    op.create_table(
        "personal_details",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_personal_details_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.id"],
            name=op.f("fk_personal_details_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_personal_details_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_details")),
    )
    with op.batch_alter_table("personal_details", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personal_details_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_personal_details_note_id"), ["note_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_personal_details_owner_id"), ["owner_id"], unique=False
        )

    op.create_table(
        "promises",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_promises_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_promises_note_id_notes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_promises_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises")),
    )
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_promises_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_promises_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_promises_note_id"), ["note_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_promises_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_search_entries_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["notes.id"],
            name=op.f("fk_search_entries_note_id_notes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_search_entries_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
    )
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_entries_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_search_entries_note_id"), ["note_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entries_owner_id"), ["owner_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        # A stored generated column: ranking reads it instead of re-parsing every matching row.
        op.execute(
            "ALTER TABLE search_entries ADD COLUMN search_fts_document tsvector "
            f"GENERATED ALWAYS AS {PG_DOCUMENT} STORED"
        )
        op.execute(
            "CREATE INDEX search_fts_document_gin ON search_entries USING gin (search_fts_document)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_fts_ai", "search_fts_ad", "search_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS search_fts_document_gin")
        op.execute("ALTER TABLE search_entries DROP COLUMN IF EXISTS search_fts_document")
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_entries_owner_id"))
        batch_op.drop_index(batch_op.f("ix_search_entries_note_id"))
        batch_op.drop_index(batch_op.f("ix_search_entries_contact_id"))

    op.drop_table("search_entries")
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promises_owner_id"))
        batch_op.drop_index(batch_op.f("ix_promises_note_id"))
        batch_op.drop_index(batch_op.f("ix_promises_due_on"))
        batch_op.drop_index(batch_op.f("ix_promises_contact_id"))

    op.drop_table("promises")
    with op.batch_alter_table("personal_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_details_owner_id"))
        batch_op.drop_index(batch_op.f("ix_personal_details_note_id"))
        batch_op.drop_index(batch_op.f("ix_personal_details_contact_id"))

    op.drop_table("personal_details")
    with op.batch_alter_table("note_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_topics_topic"))
        batch_op.drop_index(batch_op.f("ix_note_topics_note_id"))
        batch_op.drop_index(batch_op.f("ix_note_topics_contact_id"))

    op.drop_table("note_topics")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notes_owner_id"))
        batch_op.drop_index(batch_op.f("ix_notes_contact_id"))

    op.drop_table("notes")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_person_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_owner_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_linkedin_url"))
        batch_op.drop_index(batch_op.f("ix_contacts_event_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_email"))

    op.drop_table("contacts")
    op.drop_table("cards")
    with op.batch_alter_table("card_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_shares_to_user_id"))
        batch_op.drop_index(batch_op.f("ix_card_shares_from_user_id"))

    op.drop_table("card_shares")
    with op.batch_alter_table("pitches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pitches_owner_id"))

    op.drop_table("pitches")
