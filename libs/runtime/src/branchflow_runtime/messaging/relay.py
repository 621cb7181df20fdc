"""The outbox relay: publish committed outbox rows to Kafka, then mark them published.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several replicas can relay side by side.
A row is marked only after the broker acknowledged it (acks=all); if the process dies in
between, the row is published again and consumers drop the duplicate by its event id."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from opentelemetry import context as otel_context
from opentelemetry import propagate
from sqlalchemy.ext.asyncio import async_sessionmaker

from branchflow_runtime.messaging import cloudevents_codec
from branchflow_runtime.messaging.tables import outbox_events

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingEvent:
    seq: int
    event_id: str
    topic: str
    message_key: str | None
    ce_type: str
    ce_source: str
    ce_subject: str | None
    ce_time: datetime
    payload: dict[str, Any]
    trace_carrier: dict[str, str]

    def to_wire(self) -> cloudevents_codec.WireMessage:
        return cloudevents_codec.encode(
            event_id=self.event_id,
            ce_type=self.ce_type,
            source=self.ce_source,
            subject=self.ce_subject,
            time=self.ce_time,
            data=self.payload,
            key=self.message_key,
        )


# Sends one message and returns an awaitable that resolves once the broker acknowledged it.
SendFunction = Callable[[str, cloudevents_codec.WireMessage], Awaitable[Awaitable[Any]]]


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker,
        send: SendFunction,
        *,
        batch_size: int = 500,
        idle_poll_seconds: float = 0.5,
        max_backoff_seconds: float = 10.0,
    ) -> None:
        self._sessions = sessions
        self._send = send
        self._batch_size = batch_size
        self._idle_poll = idle_poll_seconds
        self._max_backoff = max_backoff_seconds
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self.published_total = 0

    def wake(self) -> None:
        """Called after a commit that added outbox rows: publish now rather than at next poll."""
        self._wakeup.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wakeup.set()

    async def run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            # cleared before looking, so a commit that lands while we publish wakes us again
            self._wakeup.clear()
            try:
                published = await self.publish_pending()
                backoff = 0.1
            except Exception as exc:  # broker or database away: keep the rows, try again later
                log.warning("outbox relay: publish failed (%s); retrying in %.1fs", exc, backoff)
                # new commits do not cut the backoff short: the broker is what we wait for
                await self._sleep(backoff, self._stopping)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            if published < self._batch_size:
                await self._sleep(self._idle_poll, self._wakeup)

    @staticmethod
    async def _sleep(seconds: float, until: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(until.wait(), timeout=seconds)

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows; returns how many were published."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                sa.select(
                    outbox_events.c.seq,
                    outbox_events.c.event_id,
                    outbox_events.c.topic,
                    outbox_events.c.message_key,
                    outbox_events.c.ce_type,
                    outbox_events.c.ce_source,
                    outbox_events.c.ce_subject,
                    outbox_events.c.ce_time,
                    outbox_events.c.payload,
                    outbox_events.c.trace_carrier,
                )
                .where(outbox_events.c.published_at.is_(None))
                .order_by(outbox_events.c.seq)
                .limit(self._batch_size)
                .with_for_update(skip_locked=True)
            )
            pending = [PendingEvent(**row._mapping) for row in result]
            if not pending:
                return 0
            acks = [await self._send_in_trace(event) for event in pending]
            # If the broker fails here the transaction rolls back and the rows stay pending.
            await asyncio.gather(*acks)
            await session.execute(
                outbox_events.update()
                .where(outbox_events.c.seq.in_([e.seq for e in pending]))
                .values(published_at=sa.func.now())
            )
        self.published_total += len(pending)
        return len(pending)

    async def _send_in_trace(self, event: PendingEvent) -> Awaitable[Any]:
        # Continue the trace of the request that wrote the row.
        token = otel_context.attach(propagate.extract(event.trace_carrier))
        try:
            return await self._send(event.topic, event.to_wire())
        finally:
            otel_context.detach(token)
