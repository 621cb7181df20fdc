"""One business transaction: state changes and their events commit together (the outbox)."""

from collections.abc import Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from branchflow_contracts import EventContract
from branchflow_runtime.messaging.inbox import first_delivery
from branchflow_runtime.messaging.outbox import add_to_outbox
from identify.adapters.repository import IdentifyRepository, SqlIdentifyRepository

EVENT_SOURCE = "/branchflow/identify"


class UnitOfWork(Protocol):
    repo: IdentifyRepository

    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, *exc) -> None: ...
    def emit(self, event: EventContract, key: str) -> None: ...
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
        self._events: list[tuple[EventContract, str]] = []
        return self

    async def __aexit__(self, *exc) -> None:
        if self._transaction.is_active:
            await self._transaction.rollback()
        await self.connection.close()

    def emit(self, event: EventContract, key: str) -> None:
        self._events.append((event, key))

    async def first_delivery(self, event_id: str, topic: str) -> bool:
        return await first_delivery(self.connection, consumer=self._consumer, event_id=event_id, topic=topic)

    async def commit(self) -> None:
        for event, key in self._events:
            await add_to_outbox(self.connection, event, source=EVENT_SOURCE, key=key, subject=key)
        await self._transaction.commit()
        if self._events:
            self._on_commit()
        self._events.clear()
