"""prospect ids as text: a walk-in recorded with a phone gets the derived id shared with the
referral service (``P`` + 12 hex digits)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00

- prospects.prospect_id and identifications.prospect_id: uuid → text. The prospects recorded
  so far keep their UUIDs (as text): their rows, links and identifications read as before; a new
  walk-in with a phone gets ``derive_prospect_id`` of it, one without a phone a UUID still.

Going back turns each derived id into a UUID (md5 of the id, the same in both tables, so a
prospect keeps its identifications); going up again keeps those UUIDs.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (("prospects", "prospect_id"), ("identifications", "prospect_id"))


def upgrade() -> None:
    for table, column in COLUMNS:
        op.alter_column(
            table, column, type_=sa.Text(), existing_type=sa.UUID(), postgresql_using=f"{column}::text"
        )


def downgrade() -> None:
    # a UUID stays itself; a derived id becomes the same UUID wherever it is
    as_uuid = (
        "CASE WHEN {c} ~* '^[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}$' "
        "THEN {c}::uuid ELSE md5({c})::uuid END"
    )
    for table, column in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.UUID(),
            existing_type=sa.Text(),
            postgresql_using=as_uuid.format(c=column),
        )
