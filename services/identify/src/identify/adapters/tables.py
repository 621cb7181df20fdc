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
    # signals observed so far, by kind, each a list of {category, amount, observed_at, conversion}:
    # they keep counting for their lifetime when the customer is re-rated
    sa.Column("signals", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    # when the tier last rose: a not-premium verdict judged before it no longer holds
    sa.Column("tier_raised_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

# a wealth manager judged the customer not premium (the referral service's event): until
# ``until``, or a higher tier after ``judged_at``, guidance calls no wealth manager for them. The
# latest verdict per customer id, kept also for a customer identify does not know yet.
not_premium_verdicts = sa.Table(
    "not_premium_verdicts",
    metadata,
    sa.Column("customer_id", sa.Text, primary_key=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("judged_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("until", sa.DateTime(timezone=True), nullable=False),
    sa.Column("judged_by", sa.Text, nullable=True),
    sa.Column("referral_id", sa.Text, nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
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
    # when a signal counted in this rating runs out: the sweep re-rates then
    sa.Column("next_expiry_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_ratings_rated_at", "rated_at"),
    sa.Index(
        "ix_ratings_next_expiry_at", "next_expiry_at", postgresql_where=sa.text("next_expiry_at IS NOT NULL")
    ),
)

identifications = sa.Table(
    "identifications",
    metadata,
    sa.Column("identification_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("customer_id", sa.Text, nullable=True, index=True),  # null: a prospect not linked yet
    # a walk-in's prospect id: derived from the phone (branchflow_contracts.derive_prospect_id),
    # or a UUID (recorded without a phone, or before ids were derived)
    sa.Column("prospect_id", sa.Text, nullable=True, index=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("tier", sa.Text, nullable=False),
    sa.Column("previous_tier", sa.Text, nullable=True),
    sa.Column("score", sa.Numeric(7, 2), nullable=False),
    sa.Column("explanation", JSONB, nullable=False),
    sa.Column("signals", JSONB, nullable=False),
    sa.Column("guidance", JSONB, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=True),
    sa.Column("identified_by", sa.Text, nullable=True),
    sa.Column("observer_role", sa.Text, nullable=True),
    sa.Column("identified_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("trace_id", sa.Text, nullable=True),
    # what became of the guidance: referred | guided | left (null: not handled yet)
    sa.Column("handling", sa.Text, nullable=True),
    sa.Column("handled_by", sa.Text, nullable=True),
    sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_identifications_branch_time", "branch_id", "identified_at"),
)

reratings = sa.Table(
    "reratings",
    metadata,
    sa.Column("rerating_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("customer_id", sa.Text, nullable=False, index=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("cause", sa.Text, nullable=False),
    sa.Column("previous_tier", sa.Text, nullable=True),
    sa.Column("tier", sa.Text, nullable=False),
    sa.Column("score", sa.Numeric(7, 2), nullable=False),
    sa.Column("explanation", JSONB, nullable=False),
    sa.Column("rules_version", sa.Text, nullable=False),
    sa.Column("rerated_by", sa.Text, nullable=True),
    sa.Column("rerated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("trace_id", sa.Text, nullable=True),
    sa.Index("ix_reratings_branch_time", "branch_id", "rerated_at"),
)

prospects = sa.Table(
    "prospects",
    metadata,
    # one row per walk-in: derived from the phone, so a second visit is the same prospect
    sa.Column("prospect_id", sa.Text, primary_key=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("phone", sa.Text, nullable=True),
    sa.Column("signals", JSONB, nullable=False),
    sa.Column("tier", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("customer_id", sa.Text, nullable=True, index=True),
    sa.Column("linked_by", sa.Text, nullable=True),
    sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_prospects_branch_time", "branch_id", "recorded_at"),
)

# second diversion (二次分流): people already queuing, asked what they came for
queue_checks = sa.Table(
    "queue_checks",
    metadata,
    sa.Column("check_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("ticket", sa.Text, nullable=True),
    sa.Column("customer_id", sa.Text, nullable=True),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("guidance", JSONB, nullable=False),
    sa.Column("checked_by", sa.Text, nullable=False),
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_queue_checks_branch_time", "branch_id", "checked_at"),
)
