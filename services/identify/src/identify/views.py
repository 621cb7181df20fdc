"""Read models for the API (queries go straight to SQL; commands go through handlers)."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from branchflow_runtime.privacy import BRANCH_ZONE
from identify.adapters.tables import customers, identifications, ratings

VISITING = "visiting"  # the tier key under which a branch counts customers of other branches

# an identification with its customer's home branch: a visitor's tier belongs to that branch
_IDENTIFICATIONS = sa.select(identifications, customers.c.branch_id.label("customer_branch_id")).select_from(
    identifications.outerjoin(customers, customers.c.customer_id == identifications.c.customer_id)
)


def branch_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A calendar day in the branch's zone, as a UTC-aware interval."""
    start = datetime.combine(day, time.min, tzinfo=BRANCH_ZONE)
    return start, start + timedelta(days=1)


async def identifications_for_day(conn: AsyncConnection, branch_id: str, day: date, limit: int):
    start, end = branch_day_bounds(day)
    result = await conn.execute(
        _IDENTIFICATIONS.where(
            identifications.c.branch_id == branch_id,
            identifications.c.identified_at >= start,
            identifications.c.identified_at < end,
        )
        .order_by(identifications.c.identified_at.desc())
        .limit(limit)
    )
    return result.all()


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
    """Identifications of a day (branch time) counted in SQL, per branch: one row per
    ``(branch_id, dimension, key, n)`` where ``dimension`` is ``"total"`` (key null), ``"tier"`` or
    ``"channel"``. A customer of another branch is counted under the tier key ``VISITING``: their
    tier belongs to their home branch. Only keys that occur have a row; only branches that have
    an identification that day appear. ``branch_id`` None counts every branch."""
    start, end = branch_day_bounds(day)
    i = identifications.c
    home = sa.func.coalesce(customers.c.branch_id, i.branch_id)
    window = (
        sa.select(
            i.branch_id,
            i.channel,
            sa.case((home == i.branch_id, i.tier), else_=sa.literal(VISITING)).label("tier"),
        )
        .select_from(identifications.outerjoin(customers, customers.c.customer_id == i.customer_id))
        .where(i.identified_at >= start, i.identified_at < end)
    )
    if branch_id is not None:
        window = window.where(i.branch_id == branch_id)
    w = window.subquery().c
    by_tier = sa.func.grouping(w.tier) == 0
    by_channel = sa.func.grouping(w.channel) == 0
    query = (
        sa.select(
            w.branch_id,
            sa.case((by_tier, "tier"), (by_channel, "channel"), else_="total").label("dimension"),
            sa.case((by_tier, w.tier), (by_channel, w.channel)).label("key"),
            sa.func.count().label("n"),
        )
        .group_by(
            sa.func.grouping_sets(
                sa.tuple_(w.branch_id), sa.tuple_(w.branch_id, w.tier), sa.tuple_(w.branch_id, w.channel)
            )
        )
        .order_by(w.branch_id)
    )
    return (await conn.execute(query)).all()


async def customer(conn: AsyncConnection, customer_id: str):
    return (await conn.execute(sa.select(customers).where(customers.c.customer_id == customer_id))).first()
