"""The lobby list kept between identifications: asked for once, dropped by each identification
in its branch, and never used when it could have missed one."""

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from branchflow_contracts import CustomerIdentified, Guidance, GuidanceAction
from branchflow_gateway.identify.live import LiveIdentifications
from branchflow_gateway.identify.lobby_lists import LobbyLists
from branchflow_runtime.auth import Role, Staff

TODAY = date(2026, 11, 22)
LOBBY = Staff(staff_id="lm-1", role=Role.LOBBY_MANAGER, branch_id="BR001", token="t-lm-1")
LOBBY_2 = Staff(staff_id="lm-2", role=Role.LOBBY_MANAGER, branch_id="BR001", token="t-lm-2")
TELLER = Staff(staff_id="t-1", role=Role.TELLER, branch_id="BR001", token="t-t-1")
OTHER_BRANCH = Staff(staff_id="lm-9", role=Role.LOBBY_MANAGER, branch_id="BR002", token="t-lm-9")


class FakeIdentify:
    """Answers with the branch's current rows and records every call."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {"BR001": [], "BR002": []}
        self.calls: list[tuple[str, str, date | None]] = []
        self.hold: asyncio.Event | None = None  # set to make the next call wait for it

    async def lobby_list(self, token: str, branch_id: str, day: date | None) -> list[dict]:
        self.calls.append((token, branch_id, day))
        rows = list(self.rows[branch_id])
        if self.hold is not None:
            await self.hold.wait()
        return rows

    def identify(self, branch_id: str, identification_id: str) -> None:
        self.rows[branch_id].insert(0, {"identification_id": identification_id})


def identified(branch_id: str, identification_id: str) -> CustomerIdentified:
    return CustomerIdentified(
        identification_id=identification_id,
        customer_id="C1",
        branch_id=branch_id,
        channel="branch",
        tier="premium",
        score=Decimal("61"),
        guidance=Guidance(action=GuidanceAction.MEET_WEALTH_MANAGER, call_wealth_manager=True, script="Hi."),
        reason="observation",
        identified_at=datetime(2026, 11, 22, 1, 0, tzinfo=UTC),
    )


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def feed() -> LiveIdentifications:
    live = LiveIdentifications("unused:9092")
    live.epoch = 1
    live.ready.set()
    return live


@pytest.fixture
def identify() -> FakeIdentify:
    return FakeIdentify()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lists(identify, feed, clock) -> LobbyLists:
    return LobbyLists(identify, feed, ttl_seconds=5, clock=clock, today=lambda: TODAY)


def ids(rows: list[dict]) -> list[str]:
    return [row["identification_id"] for row in rows]


async def test_asked_once_then_kept_for_every_lobby_manager_of_the_branch(lists, identify):
    identify.identify("BR001", "a")
    assert ids(await lists.rows(LOBBY, None)) == ["a"]
    assert ids(await lists.rows(LOBBY_2, None)) == ["a"]
    assert ids(await lists.rows(LOBBY, TODAY)) == ["a"]
    # asked with the first caller's token, for today's date named explicitly
    assert identify.calls == [("t-lm-1", "BR001", TODAY)]


async def test_an_identification_event_drops_the_branch_list(lists, identify, feed):
    await lists.rows(LOBBY, None)
    identify.identify("BR001", "b")
    feed.deliver(identified("BR001", "b"))
    assert ids(await lists.rows(LOBBY, None)) == ["b"]
    assert len(identify.calls) == 2


async def test_another_branchs_identification_keeps_the_list(lists, identify, feed):
    await lists.rows(LOBBY, None)
    await lists.rows(OTHER_BRANCH, None)
    lists.changed("BR002")
    await lists.rows(LOBBY, None)
    assert [call[1] for call in identify.calls] == ["BR001", "BR002"]


async def test_roles_are_kept_apart(lists, identify):
    await lists.rows(LOBBY, None)
    await lists.rows(TELLER, None)  # the service may shape rows differently by role
    assert [call[0] for call in identify.calls] == ["t-lm-1", "t-t-1"]


async def test_a_change_while_asking_is_not_overwritten_by_the_older_answer(lists, identify):
    identify.hold = asyncio.Event()
    asking = asyncio.create_task(lists.rows(LOBBY, None))
    await asyncio.sleep(0)  # the call has read the rows of before "c"
    identify.identify("BR001", "c")
    lists.changed("BR001")
    identify.hold.set()
    assert ids(await asking) == []  # that caller gets what it asked for…
    identify.hold = None
    assert ids(await lists.rows(LOBBY, None)) == ["c"]  # …but it was not kept


async def test_kept_no_longer_than_the_ttl(lists, identify, clock):
    await lists.rows(LOBBY, None)
    clock.now += 4.9
    await lists.rows(LOBBY, None)
    clock.now += 0.2
    await lists.rows(LOBBY, None)
    assert len(identify.calls) == 2


async def test_nothing_is_kept_while_the_feed_is_not_following(lists, identify, feed):
    feed.ready.clear()
    await lists.rows(LOBBY, None)
    await lists.rows(LOBBY, None)
    assert len(identify.calls) == 2


async def test_a_list_from_before_the_feed_reconnected_is_not_used(lists, identify, feed):
    await lists.rows(LOBBY, None)
    feed.epoch += 1  # events may have been missed while it was down
    await lists.rows(LOBBY, None)
    await lists.rows(LOBBY, None)
    assert len(identify.calls) == 2


async def test_other_days_always_go_to_the_service(lists, identify):
    await lists.rows(LOBBY, date(2026, 11, 21))
    await lists.rows(LOBBY, date(2026, 11, 21))
    assert identify.calls == [("t-lm-1", "BR001", date(2026, 11, 21))] * 2


async def test_yesterdays_list_is_not_todays(identify, feed, clock):
    days = iter([TODAY, date(2026, 11, 23), date(2026, 11, 23)])
    lists = LobbyLists(identify, feed, ttl_seconds=5, clock=clock, today=lambda: next(days))
    await lists.rows(LOBBY, None)
    await lists.rows(LOBBY, None)
    assert [call[2] for call in identify.calls] == [TODAY, date(2026, 11, 23)]


async def test_off_without_live_updates_or_with_a_zero_ttl(identify, feed, clock):
    for lists in (
        LobbyLists(identify, None, ttl_seconds=5, clock=clock, today=lambda: TODAY),
        LobbyLists(identify, feed, ttl_seconds=0, clock=clock, today=lambda: TODAY),
    ):
        identify.calls.clear()
        await lists.rows(LOBBY, None)
        await lists.rows(LOBBY, None)
        assert len(identify.calls) == 2
