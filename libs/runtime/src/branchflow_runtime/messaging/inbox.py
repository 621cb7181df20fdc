"""Consumer side: remember each event id in the handler's own transaction, so a redelivered
event (at-least-once delivery, a relay that re-sent after a crash) changes nothing."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from branchflow_runtime.messaging.tables import inbox_events


async def first_delivery(
    session: AsyncSession | AsyncConnection, *, consumer: str, event_id: str, topic: str
) -> bool:
    """Record the event for ``consumer``; False when it was already applied."""
    result = await session.execute(
        insert(inbox_events)
        .values(consumer=consumer, event_id=event_id, topic=topic)
        .on_conflict_do_nothing()
        .returning(inbox_events.c.event_id)
    )
    return result.first() is not None
