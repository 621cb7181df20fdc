"""One business transaction: state changes and their events commit together (the outbox), and an
event consumed from Kafka is recorded in the same transaction (the inbox), so a redelivery is a
no-op. Every service's unit of work is this class with its own repository."""

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from branchflow_contracts import EventContract
from branchflow_runtime.messaging.inbox import first_delivery
from branchflow_runtime.messaging.outbox import add_rows_to_outbox, outbox_row

R = TypeVar("R")


class UnitOfWork(Protocol[R]):
    """What handlers see; unit tests give them a fake with the same methods."""

    repo: R

    async def __aenter__(self) -> "UnitOfWork[R]": ...
    async def __aexit__(self, *exc) -> None: ...
    def emit(self, event: EventContract, key: str, trace_carrier: dict[str, str] | None = None) -> None: ...
    async def first_delivery(self, event_id: str, topic: str) -> bool: ...
    async def commit(self) -> None: ...


class SqlUnitOfWork(Generic[R]):
    """``repository`` builds the service's repository on the transaction's connection; ``source``
    is the CloudEvents source of what it emits; ``consumer`` names it in the inbox."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        repository: Callable[[AsyncConnection], R],
        source: str,
        consumer: str,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self._engine = engine
        self._repository = repository
        self._source = source
        self._consumer = consumer
        self._on_commit = on_commit

    async def __aenter__(self) -> "SqlUnitOfWork[R]":
        # a Core connection, not an ORM session: the write path needs no identity map, and
        # the session's bookkeeping doubled the cost of a short transaction
        self.connection = await self._engine.connect()
        self._transaction = await self.connection.begin()
        self.repo: R = self._repository(self.connection)
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
            outbox_row(event, source=self._source, key=key, subject=key, trace_carrier=trace_carrier)
        )

    async def first_delivery(self, event_id: str, topic: str) -> bool:
        """Record a consumed event in this transaction; False when it was applied before."""
        return await first_delivery(self.connection, consumer=self._consumer, event_id=event_id, topic=topic)

    async def commit(self) -> None:
        await add_rows_to_outbox(self.connection, self._events)
        await self._transaction.commit()
        if self._events:
            self._on_commit()  # wake the relay: publish now rather than at its next poll
        self._events.clear()
