"""Read models for the API (queries go straight to SQL; commands go through handlers)."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from branchflow_runtime.privacy import BRANCH_ZONE
from identify.adapters.tables import customers, identifications, ratings


def branch_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A calendar day in the branch's zone, as a UTC-aware interval."""
    start = datetime.combine(day, time.min, tzinfo=BRANCH_ZONE)
    return start, start + timedelta(days=1)


async def identifications_for_day(session: AsyncSession, branch_id: str, day: date, limit: int):
    start, end = branch_day_bounds(day)
    result = await session.execute(
        sa.select(identifications)
        .where(
            identifications.c.branch_id == branch_id,
            identifications.c.identified_at >= start,
            identifications.c.identified_at < end,
        )
        .order_by(identifications.c.identified_at.desc())
        .limit(limit)
    )
    return result.all()


async def identification(session: AsyncSession, identification_id: str):
    return (
        await session.execute(
            sa.select(identifications).where(identifications.c.identification_id == identification_id)
        )
    ).first()


async def rating_with_customer(session: AsyncSession, customer_id: str):
    return (
        await session.execute(
            sa.select(ratings, customers.c.wealth_manager_id)
            .join(customers, customers.c.customer_id == ratings.c.customer_id)
            .where(ratings.c.customer_id == customer_id)
        )
    ).first()


async def customer(session: AsyncSession, customer_id: str):
    return (await session.execute(sa.select(customers).where(customers.c.customer_id == customer_id))).first()
