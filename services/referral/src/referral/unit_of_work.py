"""The referral service's unit of work: the runtime's, with the referral repository."""

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from branchflow_runtime.unit_of_work import SqlUnitOfWork
from branchflow_runtime.unit_of_work import UnitOfWork as _UnitOfWork
from referral.adapters.repository import ReferralRepository, SqlReferralRepository

EVENT_SOURCE = "/branchflow/referral"

UnitOfWork = _UnitOfWork[ReferralRepository]


def sql_unit_of_work(engine: AsyncEngine, on_commit: Callable[[], None] = lambda: None) -> SqlUnitOfWork:
    return SqlUnitOfWork(
        engine,
        repository=SqlReferralRepository,
        source=EVENT_SOURCE,
        consumer="referral",
        on_commit=on_commit,
    )
