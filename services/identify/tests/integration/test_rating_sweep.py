"""The periodic sweep, actually running (a short interval) against a real PostgreSQL and broker:
a signal outlives its lifetime and the customer is re-rated, told as customer.rerated with the
cause, kept apart from identifications."""

import json

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager
from cloudevents.core.bindings import kafka as ce_kafka
from sqlalchemy.ext.asyncio import create_async_engine

from branchflow_contracts import CustomerRerated, Topic
from branchflow_runtime.auth import Role
from branchflow_runtime.database import async_url
from branchflow_runtime.testing import read_events
from identify.bootstrap import create_app
from identify.config import IdentifySettings

from .conftest import TEST_FILES, auth
from .test_system_mining import eventually

pytestmark = pytest.mark.connected

# the tests' rules: a luxury car counts 30 days; with the watch and "main bank elsewhere" a to_win
WEALTHY_ELSEWHERE = [
    {"category": "appearance", "kind": "luxury_car"},
    {"category": "appearance", "kind": "luxury_watch"},
    {"category": "information", "kind": "main_bank_elsewhere"},
]


@pytest.fixture(scope="module")
async def sweeping(kafka_broker, database_factory):
    database_url = await database_factory("identify_sweep")
    settings = IdentifySettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
        start_consumers=False,  # no group to join: this service only produces here
        sweep_interval_seconds=0.3,
        relay_idle_poll_seconds=0.2,
        **TEST_FILES,
    )
    app = create_app(settings)
    engine = create_async_engine(async_url(database_url))
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://i") as client,
    ):
        yield client, engine
    await engine.dispose()


async def _age_the_car(engine, customer_id: str, days: int) -> None:
    """As if the car had been seen ``days`` ago: its stored observation time moves back, and so
    does the rating's next expiry (what the sweep looks at)."""
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                """
                UPDATE customers SET signals = jsonb_set(signals, '{luxury_car,0,observed_at}',
                    to_jsonb(now() - make_interval(days => :days)))
                WHERE customer_id = :id
                """
            ),
            {"id": customer_id, "days": days},
        )
        await conn.execute(
            sa.text(
                "UPDATE ratings SET next_expiry_at = now() - interval '1 second' WHERE customer_id = :id"
            ),
            {"id": customer_id},
        )


async def test_the_sweeper_expires_a_signal_and_tells_the_rerating(sweeping, kafka_broker):
    client, engine = sweeping
    observed = await client.post(
        "/observations",
        json={"customer_id": "SWEEP01", "signals": WEALTHY_ELSEWHERE},
        headers=auth(Role.LOBBY_MANAGER),
    )
    assert observed.status_code == 201, observed.text
    wealth_manager = auth(Role.WEALTH_MANAGER)
    before = (await client.get("/customers/SWEEP01/rating", headers=wealth_manager)).json()
    assert before["tier"] == "to_win"

    await _age_the_car(engine, "SWEEP01", days=31)

    async def rerated():
        rating = (await client.get("/customers/SWEEP01/rating", headers=wealth_manager)).json()
        return rating if rating["tier"] != "to_win" else None

    after = await eventually(rerated, timeout=20)
    assert after and after["tier"] == "ordinary"
    assert "luxury_car" not in json.dumps(after["explanation"])

    [record] = await read_events(
        kafka_broker.bootstrap_servers,
        Topic.CUSTOMER_RERATED,
        1,
        match=lambda r: json.loads(r.value)["customer_id"] == "SWEEP01",
    )
    event = ce_kafka.from_binary_event(
        ce_kafka.KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    )
    assert event.get_type() == "bank.branch.customer.rerated.v1"
    assert record.key == b"SWEEP01"
    payload = CustomerRerated.model_validate(event.get_data())
    assert (payload.cause, payload.previous_tier, payload.tier, payload.rerated_by) == (
        "signals_expired",
        "to_win",
        "ordinary",
        None,
    )

    history = (await client.get("/customers/SWEEP01/reratings", headers=wealth_manager)).json()
    assert [(r["cause"], r["previous_tier"], r["tier"]) for r in history] == [
        ("signals_expired", "to_win", "ordinary")
    ]
    # a re-rating is not an identification: the customer was identified once
    head = auth(Role.BRANCH_HEAD)
    rows = (await client.get("/branches/BR001/identifications", headers=head)).json()
    assert [r["reason"] for r in rows if r["customer_id"] == "SWEEP01"] == ["observation"]
