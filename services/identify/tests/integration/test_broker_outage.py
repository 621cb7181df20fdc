"""The outbox carries identifications through a broker outage. Tansu keeps its data in memory,
so the restarted broker starts empty: whatever arrives was re-published from the outbox."""

import asyncio
import json

import httpx
import pytest
from asgi_lifespan import LifespanManager

from branchflow_contracts import Topic
from branchflow_runtime.auth import Role
from branchflow_runtime.embedded import EmbeddedKafkaBroker
from branchflow_runtime.testing import read_events
from identify.bootstrap import create_app
from identify.config import IdentifySettings

from .conftest import auth

pytestmark = pytest.mark.connected

OUTAGE_SECONDS = 10


async def test_identifications_recorded_while_the_broker_is_down_are_delivered(database_factory):
    broker = EmbeddedKafkaBroker().start()
    settings = IdentifySettings(
        database_url=await database_factory("identify_outage"),
        kafka_bootstrap_servers=broker.bootstrap_servers,
        start_consumers=False,  # this service only produces here: no group join to wait for
        start_sweeper=False,
        relay_idle_poll_seconds=0.2,
        relay_max_backoff_seconds=2.0,
    )
    app = create_app(settings)
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://i") as client,
        ):
            broker.stop()
            ids = set()
            for n in range(20):
                response = await client.post(
                    "/observations",
                    json={"customer_id": f"OUT{n:03d}", "signals": []},
                    headers=auth(Role.LOBBY_MANAGER),
                )
                assert response.status_code == 201, response.text
                ids.add(response.json()["identification_id"])
            await asyncio.sleep(OUTAGE_SECONDS)
            ready = await client.get("/health/ready")
            assert ready.json()["outbox_pending"] == 20

            broker.start()  # same port, empty
            records = await read_events(broker.bootstrap_servers, Topic.CUSTOMER_IDENTIFIED, 20, timeout=60)
            delivered = {json.loads(r.value)["identification_id"] for r in records}
            assert delivered == ids
    finally:
        broker.stop()


async def test_http_is_served_before_the_broker_is_there_and_the_consumers_join_later(database_factory):
    """A service answers as soon as its database is ready: the broker connection and the
    consumer group start in the background (a group can take many seconds to settle)."""
    broker = EmbeddedKafkaBroker()  # its port is chosen, nothing listens yet
    settings = IdentifySettings(
        database_url=await database_factory("identify_late_broker"),
        kafka_bootstrap_servers=broker.bootstrap_servers,
        kafka_group_id="identify-late-broker",
        start_sweeper=False,
        relay_idle_poll_seconds=0.2,
        relay_max_backoff_seconds=1.0,
    )
    app = create_app(settings)
    try:
        async with (
            LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://i") as client,
        ):
            response = await client.post(
                "/observations", json={"customer_id": "LATE001"}, headers=auth(Role.LOBBY_MANAGER)
            )
            assert response.status_code == 201, response.text
            ready = await client.get("/health/ready")
            assert ready.status_code == 200
            assert ready.json() | {"outbox_pending": 1} == {
                "status": "ok",
                "database": True,
                "broker": False,
                "consumers": False,
                "outbox_pending": 1,
            }

            broker.start()
            container = app.state.container
            await asyncio.wait_for(container.consumers_ready.wait(), 60)
            [record] = await read_events(broker.bootstrap_servers, Topic.CUSTOMER_IDENTIFIED, 1, timeout=30)
            assert json.loads(record.value)["customer_id"] == "LATE001"
            report = (await client.get("/health/ready")).json()
            assert report["broker"] is True and report["consumers"] is True
    finally:
        broker.stop()
