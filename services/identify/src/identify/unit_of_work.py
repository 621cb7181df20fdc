"""One business transaction: state changes and their events commit together (the outbox)."""

from collections.abc import Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from branchflow_contracts import EventContract
from branchflow_runtime.messaging.inbox import first_delivery
from branchflow_runtime.messaging.outbox import add_rows_to_outbox, outbox_row
from identify.adapters.repository import IdentifyRepository, SqlIdentifyRepository

EVENT_SOURCE = "/branchflow/identify"


class UnitOfWork(Protocol):
    repo: IdentifyRepository

    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, *exc) -> None: ...
    def emit(self, event: EventContract, key: str, trace_carrier: dict[str, str] | None = None) -> None: ...
    async def first_delivery(self, event_id: str, topic: str) -> bool: ...
    async def commit(self) -> None: ...


class SqlUnitOfWork:
    def __init__(
        self,
        engine: AsyncEngine,
        consumer_name: str = "identify",
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._engine = engine
        self._consumer = consumer_name
        self._on_commit = on_commit

    async def __aenter__(self) -> "SqlUnitOfWork":
        # a Core connection, not an ORM session: the write path needs no identity map, and
        # the session's bookkeeping doubled the cost of a short transaction
        self.connection = await self._engine.connect()
        self._transaction = await self.connection.begin()
        self.repo = SqlIdentifyRepository(self.connection)
        self._events: list[dict] = []
        return self

    async def __aexit__(self, *exc) -> None:
        if self._transaction.is_active:
            await self._transaction.rollback()
        await self.connection.close()

    def emit(self, event: EventContract, key: str, trace_carrier: dict[str, str] | None = None) -> None:
        """Stage an event; it is written to the outbox with the state, at commit. Its trace is
        the current one unless the caller brings the trace of the request it serves."""
        self._events.append(
            outbox_row(event, source=EVENT_SOURCE, key=key, subject=key, trace_carrier=trace_carrier)
        )

    async def first_delivery(self, event_id: str, topic: str) -> bool:
        return await first_delivery(self.connection, consumer=self._consumer, event_id=event_id, topic=topic)

    async def commit(self) -> None:
        await add_rows_to_outbox(self.connection, self._events)
        await self._transaction.commit()
        if self._events:
            self._on_commit()
        self._events.clear()
