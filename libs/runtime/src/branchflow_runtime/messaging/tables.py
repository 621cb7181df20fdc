"""The outbox and inbox tables. Every service's database has them: its Alembic env includes
``messaging_metadata`` beside its own tables."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

messaging_metadata = sa.MetaData()

outbox_events = sa.Table(
    "outbox_events",
    messaging_metadata,
    # seq orders the relay's claims (per key ordering on one relay)
    sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
    sa.Column("topic", sa.Text, nullable=False),
    sa.Column("message_key", sa.Text, nullable=True),
    sa.Column("ce_type", sa.Text, nullable=False),
    sa.Column("ce_source", sa.Text, nullable=False),
    sa.Column("ce_subject", sa.Text, nullable=True),
    sa.Column("ce_time", sa.DateTime(timezone=True), nullable=False),
    sa.Column("payload", JSONB, nullable=False),
    sa.Column("trace_carrier", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index(
        "ix_outbox_events_pending",
        "seq",
        postgresql_where=sa.text("published_at IS NULL"),
    ),
)

inbox_events = sa.Table(
    "inbox_events",
    messaging_metadata,
    sa.Column("consumer", sa.Text, primary_key=True),
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("topic", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)
