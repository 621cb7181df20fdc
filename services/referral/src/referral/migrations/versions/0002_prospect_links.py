"""prospect links: walk-ins identify linked to a customer id

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:00:00

- new table ``prospect_links`` (customer.prospect-linked): the customer id a walk-in's prospect
  id became. Forms, register entries and verdicts are moved to the customer id when the link is
  read; this table keeps the link for forms filed by the walk-in's phone afterwards.

Prospect ids already given keep working as they are (they were random per phone number); a phone
seen for the first time from now on gets the id derived from it, the one identify knows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prospect_links",
        sa.Column("prospect_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("branch_id", sa.Text(), nullable=False),
        sa.Column("linked_by", sa.Text(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("prospect_id"),
    )
    op.create_index("ix_prospect_links_customer_id", "prospect_links", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_prospect_links_customer_id", table_name="prospect_links")
    op.drop_table("prospect_links")
