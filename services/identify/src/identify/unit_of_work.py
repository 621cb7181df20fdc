"""The identify service's unit of work: the runtime's, with the identify repository."""

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from branchflow_runtime.unit_of_work import SqlUnitOfWork
from branchflow_runtime.unit_of_work import UnitOfWork as _UnitOfWork
from identify.adapters.repository import IdentifyRepository, SqlIdentifyRepository

EVENT_SOURCE = "/branchflow/identify"

UnitOfWork = _UnitOfWork[IdentifyRepository]


def sql_unit_of_work(engine: AsyncEngine, on_commit: Callable[[], None] = lambda: None) -> SqlUnitOfWork:
    return SqlUnitOfWork(
        engine,
        repository=SqlIdentifyRepository,
        source=EVENT_SOURCE,
        consumer="identify",
        on_commit=on_commit,
    )
