"""The outbox relay against a real PostgreSQL: replicas side by side publish each row once; a
failed send leaves the rows pending."""

import asyncio

import pytest
import sqlalchemy as sa

from branchflow_contracts import PlanDue
from branchflow_runtime.database import create_engine, session_factory
from branchflow_runtime.messaging.outbox import add_to_outbox
from branchflow_runtime.messaging.relay import OutboxRelay
from branchflow_runtime.messaging.tables import messaging_metadata, outbox_events

pytestmark = pytest.mark.connected


def plan_due(n: int) -> PlanDue:
    return PlanDue(
        task_id=f"T{n}",
        plan_id="P1",
        customer_id=f"C{n % 7}",
        branch_id="BR001",
        wealth_manager_id="wm-1",
        contact_kind="call",
        channel="phone",
        due_at="2026-11-22T01:00:00Z",
    )


@pytest.fixture
async def sessions(fresh_database):
    engine = create_engine(fresh_database)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    yield session_factory(engine)
    await engine.dispose()


async def stage(sessions, count: int) -> None:
    async with sessions() as session, session.begin():
        for n in range(count):
            await add_to_outbox(session, plan_due(n), source="/test", key=f"C{n % 7}")


async def pending_count(sessions) -> int:
    async with sessions() as session:
        return await session.scalar(sa.select(sa.func.count()).where(outbox_events.c.published_at.is_(None)))


async def test_two_relays_side_by_side_publish_every_row_exactly_once(sessions):
    await stage(sessions, 300)
    sent: list[str] = []

    async def send(topic, message):
        await asyncio.sleep(0.001)  # let the other relay interleave
        sent.append(message.headers["ce_id"])
        return asyncio.sleep(0)

    relays = [OutboxRelay(sessions, send, batch_size=40) for _ in range(2)]

    async def drain(relay):
        while await relay.publish_pending():
            pass

    await asyncio.gather(*(drain(r) for r in relays))
    assert len(sent) == 300
    assert len(set(sent)) == 300
    assert all(r.published_total > 0 for r in relays)  # both took part
    assert await pending_count(sessions) == 0


async def test_a_failed_send_keeps_the_rows_pending(sessions):
    await stage(sessions, 5)

    async def broken_send(topic, message):
        raise ConnectionError("broker away")

    with pytest.raises(ConnectionError):
        await OutboxRelay(sessions, broken_send).publish_pending()
    assert await pending_count(sessions) == 5


async def test_rows_are_published_in_the_order_they_were_written(sessions):
    await stage(sessions, 20)
    keys: list[bytes] = []

    async def send(topic, message):
        keys.append(message.key)
        return asyncio.sleep(0)

    relay = OutboxRelay(sessions, send, batch_size=7)
    while await relay.publish_pending():
        pass
    assert keys == [f"C{n % 7}".encode() for n in range(20)]
