"""Read models for the API (queries go straight to SQL; commands go through handlers). Reads of
the confidential follow-up register are in ``referral.register``: they are recorded as they are
made."""

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from referral.adapters.repository import counted_form_from_row
from referral.adapters.tables import (
    appointments,
    attempts,
    business_days,
    follow_ups,
    marketing_activities,
    monthly_summaries,
    planned_contacts,
    prospects,
    referrals,
    register_reads,
    suggestions,
)
from referral.domain.counts import CountedForm
from referral.domain.periods import day_start

OPEN = ("referred", "pending")
ACTIVE = ("open", "abandon_proposed")


def _with_prospect(table: sa.Table):
    """Rows of ``table`` with the prospect's name and phone (None for a customer)."""
    return sa.select(
        table, prospects.c.name.label("prospect_name"), prospects.c.phone.label("prospect_phone")
    ).select_from(table.outerjoin(prospects, prospects.c.prospect_id == table.c.prospect_id))


# forms


async def referrals_by_ids(conn: AsyncConnection, referral_ids: list[str]):
    """The forms among ``referral_ids`` that exist (any branch, in no order)."""
    return (
        await conn.execute(_with_prospect(referrals).where(referrals.c.referral_id.in_(referral_ids)))
    ).all()


async def referrals_of_day(conn: AsyncConnection, branch_id: str, day: date, referred_by: str | None = None):
    query = _with_prospect(referrals).where(
        referrals.c.branch_id == branch_id, referrals.c.business_day == day
    )
    if referred_by is not None:
        query = query.where(referrals.c.referred_by == referred_by)
    return (await conn.execute(query.order_by(referrals.c.referred_at))).all()


async def referrals_to_confirm(conn: AsyncConnection, wealth_manager_id: str, branch_id: str):
    """The forms naming this wealth manager that await it (any day: a day left open shows too)."""
    query = _with_prospect(referrals).where(
        referrals.c.wealth_manager_id == wealth_manager_id,
        referrals.c.branch_id == branch_id,
        referrals.c.status.in_(OPEN),
    )
    return (await conn.execute(query.order_by(referrals.c.referred_at))).all()


# suggestions and the close of business


async def suggestions_of_day(conn: AsyncConnection, branch_id: str, day: date):
    query = sa.select(suggestions).where(
        suggestions.c.branch_id == branch_id, suggestions.c.business_day == day
    )
    return (await conn.execute(query.order_by(suggestions.c.identified_at))).all()


async def suggestion(conn: AsyncConnection, suggestion_id: str):
    return (
        await conn.execute(sa.select(suggestions).where(suggestions.c.suggestion_id == suggestion_id))
    ).first()


async def business_day(conn: AsyncConnection, branch_id: str, day: date):
    query = sa.select(business_days).where(business_days.c.branch_id == branch_id, business_days.c.day == day)
    return (await conn.execute(query)).first()


async def days_left_open(conn: AsyncConnection, branch_id: str, before: date, limit: int = 31):
    """Earlier days of the branch that were never closed, or that still have forms awaiting a
    wealth manager, with those forms' ids by status: ``(day, closed, awaiting_confirmation,
    awaiting_copy)``, oldest first."""
    r = referrals.c
    open_forms = (
        sa.select(
            r.business_day.label("day"),
            sa.func.array_agg(sa.case((r.status == "referred", sa.cast(r.referral_id, sa.Text)))).label(
                "referred"
            ),
            sa.func.array_agg(sa.case((r.status == "pending", sa.cast(r.referral_id, sa.Text)))).label(
                "pending"
            ),
        )
        .where(r.branch_id == branch_id, r.business_day < before, r.status.in_(OPEN))
        .group_by(r.business_day)
        .subquery()
    )
    unclosed = sa.select(business_days.c.day).where(
        business_days.c.branch_id == branch_id, business_days.c.day < before, business_days.c.status == "open"
    )
    days = sa.union(sa.select(open_forms.c.day), unclosed).subquery()
    query = (
        sa.select(
            days.c.day,
            sa.func.coalesce(business_days.c.status == "closed", False).label("closed"),
            open_forms.c.referred,
            open_forms.c.pending,
        )
        .select_from(
            days.outerjoin(open_forms, open_forms.c.day == days.c.day).outerjoin(
                business_days,
                sa.and_(business_days.c.branch_id == branch_id, business_days.c.day == days.c.day),
            )
        )
        .order_by(days.c.day)
        .limit(limit)
    )
    return [
        (row.day, row.closed, [i for i in row.referred or () if i], [i for i in row.pending or () if i])
        for row in await conn.execute(query)
    ]


# counts and summaries


async def counted_forms_by_branch(
    conn: AsyncConnection, first_day: date, last_day: date, branch_id: str | None = None
) -> dict[str, list[CountedForm]]:
    """The forms of ``first_day``…``last_day`` as counting needs them, per branch."""
    r = referrals.c
    query = sa.select(
        r.branch_id, r.referred_by, r.referrer_role, r.business_day, r.filed_as, r.status, r.met, r.result
    ).where(r.business_day >= first_day, r.business_day <= last_day)
    if branch_id is not None:
        query = query.where(r.branch_id == branch_id)
    by_branch: dict[str, list[CountedForm]] = {}
    for row in await conn.execute(query.order_by(r.branch_id)):
        by_branch.setdefault(row.branch_id, []).append(counted_form_from_row(row))
    return by_branch


async def monthly_summary(conn: AsyncConnection, branch_id: str, month: str):
    query = sa.select(monthly_summaries).where(
        monthly_summaries.c.branch_id == branch_id, monthly_summaries.c.month == month
    )
    return (await conn.execute(query)).first()


# the follow-up register (read through referral.register, which records each read)


async def entries_by_ids(conn: AsyncConnection, entry_ids: list[str]):
    return (await conn.execute(_with_prospect(follow_ups).where(follow_ups.c.entry_id.in_(entry_ids)))).all()


async def entries_of(conn: AsyncConnection, wealth_manager_id: str, statuses: tuple[str, ...]):
    query = _with_prospect(follow_ups).where(
        follow_ups.c.wealth_manager_id == wealth_manager_id, follow_ups.c.status.in_(statuses)
    )
    return (await conn.execute(query.order_by(follow_ups.c.opened_at))).all()


async def entry_history(conn: AsyncConnection, entry_ids: list[str]) -> dict[str, dict[str, list]]:
    """Attempts, planned contacts and appointments of each entry, oldest first."""
    history = {
        entry_id: {"attempts": [], "planned_contacts": [], "appointments": []} for entry_id in entry_ids
    }
    parts = [
        ("attempts", attempts, attempts.c.attempted_at),
        ("planned_contacts", planned_contacts, planned_contacts.c.day),
        ("appointments", appointments, appointments.c.meets_at),
    ]
    for name, table, order in parts:
        rows = await conn.execute(sa.select(table).where(table.c.entry_id.in_(entry_ids)).order_by(order))
        for row in rows:
            history[str(row.entry_id)][name].append(row)
    return history


async def diary(conn: AsyncConnection, wealth_manager_id: str, day: date):
    """A wealth manager's work diary for a day: planned contacts and appointments, each with its
    entry's branch, person and status."""
    entry_columns = [
        follow_ups.c.branch_id,
        follow_ups.c.customer_id,
        follow_ups.c.prospect_id,
        follow_ups.c.status.label("entry_status"),
        prospects.c.name.label("prospect_name"),
        prospects.c.phone.label("prospect_phone"),
    ]

    def joined(table: sa.Table):
        return (
            sa.select(table, *entry_columns)
            .select_from(
                table.join(follow_ups, follow_ups.c.entry_id == table.c.entry_id).outerjoin(
                    prospects, prospects.c.prospect_id == follow_ups.c.prospect_id
                )
            )
            .where(table.c.wealth_manager_id == wealth_manager_id, table.c.day == day)
        )

    planned = (
        await conn.execute(joined(planned_contacts).order_by(planned_contacts.c.at_time.nulls_last()))
    ).all()
    meetings = (await conn.execute(joined(appointments).order_by(appointments.c.meets_at))).all()
    return planned, meetings


async def register_reads_of(conn: AsyncConnection, branch_id: str, day: date, limit: int):
    start = day_start(day)
    query = (
        sa.select(register_reads)
        .where(
            register_reads.c.branch_id == branch_id,
            register_reads.c.read_at >= start,
            register_reads.c.read_at < day_start(day + timedelta(days=1)),
        )
        .order_by(register_reads.c.read_id)
        .limit(limit)
    )
    return (await conn.execute(query)).all()


# targeted marketing


async def activity(conn: AsyncConnection, activity_id: str):
    query = sa.select(marketing_activities).where(marketing_activities.c.activity_id == activity_id)
    return (await conn.execute(query)).first()


async def activities_of(
    conn: AsyncConnection, branch_id: str, first_day: date, last_day: date, kind: str | None, limit: int
):
    m = marketing_activities.c
    query = sa.select(marketing_activities).where(
        m.branch_id == branch_id, m.day >= first_day, m.day <= last_day
    )
    if kind is not None:
        query = query.where(m.kind == kind)
    return (await conn.execute(query.order_by(m.day.desc(), m.created_at.desc()).limit(limit))).all()


async def prospects_by_ids(conn: AsyncConnection, prospect_ids: list[str]) -> dict[str, tuple[str, str]]:
    if not prospect_ids:
        return {}
    rows = await conn.execute(sa.select(prospects).where(prospects.c.prospect_id.in_(prospect_ids)))
    return {row.prospect_id: (row.name, row.phone) for row in rows}
