"""The wealth manager's live push (customer waiting in the lobby): a customer referred on the spot
reaches the subscriptions of the wealth manager the form names, in the form's branch, and nobody
else's; a pending form is not pushed; the pushed form is read from the referral service with the
subscriber's own token, so a walk-in's name is what the service shows that manager."""

import asyncio
from datetime import UTC, datetime

import httpx
import pytest

from branchflow_contracts import CustomerReferred
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.context import GatewayContext
from branchflow_gateway.referral.client import ReferralClient
from branchflow_gateway.referral.domain import ReferralContext
from branchflow_gateway.referral.live import LiveReferrals
from branchflow_gateway.referral.loaders import make_loaders
from branchflow_gateway.schemas import build_schemas
from branchflow_runtime.auth import Role, Staff

from .conftest import token
from .fake_referral import FORM_ID, FakeReferral, caller

SCHEMA = build_schemas(GatewaySettings(dev_mode=True))[Role.WEALTH_MANAGER]
WAITING = """subscription { customerWaiting { referralId customerId referredBy referrerRole referredAtLocal
    referral { status source person { prospectId name personalDataMasked } } } }"""


def referred(
    wealth_manager: str, branch: str = "BR001", status: str = "referred", n: int = 1
) -> CustomerReferred:
    return CustomerReferred(
        referral_id=FORM_ID if n == 1 else f"5f0c0000-0000-4000-8000-{n:012d}",
        customer_id="C000042",
        branch_id=branch,
        referred_by="lobby_manager-1",
        referrer_role="lobby_manager",
        wealth_manager_id=wealth_manager,
        status=status,
        referred_at=datetime(2026, 11, 24, 1, 30, tzinfo=UTC),
    )


async def test_only_the_named_wealth_manager_of_the_branch_hears_of_a_customer_on_the_spot():
    feed = LiveReferrals("unused:9092")
    mine, colleague, namesake = (
        feed.follow("BR001", "wm-1"),
        feed.follow("BR001", "wm-2"),
        feed.follow("BR002", "wm-1"),  # the same staff id in another branch
    )
    waits = [asyncio.ensure_future(anext(f)) for f in (mine, colleague, namesake)]
    await asyncio.sleep(0)
    feed.deliver(referred("wm-1", status="pending"))  # a card handed over: nobody is waiting
    feed.deliver(referred("wm-1", n=2))
    row = await asyncio.wait_for(waits[0], 1)
    assert row["referral_id"].endswith("000000000002")
    assert row["referred_at_local"] == "2026-11-24T09:30:00+08:00"
    await asyncio.sleep(0.05)
    assert not waits[1].done() and not waits[2].done()
    for wait in waits[1:]:
        wait.cancel()


def subscriber_context(fake: FakeReferral, feed: LiveReferrals, staff_id: str = "wealth_manager-1"):
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake.handler), base_url="http://referral")
    staff = Staff(staff_id, Role.WEALTH_MANAGER, "BR001", token(Role.WEALTH_MANAGER))
    client = ReferralClient(http)
    context = GatewayContext(
        staff=staff,
        identify=None,
        referral=ReferralContext(client=client, loaders=make_loaders(client, staff.token), live=feed),
    )
    return http, context


async def test_the_push_carries_who_whom_and_when_and_the_form_as_the_service_shows_it():
    fake, feed = FakeReferral(), LiveReferrals("unused:9092")
    http, context = subscriber_context(fake, feed)
    async with http:
        stream = await SCHEMA.subscribe(WAITING, context_value=context)
        first = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.05)  # the subscription is following
        feed.deliver(referred("wealth_manager-1"))
        result = await asyncio.wait_for(first, 2)
        await stream.aclose()
    assert result.errors is None, result.errors
    assert result.data["customerWaiting"] == {
        "referralId": FORM_ID,
        "customerId": "C000042",
        "referredBy": "lobby_manager-1",
        "referrerRole": "lobby_manager",
        "referredAtLocal": "2026-11-24T09:30:00+08:00",
        "referral": {
            "status": "REFERRED",
            "source": "LOBBY",
            "person": {"prospectId": None, "name": None, "personalDataMasked": False},
        },
    }
    [asked] = fake.calls
    assert asked.url.path == f"/referrals/{FORM_ID}" and caller(asked)["sub"] == "wealth_manager-1"


async def test_the_push_still_comes_when_the_referral_service_is_down():
    fake, feed = FakeReferral(), LiveReferrals("unused:9092")
    fake.down = True
    http, context = subscriber_context(fake, feed)
    async with http:
        stream = await SCHEMA.subscribe(WAITING, context_value=context)
        first = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.05)
        feed.deliver(referred("wealth_manager-1"))
        result = await asyncio.wait_for(first, 2)
        await stream.aclose()
    assert result.data["customerWaiting"]["referredBy"] == "lobby_manager-1"
    assert result.data["customerWaiting"]["referral"] is None
    [error] = result.errors
    assert error.extensions["code"] == "UPSTREAM_UNAVAILABLE"


@pytest.mark.parametrize("value", [b"not json", b'{"referral_id": "x"}'])
def test_an_unreadable_event_is_skipped(value, caplog):
    feed = LiveReferrals("unused:9092")
    feed.handle(value)
    assert "unreadable event skipped" in caplog.text
