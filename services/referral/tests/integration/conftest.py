"""The referral service running in-process against the real broker and a real PostgreSQL
database of its own, started once per test session (the consumer-group join takes seconds)."""

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


@pytest.fixture(scope="session")
async def referral_app(kafka_broker, database_factory):
    settings = ReferralSettings(
        database_url=await database_factory("referral"),
        kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
        kafka_group_id="referral-tests",
        start_summary_job=False,
        relay_idle_poll_seconds=0.2,
    )
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        yield app


@pytest.fixture(scope="session")
async def client(referral_app):
    transport = httpx.ASGITransport(app=referral_app)
    # English, as the assertions on wording are; the default (zh-CN) is tested on its own
    async with httpx.AsyncClient(
        transport=transport, base_url="http://referral", headers={"Accept-Language": "en"}
    ) as http:
        yield http
