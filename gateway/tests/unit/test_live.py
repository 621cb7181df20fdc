"""The live feed hands each branch's lobby its own identifications, as guidance only."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

from branchflow_contracts import CustomerIdentified, Guidance, GuidanceAction
from branchflow_gateway.events import RecentIds
from branchflow_gateway.identify import live as live_module
from branchflow_gateway.identify.live import LiveIdentifications


def identified(branch: str, n: int) -> CustomerIdentified:
    return CustomerIdentified(
        identification_id=f"id-{n}",
        customer_id=f"C{n}",
        branch_id=branch,
        channel="branch",
        tier="premium",
        score=Decimal("61"),
        guidance=Guidance(
            action=GuidanceAction.MEET_WEALTH_MANAGER, call_wealth_manager=True, script="Invite them."
        ),
        reason="observation",
        identified_at=datetime(2026, 11, 22, 1, 0, tzinfo=UTC),
    )


async def test_each_branch_gets_its_own_rows_as_guidance_only():
    feed = LiveIdentifications("unused:9092")
    br1, br2 = feed.follow("BR001"), feed.follow("BR002")
    first = asyncio.ensure_future(anext(br1))
    other = asyncio.ensure_future(anext(br2))
    await asyncio.sleep(0)
    feed.deliver(identified("BR001", 1))
    row = await asyncio.wait_for(first, 1)
    assert row["identification_id"] == "id-1"
    assert row["identified_at_local"] == "2026-11-22T09:00:00+08:00"
    assert not {"tier", "score", "previous_tier", "signals"} & set(row)
    await asyncio.sleep(0.05)
    assert not other.done()
    other.cancel()


async def test_a_slow_follower_loses_the_oldest_rows_not_the_newest(monkeypatch):
    monkeypatch.setattr(live_module, "QUEUE_SIZE", 3)
    feed = LiveIdentifications("unused:9092")
    follower = feed.follow("BR001")
    waiting = asyncio.ensure_future(anext(follower))
    await asyncio.sleep(0)
    feed.deliver(identified("BR001", 0))
    assert (await waiting)["identification_id"] == "id-0"
    for n in range(1, 6):
        feed.deliver(identified("BR001", n))
    kept = [(await anext(follower))["identification_id"] for _ in range(3)]
    assert kept == ["id-3", "id-4", "id-5"]


def test_recent_ids_remember_a_bounded_window():
    recent = RecentIds(size=3)
    assert [recent.seen(i) for i in ("a", "b", "a", "c", "d")] == [False, False, True, False, False]
    assert recent.seen("d") and recent.seen("c")
    assert not recent.seen("a")  # the oldest went when "d" came
