"""The demo branch's day of referrals: planned on customers nobody observes, loaded through the
real referral service over HTTP, the suggestions filed, turned down or left, and loaded once."""

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from branchflow_contracts import CustomerTier
from branchflow_devstack.demo_data import STAFF, make_customers, make_observations
from branchflow_devstack.demo_referrals import BRANCH_ZONE, HANDOVER_ID, plan_day, seed_referral
from branchflow_devstack.launcher import DemoLoaded, staff_tokens
from branchflow_runtime.embedded import EmbeddedKafkaBroker
from branchflow_runtime.i18n import use_locale
from branchflow_runtime.settings import DEV_JWT_SECRET
from branchflow_runtime.testing import serving
from referral import handlers
from referral.bootstrap import create_app
from referral.config import ReferralSettings

TOKENS = staff_tokens(DEV_JWT_SECRET)
STAFF_IDS = {s.staff_id for s in STAFF}


def test_the_day_refers_people_nobody_observes_each_once():
    day = plan_day(date(2026, 11, 24))
    customers = {c["customer_id"]: c for c in make_customers()}
    observed = {o["customer_id"] for o in make_observations(list(customers.values()))}
    people = [str(f.person) for f in day.forms] + [str(day.friend)]
    assert len(people) == len(set(people))  # one open form per person: none refused
    for form in day.forms:
        assert form.filed_by in STAFF_IDS and form.wealth_manager in STAFF_IDS
        if "customer_id" in form.person:
            customer = customers[form.person["customer_id"]]
            assert customer["customer_id"] not in observed  # never also a suggestion
            assert customer["wealth_manager_id"] is None
        assert (form.status == "pending") == (form.contact is not None)
    assert {f.filed_by[:2] for f in day.forms} == {"lm", "tl", "wm"}
    assert not observed & set(day.seminar_attendees)


def test_contacts_fall_on_the_next_working_day():
    assert plan_day(date(2026, 11, 24)).next_working_day == date(2026, 11, 25)
    assert plan_day(date(2026, 11, 27)).next_working_day == date(2026, 11, 30)  # a Friday
    assert plan_day(date(2026, 9, 30)).next_working_day == date(2026, 10, 8)  # after National Day


def test_the_launcher_says_what_was_loaded():  # in English (the Chinese: test_launcher.py)
    with use_locale("en"):
        said_what_was_loaded()


def said_what_was_loaded():
    identify = {"customers": 300, "observations": 40, "skipped": False}
    referral = {"forms": 10, "entries": 4, "skipped": False}
    assert DemoLoaded(identify, referral).summary(3.14) == (
        "300 customers, 40 observations, 10 referral forms, 4 follow-ups, a seminar loaded in 3.1 s"
    )
    assert (
        DemoLoaded(identify, {"skipped": True}).summary(1).startswith("300 customers, 40 observations loaded")
    )
    skipped = DemoLoaded({"skipped": True}, {"skipped": True}).summary(0.2)
    assert skipped == "already loaded (var/ is kept between runs)"


def test_a_loaded_branch_is_asked_once_and_left_alone():
    asked: list[httpx.Request] = []

    def loaded(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json={"referral_id": HANDOVER_ID})

    result = asyncio.run(seed_referral("http://referral", TOKENS, transport=httpx.MockTransport(loaded)))
    assert result == {"skipped": True}
    assert [(r.method, r.url.path) for r in asked] == [("GET", f"/referrals/{HANDOVER_ID}")]


# --- against the real service ------------------------------------------------------------


@pytest.fixture(scope="module")
async def referral(kafka_broker: EmbeddedKafkaBroker, database_factory):
    app = create_app(
        ReferralSettings(
            database_url=await database_factory("demo_referral"),
            kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
            start_consumers=False,
            start_summary_job=False,
        )
    )
    async with serving(app) as url:
        yield app, url


async def identified(app, customer_id: str, minutes_ago: int) -> None:
    """A lobby identification that calls a wealth manager, as the consumer hands it over."""
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    await handlers.record_identification(
        handlers.Identified(
            event_id=str(uuid.uuid4()),
            topic="customer.identified",
            identification_id=str(uuid.uuid4()),
            customer_id=customer_id,
            branch_id="BR001",
            tier=CustomerTier.TO_WIN,
            previous_tier=None,
            calls_wealth_manager=True,
            reason="observation",
            identified_at=at,
        ),
        app.state.container.unit_of_work(),
        app.state.container.rules,
    )


async def get(url: str, staff: str, path: str):
    async with httpx.AsyncClient(base_url=url, trust_env=False) as http:
        response = await http.get(path, headers={"Authorization": f"Bearer {TOKENS[staff]}"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.connected
async def test_the_day_loads_through_the_api_once(referral):
    app, url = referral
    today = datetime.now(BRANCH_ZONE).date()
    observed = [o["customer_id"] for o in make_observations(make_customers())][:4]
    for minutes_ago, customer in zip((4, 3, 2, 1), observed, strict=True):
        await identified(app, customer, minutes_ago)
    told: list[tuple[int, int]] = []

    async def identifications_recorded() -> list[str]:
        return observed

    result = await seed_referral(
        url,
        TOKENS,
        identifications=identifications_recorded(),
        progress=lambda done, total: told.append((done, total)),
    )
    assert result == {
        "forms": 10,
        "entries": 4,
        "suggestions": 4,
        "filed": 1,
        "dismissed": 2,
        "skipped": False,
    }
    assert told[-1][0] == told[-1][1] > 20  # every request counted, the bar full

    day = await get(url, "lm-001", f"/branches/BR001/days/{today}")
    assert len(day["awaiting_confirmation"]) == 2  # a teller's, and the suggestion filed
    assert len(day["awaiting_copy"]) == 2
    assert len(day["done"]) == 6
    assert [s["customer_id"] for s in day["suggestions_not_acted_on"]] == [observed[3]]
    filed = {c["staff_id"]: c["filed"] for c in day["counts"]}
    assert filed == {"lm-001": 4, "tl-001": 2, "tl-002": 1, "tl-003": 1, "wm-003": 1, "mk-001": 1}
    # the lobby reads the verdict as closed, never as not premium
    assert sorted(r["result"] for r in day["done"] if r["result"]) == ["closed", "follow_up", "sold"]
    suggestions = await get(url, "lm-001", f"/branches/BR001/suggestions?day={today}")
    by_customer = {s["customer_id"]: s["status"] for s in suggestions}
    assert [by_customer[c] for c in observed] == ["filed", "dismissed", "dismissed", "open"]

    register = await get(url, "wm-002", "/wealth-managers/wm-002/follow-ups")
    assert len(register) == 3  # the walk-in copied, the customer to follow up, the seminar's guest
    walk_in = next(e for e in register if e["attempts"])
    assert [a["result"] for a in walk_in["attempts"]] == ["no_answer", "meeting_agreed"]
    assert walk_in["analysis"]["means"]
    next_day = plan_day(today).next_working_day
    diary = await get(url, "wm-002", f"/wealth-managers/wm-002/diary?day={next_day}")
    assert [a["meets_at_local"][11:16] for a in diary["appointments"]] == ["14:30"]
    assert len(diary["planned_contacts"]) == 1  # the follow-up call
    [unreachable] = await get(url, "wm-003", "/wealth-managers/wm-003/follow-ups")
    assert unreachable["abandon_proposed"] and unreachable["failures_in_a_row"] == 3

    [seminar] = await get(url, "mk-001", "/branches/BR001/marketing-activities?kind=seminar")
    guest = next(p for p in seminar["participants"] if p["role"] == "guest")
    assert guest["handed_to"] == "wm-002" and guest["referral_id"] == HANDOVER_ID
    assert len(seminar["participants"]) == 3

    assert await seed_referral(url, TOKENS) == {"skipped": True}
    again = await get(url, "lm-001", f"/branches/BR001/days/{today}")
    assert len(again["done"]) + len(again["awaiting_confirmation"]) + len(again["awaiting_copy"]) == 10
