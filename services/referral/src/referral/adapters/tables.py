"""The referral service's own tables (its database holds the outbox and inbox too).

No column holds a tier, a score or an amount: the service never needs one."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = sa.MetaData()
OPEN_FORM = sa.text("status IN ('referred', 'pending')")
ACTIVE_ENTRY = sa.text("status IN ('open', 'abandon_proposed')")


def _now() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


# walk-ins the bank has no customer id for yet: one prospect id per phone number
prospects = sa.Table(
    "prospects",
    metadata,
    sa.Column("prospect_id", sa.Text, primary_key=True),
    sa.Column("phone", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    _now(),
)

# walk-ins identify linked to the customer id of the account they opened (customer.prospect-linked):
# what was held under the prospect id is the customer's, and a form filed by the walk-in's phone
# from then on is the customer's. The first link of a prospect stands.
prospect_links = sa.Table(
    "prospect_links",
    metadata,
    sa.Column("prospect_id", sa.Text, primary_key=True),
    sa.Column("customer_id", sa.Text, nullable=False, index=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("linked_by", sa.Text, nullable=False),
    sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    _now(),
)

referrals = sa.Table(
    "referrals",
    metadata,
    sa.Column("referral_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("business_day", sa.Date, nullable=False),  # the branch's day (Asia/Shanghai) it was filed on
    sa.Column("person_key", sa.Text, nullable=False),  # customer id, else prospect id
    sa.Column("customer_id", sa.Text, nullable=True),
    sa.Column("prospect_id", sa.Text, sa.ForeignKey("prospects.prospect_id"), nullable=True),
    sa.Column("referred_by", sa.Text, nullable=False),
    sa.Column("referrer_role", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("filed_as", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("wealth_manager_id", sa.Text, nullable=False),
    sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("identification_id", sa.Text, nullable=True),
    sa.Column("suggestion_id", UUID(as_uuid=False), nullable=True),
    sa.Column("activity_id", UUID(as_uuid=False), nullable=True),
    sa.Column("contact_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("contact_way", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("met", sa.Boolean, nullable=True),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("closed_by", sa.Text, nullable=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("entry_id", UUID(as_uuid=False), nullable=True),
    sa.Column("withdrawal_reason", sa.Text, nullable=True),
    sa.Index("ix_referrals_branch_day", "branch_id", "business_day"),
    sa.Index("ix_referrals_wealth_manager_open", "wealth_manager_id", postgresql_where=OPEN_FORM),
    sa.Index("ix_referrals_staff_day", "referred_by", "business_day"),
    # one open form per person: the handlers refuse a second one; this keeps it so under any race
    sa.Index("uq_referrals_open_person", "person_key", unique=True, postgresql_where=OPEN_FORM),
)

suggestions = sa.Table(
    "suggestions",
    metadata,
    sa.Column("suggestion_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("business_day", sa.Date, nullable=False),
    sa.Column("customer_id", sa.Text, nullable=False),
    sa.Column("identification_id", sa.Text, nullable=False),
    sa.Column("identified_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("referral_id", UUID(as_uuid=False), nullable=True),
    sa.Column("acted_by", sa.Text, nullable=True),
    sa.Column("acted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("dismissal_reason", sa.Text, nullable=True),
    sa.UniqueConstraint(
        "branch_id", "business_day", "customer_id", name="uq_suggestions_branch_day_customer"
    ),
)

business_days = sa.Table(
    "business_days",
    metadata,
    sa.Column("branch_id", sa.Text, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("closed_by", sa.Text, nullable=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("reopened", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Index("ix_business_days_open", "branch_id", "day", postgresql_where=sa.text("status = 'open'")),
)

not_premium_blocks = sa.Table(
    "not_premium_blocks",
    metadata,
    sa.Column("person_key", sa.Text, primary_key=True),
    sa.Column("referral_id", UUID(as_uuid=False), nullable=False),
    sa.Column("judged_by", sa.Text, nullable=False),
    sa.Column("judged_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("until", sa.DateTime(timezone=True), nullable=False),
    sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("lift_reason", sa.Text, nullable=True),
)

follow_ups = sa.Table(
    "follow_ups",
    metadata,
    sa.Column("entry_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("referral_id", UUID(as_uuid=False), nullable=False, unique=True),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("person_key", sa.Text, nullable=False),
    sa.Column("customer_id", sa.Text, nullable=True),
    sa.Column("prospect_id", sa.Text, sa.ForeignKey("prospects.prospect_id"), nullable=True),
    sa.Column("wealth_manager_id", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("analysis", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
    sa.Column("failures_in_a_row", sa.Integer, nullable=False, server_default="0"),
    sa.Column("closed_by", sa.Text, nullable=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_follow_ups_owner", "wealth_manager_id", "status"),
    sa.Index("ix_follow_ups_branch", "branch_id", "status"),
    sa.Index("uq_follow_ups_active_person", "person_key", unique=True, postgresql_where=ACTIVE_ENTRY),
)

planned_contacts = sa.Table(
    "planned_contacts",
    metadata,
    sa.Column("contact_id", UUID(as_uuid=False), primary_key=True),
    sa.Column(
        "entry_id", UUID(as_uuid=False), sa.ForeignKey("follow_ups.entry_id"), nullable=False, index=True
    ),
    sa.Column("wealth_manager_id", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("at_time", sa.Time, nullable=True),
    sa.Column("way", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=True),
    sa.Column("done_by_attempt_id", UUID(as_uuid=False), nullable=True),
    _now(),
    sa.Index("ix_planned_contacts_diary", "wealth_manager_id", "day"),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("attempt_id", UUID(as_uuid=False), primary_key=True),
    sa.Column(
        "entry_id", UUID(as_uuid=False), sa.ForeignKey("follow_ups.entry_id"), nullable=False, index=True
    ),
    sa.Column("way", sa.Text, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("next_step", sa.Text, nullable=True),
    sa.Column("planned_contact_id", UUID(as_uuid=False), nullable=True),
)

appointments = sa.Table(
    "appointments",
    metadata,
    sa.Column("appointment_id", UUID(as_uuid=False), primary_key=True),
    sa.Column(
        "entry_id", UUID(as_uuid=False), sa.ForeignKey("follow_ups.entry_id"), nullable=False, index=True
    ),
    sa.Column("wealth_manager_id", sa.Text, nullable=False),
    sa.Column("meets_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("day", sa.Date, nullable=False),  # the branch day of the meeting: the diary page
    sa.Column("place", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_appointments_diary", "wealth_manager_id", "day"),
)

# every read of a register entry: who, when, which entry (严禁泄漏; the branch head reads this)
register_reads = sa.Table(
    "register_reads",
    metadata,
    sa.Column("read_id", sa.BigInteger, sa.Identity(always=False), primary_key=True),
    sa.Column("entry_id", UUID(as_uuid=False), nullable=False),
    sa.Column("branch_id", sa.Text, nullable=False),  # the entry's branch
    sa.Column("read_by", sa.Text, nullable=False),
    sa.Column("reader_role", sa.Text, nullable=False),
    sa.Column("reader_branch", sa.Text, nullable=False),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("via", sa.Text, nullable=False),  # entry | register | diary | batch
    sa.Index("ix_register_reads_branch_time", "branch_id", "read_at"),
    sa.Index("ix_register_reads_entry", "entry_id"),
)

marketing_activities = sa.Table(
    "marketing_activities",
    metadata,
    sa.Column("activity_id", UUID(as_uuid=False), primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("branch_id", sa.Text, nullable=False),
    sa.Column("organised_by", sa.Text, nullable=False),
    sa.Column("organiser_role", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("topic", sa.Text, nullable=True),
    sa.Column("place", sa.Text, nullable=True),
    sa.Column("introducer_customer_id", sa.Text, nullable=True),
    sa.Column("thanked_by", sa.Text, nullable=True),
    sa.Column("thanked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("reward_due", sa.Boolean, nullable=False, server_default=sa.false()),
    # [{person_id, customer_id, prospect_id, role, brought_by, referral_id, handed_to}]
    sa.Column("participants", JSONB, nullable=False),
    sa.Index("ix_marketing_activities_branch_day", "branch_id", "day"),
)

# one per branch and month: the unique key that makes the monthly summary go out once
monthly_summaries = sa.Table(
    "monthly_summaries",
    metadata,
    sa.Column("branch_id", sa.Text, primary_key=True),
    sa.Column("month", sa.Text, primary_key=True),  # YYYY-MM
    sa.Column("counts", JSONB, nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
)
