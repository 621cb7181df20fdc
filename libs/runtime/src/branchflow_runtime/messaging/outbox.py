"""Producer side: write the event in the same transaction as the state change.

Nothing reaches Kafka from a request handler; the relay publishes committed rows. So a crash
between commit and publish loses nothing, and a rolled-back change publishes nothing."""

import uuid
from datetime import UTC, datetime

from opentelemetry import propagate
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from branchflow_contracts import EventContract
from branchflow_runtime.messaging.tables import outbox_events

_INSERT_OUTBOX = outbox_events.insert()  # built once; each call only binds parameters


def current_trace_carrier() -> dict[str, str]:
    """The active trace context as W3C headers, so the relay can continue the trace."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def outbox_row(
    event: EventContract,
    *,
    source: str,
    key: str | None,
    subject: str | None,
    trace_carrier: dict[str, str] | None = None,
) -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "topic": str(event.topic),
        "message_key": key,
        "ce_type": event.ce_type,
        "ce_source": source,
        "ce_subject": subject,
        "ce_time": datetime.now(UTC),
        "payload": event.model_dump(mode="json"),
        "trace_carrier": current_trace_carrier() if trace_carrier is None else trace_carrier,
    }


async def add_rows_to_outbox(session: AsyncSession | AsyncConnection, rows: list[dict]) -> None:
    """Stage several prepared rows (``outbox_row``) in the caller's transaction, in one round trip."""
    if rows:
        await session.execute(_INSERT_OUTBOX, rows)


async def add_to_outbox(
    session: AsyncSession | AsyncConnection,
    event: EventContract,
    *,
    source: str,
    key: str | None,
    subject: str | None = None,
) -> str:
    """Stage ``event`` in the caller's transaction; returns its CloudEvents id."""
    row = outbox_row(event, source=source, key=key, subject=subject)
    await add_rows_to_outbox(session, [row])
    return row["event_id"]
