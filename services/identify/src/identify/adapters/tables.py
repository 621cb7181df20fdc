"""The identify service's own tables (its database holds the outbox and inbox too)."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = sa.MetaData()

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("customer_id", sa.Text, primary_key=True),
    sa.Column("branch_id", sa.Text, nullable=False, index=True),
    sa.Column("wealth_manager_id", sa.Text, nullable=True),
    sa.Column("facts", JSONB, nullable=False),  # holdings and personal standing
    sa.Column("personal_data", JSONB, nullable=False),  # name, id number, phone, address
    # signals observed so far, by kind: they keep counting when the customer is re-rated
    sa.Column("signals", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column("customer_id", sa.Text, primary_key=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("tier", sa.Text, nullable=False),
    sa.Column("score", sa.Numeric(7, 2), nullable=False),
    sa.Column("explanation", JSONB, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("rules_version", sa.Text, nullable=False),
    sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_ratings_rated_at", "rated_at"),
)

identifications = sa.Table(
    "identifications",
    metadata,
    sa.Column("identification_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("customer_id", sa.Text, nullable=False, index=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("tier", sa.Text, nullable=False),
    sa.Column("previous_tier", sa.Text, nullable=True),
    sa.Column("score", sa.Numeric(7, 2), nullable=False),
    sa.Column("explanation", JSONB, nullable=False),
    sa.Column("signals", JSONB, nullable=False),
    sa.Column("guidance", JSONB, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("identified_by", sa.Text, nullable=True),
    sa.Column("identified_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("trace_id", sa.Text, nullable=True),
    sa.Index("ix_identifications_branch_time", "branch_id", "identified_at"),
)
