"""not-premium verdicts of the referral service, kept apart from the customers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00

- new table ``not_premium_verdicts``: the latest verdict per customer id, also for a customer
  identify does not know yet (the first observation honours it);
- customers.tier_raised_at: a verdict judged before the tier rose no longer holds;
- customers.followed_up_until leaves: a date set there is carried over as a verdict judged when
  the customer last changed.

Going back keeps the dates of verdicts on known customers in customers.followed_up_until; the
verdicts on customers identify does not know yet have nowhere to go and are dropped.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "not_premium_verdicts",
        sa.Column("customer_id", sa.Text(), primary_key=True),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("judged_at", TIMESTAMP, nullable=False),
        sa.Column("until", TIMESTAMP, nullable=False),
        sa.Column("judged_by", sa.Text(), nullable=True),
        sa.Column("referral_id", sa.Text(), nullable=True),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
    )
    op.execute(
        """
        INSERT INTO not_premium_verdicts (customer_id, branch_id, judged_at, until, recorded_at)
        SELECT customer_id, branch_id, updated_at, followed_up_until, now()
        FROM customers WHERE followed_up_until IS NOT NULL
        """
    )
    op.add_column("customers", sa.Column("tier_raised_at", TIMESTAMP, nullable=True))
    op.drop_column("customers", "followed_up_until")


def downgrade() -> None:
    op.add_column("customers", sa.Column("followed_up_until", TIMESTAMP, nullable=True))
    op.execute(
        """
        UPDATE customers c SET followed_up_until = v.until
        FROM not_premium_verdicts v
        WHERE v.customer_id = c.customer_id
          AND (c.tier_raised_at IS NULL OR c.tier_raised_at < v.judged_at)
        """
    )
    op.drop_column("customers", "tier_raised_at")
    op.drop_table("not_premium_verdicts")
