"""The identify service running in-process against the real broker and a real PostgreSQL
database of its own, started once per test session (the consumer-group join takes seconds)."""

import asyncio
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET
from identify.bootstrap import create_app
from identify.config import IdentifySettings

# the tests' own rules and rates: what a test expects follows from them, not from the bank's files
RULES_DIR = Path(__file__).parent.parent / "rules"
TEST_FILES = {
    "rating_rules_path": RULES_DIR / "rating.toml",
    "exchange_rates_path": RULES_DIR / "exchange_rates.toml",
}


def token(role: Role, staff_id: str | None = None, branch: str = "BR001") -> str:
    return mint_token(staff_id or f"{role.value}-1", role, branch, secret=DEV_JWT_SECRET)


def auth(role: Role, staff_id: str | None = None, branch: str = "BR001") -> dict:
    return {"Authorization": f"Bearer {token(role, staff_id, branch)}"}


@pytest.fixture(scope="session")
async def identify_running(kafka_broker, database_factory):
    """The service's app (``app.state.container`` holds its engine) and what serves it."""
    settings = IdentifySettings(
        database_url=await database_factory("identify"),
        kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
        kafka_group_id="identify-tests",
        start_sweeper=False,
        relay_idle_poll_seconds=0.2,
        **TEST_FILES,
    )
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        # the consumers join in the background; the system-mining tests need them following
        await asyncio.wait_for(app.state.container.consumers_ready.wait(), 60)
        yield app, manager.app


@pytest.fixture(scope="session")
def identify_app(identify_running):
    return identify_running[1]


@pytest.fixture(scope="session")
def identify_container(identify_running):
    return identify_running[0].state.container


@pytest.fixture(scope="session")
async def client(identify_app):
    transport = httpx.ASGITransport(app=identify_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identify") as http:
        yield http
