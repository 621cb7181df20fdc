"""Reading the follow-up register (待跟进客户信息记录表 — 严禁泄漏).

Who may read an entry is decided in ``referral.access``. Every read that is allowed is recorded
(who, when, which entry, through what) in the same transaction as the read itself, so nothing is
read unrecorded; a refused read records nothing. Lists and the diary record a read of every
entry they show."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from branchflow_runtime.auth import Staff
from referral import access, views
from referral.adapters.repository import SqlReferralRepository


@dataclass(frozen=True)
class EntryRead:
    entry: Any  # the entry's row, with the prospect's name and phone
    history: dict[str, list]  # attempts, planned_contacts, appointments


def _readable(staff: Staff, row) -> bool:
    return access.may_read_entry(staff, branch_id=row.branch_id, wealth_manager_id=row.wealth_manager_id)


async def _record(conn: AsyncConnection, staff: Staff, rows, at: datetime, via: str) -> None:
    entries = list(dict.fromkeys((str(row.entry_id), row.branch_id) for row in rows))
    await SqlReferralRepository(conn).record_reads(entries, staff, at, via)


async def _with_history(conn: AsyncConnection, rows) -> list[EntryRead]:
    history = await views.entry_history(conn, [str(row.entry_id) for row in rows])
    return [EntryRead(row, history[str(row.entry_id)]) for row in rows]


async def read_entry(engine: AsyncEngine, staff: Staff, entry_id: str, at: datetime) -> EntryRead:
    """One entry with its history; 404 if there is none, 403 (nothing recorded) if not allowed."""
    async with engine.begin() as conn:
        rows = await views.entries_by_ids(conn, [entry_id])
        if not rows:
            raise access.missing(staff, "follow-up entry", entry_id)
        [row] = rows
        access.check_may_read_entry(staff, branch_id=row.branch_id, wealth_manager_id=row.wealth_manager_id)
        [read] = await _with_history(conn, rows)
        await _record(conn, staff, rows, at, "entry")
    return read


async def read_entries(
    engine: AsyncEngine, staff: Staff, entry_ids: list[str], at: datetime
) -> list[EntryRead]:
    """A batch (the gateway's DataLoaders): entries the caller may not read are left out, as
    entries that do not exist are; the rest in the order asked, each once."""
    async with engine.begin() as conn:
        by_id = {str(row.entry_id): row for row in await views.entries_by_ids(conn, entry_ids)}
        rows = [by_id[i] for i in dict.fromkeys(entry_ids) if i in by_id and _readable(staff, by_id[i])]
        reads = await _with_history(conn, rows)
        await _record(conn, staff, rows, at, "batch")
    return reads


async def read_register(
    engine: AsyncEngine, staff: Staff, wealth_manager_id: str, statuses: tuple[str, ...], at: datetime
) -> list[EntryRead]:
    """A wealth manager's register: the manager's own, or for heads the entries of their branch."""
    access.check_may_read_register_of(staff, wealth_manager_id)
    async with engine.begin() as conn:
        rows = [
            row for row in await views.entries_of(conn, wealth_manager_id, statuses) if _readable(staff, row)
        ]
        reads = await _with_history(conn, rows)
        await _record(conn, staff, rows, at, "register")
    return reads


async def read_diary(engine: AsyncEngine, staff: Staff, wealth_manager_id: str, day: date, at: datetime):
    """The work diary of a day (工作日志): planned contacts and appointments, of entries the caller
    may read."""
    access.check_may_read_register_of(staff, wealth_manager_id)
    async with engine.begin() as conn:
        planned, meetings = await views.diary(conn, wealth_manager_id, day)
        planned = [row for row in planned if _readable(staff, row)]
        meetings = [row for row in meetings if _readable(staff, row)]
        await _record(conn, staff, [*planned, *meetings], at, "diary")
    return planned, meetings
