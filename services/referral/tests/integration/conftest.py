"""The referral service running in-process against the real broker and a real PostgreSQL
database of its own, started once per test session. Its Kafka consumers run only where a test
needs them (``following_app``, once per module): a consumer of customer.identified left running
for the whole session would handle other tests' events too."""

import asyncio
import uuid
from contextlib import asynccontextmanager

import httpx
import pytest
from asgi_lifespan import LifespanManager

from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET
from referral.bootstrap import create_app
from referral.config import ReferralSettings


def token(role: Role, staff_id: str | None = None, branch: str = "BR001") -> str:
    return mint_token(staff_id or f"{role.value}-1", role, branch, secret=DEV_JWT_SECRET)


def auth(role: Role, staff_id: str | None = None, branch: str = "BR001") -> dict:
    return {"Authorization": f"Bearer {token(role, staff_id, branch)}"}


@asynccontextmanager
async def running(kafka_broker, database_url: str, **settings):
    app = create_app(
        ReferralSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
            start_summary_job=False,
            relay_idle_poll_seconds=0.2,
            **settings,
        )
    )
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        yield app


@asynccontextmanager
async def client_of(app):
    # English, as the assertions on wording are; the default (zh-CN) is tested on its own
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://referral", headers={"Accept-Language": "en"}
    ) as http:
        yield http


@pytest.fixture(scope="session")
async def referral_app(kafka_broker, database_factory):
    async with running(kafka_broker, await database_factory("referral"), start_consumers=False) as app:
        yield app


@pytest.fixture(scope="session")
async def client(referral_app):
    async with client_of(referral_app) as http:
        yield http


@pytest.fixture(scope="module")
async def following_app(kafka_broker, database_factory):
    """The service with its consumers, joined to its group, for one module."""
    group = f"referral-tests-{uuid.uuid4().hex[:8]}"
    async with running(
        kafka_broker, await database_factory("referral_following"), kafka_group_id=group
    ) as app:
        await asyncio.wait_for(app.state.container.consumers_ready.wait(), 60)
        yield app
