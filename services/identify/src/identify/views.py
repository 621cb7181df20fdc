"""Read models for the API (queries go straight to SQL; commands go through handlers)."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from branchflow_runtime.privacy import BRANCH_ZONE
from identify.adapters.tables import customers, identifications, prospects, queue_checks, ratings, reratings

VISITING = "visiting"  # the tier key under which a branch counts customers of other branches


def branch_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A calendar day in the branch's zone, as a UTC-aware interval."""
    start = datetime.combine(day, time.min, tzinfo=BRANCH_ZONE)
    return start, start + timedelta(days=1)


# an identification with who it is: the customer's home branch (a visitor's tier belongs to it),
# name and owner, or the prospect's name
_IDENTIFICATIONS = sa.select(
    identifications,
    customers.c.branch_id.label("customer_branch_id"),
    customers.c.wealth_manager_id,
    customers.c.personal_data["name"].astext.label("customer_name"),
    prospects.c.name.label("prospect_name"),
    prospects.c.recorded_by.label("prospect_recorded_by"),
).select_from(
    identifications.outerjoin(customers, customers.c.customer_id == identifications.c.customer_id).outerjoin(
        prospects, prospects.c.prospect_id == identifications.c.prospect_id
    )
)


async def identifications_for_day(
    conn: AsyncConnection,
    branch_id: str,
    day: date,
    limit: int,
    *,
    include_prospects: bool = True,
    observer_role: str | None = None,
    observed_by: str | None = None,
):
    """A branch's identifications of a day (branch time), newest first, with names. Without
    ``include_prospects``, only those with a customer id (what v1 clients expect)."""
    start, end = branch_day_bounds(day)
    i = identifications.c
    query = _IDENTIFICATIONS.where(i.branch_id == branch_id, i.identified_at >= start, i.identified_at < end)
    if not include_prospects:
        query = query.where(i.customer_id.is_not(None))
    if observer_role is not None:
        query = query.where(i.observer_role == observer_role)
    if observed_by is not None:
        query = query.where(i.identified_by == observed_by)
    result = await conn.execute(query.order_by(i.identified_at.desc()).limit(limit))
    return result.all()


async def identification_with_names(conn: AsyncConnection, identification_id: str):
    query = _IDENTIFICATIONS.where(identifications.c.identification_id == identification_id)
    return (await conn.execute(query)).first()


async def identification(conn: AsyncConnection, identification_id: str):
    return (
        await conn.execute(_IDENTIFICATIONS.where(identifications.c.identification_id == identification_id))
    ).first()


async def identifications_by_ids(conn: AsyncConnection, identification_ids: list[str]):
    """The identifications among ``identification_ids`` that exist (any branch, in no order)."""
    result = await conn.execute(
        _IDENTIFICATIONS.where(identifications.c.identification_id.in_(identification_ids))
    )
    return result.all()


def _ratings_with_customers():
    return sa.select(ratings, customers.c.wealth_manager_id).join(
        customers, customers.c.customer_id == ratings.c.customer_id
    )


async def rating_with_customer(conn: AsyncConnection, customer_id: str):
    return (await conn.execute(_ratings_with_customers().where(ratings.c.customer_id == customer_id))).first()


async def ratings_with_customers(conn: AsyncConnection, customer_ids: list[str]):
    """The ratings of those of ``customer_ids`` that have one (any branch, in no order)."""
    result = await conn.execute(_ratings_with_customers().where(ratings.c.customer_id.in_(customer_ids)))
    return result.all()


async def identification_counts(conn: AsyncConnection, day: date, branch_id: str | None = None):
    """Identifications of a day (branch time) counted in people (a customer, or a prospect not yet
    linked), per branch, in SQL. One row per ``(branch_id, dimension, key, staff_id, role, n)``:

    - ``channel``: people by the channel of their first identification that day;
    - ``tier``: people by the tier of their last identification that day;
    - ``staff``: per staff member (``staff_id``, ``role``), the people they identified, by the
      tier of that staff member's last identification of them.

    A customer of another branch is counted under the tier key ``VISITING``: their tier belongs to
    their home branch.

    Only tiers, channels and staff that occur have a row; only branches with an identification
    that day appear. ``branch_id`` None counts every branch."""
    start, end = branch_day_bounds(day)
    i = identifications.c
    person = sa.func.coalesce(i.customer_id, sa.cast(i.prospect_id, sa.Text)).label("person")
    home = sa.func.coalesce(customers.c.branch_id, i.branch_id)
    tier = sa.case((home == i.branch_id, i.tier), else_=sa.literal(VISITING)).label("tier")
    rows = (
        sa.select(i.branch_id, person, i.channel, tier, i.identified_by, i.observer_role, i.identified_at)
        .select_from(identifications.outerjoin(customers, customers.c.customer_id == i.customer_id))
        .where(i.identified_at >= start, i.identified_at < end)
    )
    if branch_id is not None:
        rows = rows.where(i.branch_id == branch_id)
    d = rows.cte("day_rows").c
    firsts = (
        sa.select(d.branch_id, d.channel)
        .distinct(d.branch_id, d.person)
        .order_by(d.branch_id, d.person, d.identified_at)
        .subquery()
    )
    lasts = (
        sa.select(d.branch_id, d.tier)
        .distinct(d.branch_id, d.person)
        .order_by(d.branch_id, d.person, d.identified_at.desc())
        .subquery()
    )
    by_staff = (
        sa.select(d.branch_id, d.identified_by, d.observer_role, d.tier)
        .where(d.identified_by.is_not(None))
        .distinct(d.branch_id, d.identified_by, d.person)
        .order_by(d.branch_id, d.identified_by, d.person, d.identified_at.desc())
        .subquery()
    )
    null = sa.null().cast(sa.Text)
    query = sa.union_all(
        sa.select(
            firsts.c.branch_id, sa.literal("channel").label("dimension"), firsts.c.channel.label("key"),
            null.label("staff_id"), null.label("role"), sa.func.count().label("n"),
        ).group_by(firsts.c.branch_id, firsts.c.channel),
        sa.select(
            lasts.c.branch_id, sa.literal("tier"), lasts.c.tier, null, null, sa.func.count()
        ).group_by(lasts.c.branch_id, lasts.c.tier),
        sa.select(
            by_staff.c.branch_id, sa.literal("staff"), by_staff.c.tier, by_staff.c.identified_by,
            sa.func.max(by_staff.c.observer_role), sa.func.count(),
        ).group_by(by_staff.c.branch_id, by_staff.c.identified_by, by_staff.c.tier),
    )  # fmt: skip
    ordered = query.subquery()
    return (await conn.execute(sa.select(ordered).order_by(ordered.c.branch_id, ordered.c.staff_id))).all()


async def reratings_of(conn: AsyncConnection, customer_id: str, limit: int):
    result = await conn.execute(
        sa.select(reratings)
        .where(reratings.c.customer_id == customer_id)
        .order_by(reratings.c.rerated_at.desc())
        .limit(limit)
    )
    return result.all()


async def prospect(conn: AsyncConnection, prospect_id: str):
    return (await conn.execute(sa.select(prospects).where(prospects.c.prospect_id == prospect_id))).first()


async def prospects_of_branch(conn: AsyncConnection, branch_id: str, *, linked: bool | None, limit: int):
    query = sa.select(prospects).where(prospects.c.branch_id == branch_id)
    if linked is not None:
        query = query.where(
            prospects.c.customer_id.is_not(None) if linked else prospects.c.customer_id.is_(None)
        )
    result = await conn.execute(query.order_by(prospects.c.recorded_at.desc()).limit(limit))
    return result.all()


async def queue_checks_for_day(conn: AsyncConnection, branch_id: str, day: date, limit: int):
    start, end = branch_day_bounds(day)
    q = queue_checks.c
    result = await conn.execute(
        sa.select(queue_checks)
        .where(q.branch_id == branch_id, q.checked_at >= start, q.checked_at < end)
        .order_by(q.checked_at.desc())
        .limit(limit)
    )
    return result.all()


async def customer(conn: AsyncConnection, customer_id: str):
    return (await conn.execute(sa.select(customers).where(customers.c.customer_id == customer_id))).first()
