"""signals age, re-ratings apart, prospects, lobby handling, second diversion

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-20 09:00:00

- customers.signals: {kind: {category, amount}} becomes {kind: [{category, amount, observed_at}]};
  a signal stored before kept no time: it is taken as observed when the customer last changed.
- customers.followed_up_until, ratings.next_expiry_at (the sweep re-rates when a signal runs out).
- identifications: customer id optional (prospects), prospect id, purpose, observer role, handling.
- re-ratings leave the identifications table: rows with reason facts_changed / periodic_sweep
  move to the new ``reratings`` table, so that identification counts count identifications.
- new tables ``prospects`` and ``queue_checks``.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSONB = postgresql.JSONB(astext_type=sa.Text())
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("customers", sa.Column("followed_up_until", TIMESTAMP, nullable=True))
    op.execute(
        """
        UPDATE customers SET signals = COALESCE((
            SELECT jsonb_object_agg(key, jsonb_build_array(
                value || jsonb_build_object('observed_at', to_jsonb(customers.updated_at))))
            FROM jsonb_each(customers.signals) WHERE jsonb_typeof(value) = 'object'
        ), '{}'::jsonb)
        WHERE signals <> '{}'::jsonb
        """
    )

    op.add_column("ratings", sa.Column("next_expiry_at", TIMESTAMP, nullable=True))
    op.create_index(
        "ix_ratings_next_expiry_at",
        "ratings",
        ["next_expiry_at"],
        postgresql_where=sa.text("next_expiry_at IS NOT NULL"),
    )

    op.alter_column("identifications", "customer_id", existing_type=sa.Text(), nullable=True)
    op.add_column("identifications", sa.Column("prospect_id", sa.UUID(as_uuid=False), nullable=True))
    op.create_index("ix_identifications_prospect_id", "identifications", ["prospect_id"])
    for name in ("purpose", "observer_role", "handling", "handled_by"):
        op.add_column("identifications", sa.Column(name, sa.Text(), nullable=True))
    op.add_column("identifications", sa.Column("handled_at", TIMESTAMP, nullable=True))

    op.create_table(
        "reratings",
        sa.Column("rerating_id", sa.UUID(as_uuid=False), primary_key=True),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("previous_tier", sa.Text(), nullable=True),
        sa.Column("tier", sa.Text(), nullable=False),
        sa.Column("score", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("explanation", JSONB, nullable=False),
        sa.Column("rules_version", sa.Text(), nullable=False),
        sa.Column("rerated_by", sa.Text(), nullable=True),
        sa.Column("rerated_at", TIMESTAMP, nullable=False),
        sa.Column("trace_id", sa.Text(), nullable=True),
    )
    op.create_index("ix_reratings_customer_id", "reratings", ["customer_id"])
    op.create_index("ix_reratings_branch_time", "reratings", ["branch_id", "rerated_at"])
    op.execute(
        """
        INSERT INTO reratings (rerating_id, customer_id, branch_id, cause, previous_tier, tier, score,
                               explanation, rules_version, rerated_by, rerated_at, trace_id)
        SELECT i.identification_id, i.customer_id, i.branch_id,
               CASE i.reason WHEN 'facts_changed' THEN 'facts_changed' ELSE 'periodic_review' END,
               i.previous_tier, i.tier, i.score, i.explanation, COALESCE(r.rules_version, 'unknown'),
               i.identified_by, i.identified_at, i.trace_id
        FROM identifications i LEFT JOIN ratings r ON r.customer_id = i.customer_id
        WHERE i.reason IN ('facts_changed', 'periodic_sweep')
        """
    )
    op.execute("DELETE FROM identifications WHERE reason IN ('facts_changed', 'periodic_sweep')")

    op.create_table(
        "prospects",
        sa.Column("prospect_id", sa.UUID(as_uuid=False), primary_key=True),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("signals", JSONB, nullable=False),
        sa.Column("tier", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=True),
        sa.Column("linked_by", sa.Text(), nullable=True),
        sa.Column("linked_at", TIMESTAMP, nullable=True),
    )
    op.create_index("ix_prospects_customer_id", "prospects", ["customer_id"])
    op.create_index("ix_prospects_branch_time", "prospects", ["branch_id", "recorded_at"])

    op.create_table(
        "queue_checks",
        sa.Column("check_id", sa.UUID(as_uuid=False), primary_key=True),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("ticket", sa.Text(), nullable=True),
        sa.Column("customer_id", sa.Text(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("guidance", JSONB, nullable=False),
        sa.Column("checked_by", sa.Text(), nullable=False),
        sa.Column("checked_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_queue_checks_branch_time", "queue_checks", ["branch_id", "checked_at"])


def downgrade() -> None:
    op.drop_table("queue_checks")
    op.drop_table("prospects")
    op.execute(
        """
        INSERT INTO identifications (identification_id, customer_id, branch_id, channel, tier, previous_tier,
                                     score, explanation, signals, guidance, reason, identified_by,
                                     identified_at, trace_id)
        SELECT rerating_id, customer_id, branch_id, 'system', tier, previous_tier, score, explanation,
               '[]'::jsonb, '{"action": "non_cash_counter", "call_wealth_manager": false, "script": ""}'::jsonb,
               CASE cause WHEN 'facts_changed' THEN 'facts_changed' ELSE 'periodic_sweep' END,
               rerated_by, rerated_at, trace_id
        FROM reratings
        """
    )
    op.drop_table("reratings")
    op.execute("DELETE FROM identifications WHERE customer_id IS NULL")
    op.drop_column("identifications", "handled_at")
    for name in ("handled_by", "handling", "observer_role", "purpose"):
        op.drop_column("identifications", name)
    op.drop_index("ix_identifications_prospect_id", table_name="identifications")
    op.drop_column("identifications", "prospect_id")
    op.alter_column("identifications", "customer_id", existing_type=sa.Text(), nullable=False)
    op.drop_index("ix_ratings_next_expiry_at", table_name="ratings")
    op.drop_column("ratings", "next_expiry_at")
    op.execute(
        """
        UPDATE customers SET signals = COALESCE((
            SELECT jsonb_object_agg(key, (value -> -1) - 'observed_at' - 'conversion')
            FROM jsonb_each(customers.signals) WHERE jsonb_typeof(value) = 'array'
        ), '{}'::jsonb)
        WHERE signals <> '{}'::jsonb
        """
    )
    op.drop_column("customers", "followed_up_until")
