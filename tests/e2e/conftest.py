"""What the end-to-end tests start: services as they run in production — each on a real loopback
port, its own database, its outbox relay and its Kafka consumers — on the session's broker.

``identify_and_referral`` starts the two services that talk over Kafka both ways (identify's
identifications suggest referrals; referral's verdicts change identify's guidance). A test with
the gateway in front starts it on the two URLs (``GatewaySettings(identify_url=…, …)``)."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import make_url

from branchflow_runtime.testing import serving
from identify.bootstrap import create_app as create_identify
from identify.config import IdentifySettings
from referral.bootstrap import create_app as create_referral
from referral.config import ReferralSettings

# identify's test rules: what a test expects does not move when the bank edits its own files
IDENTIFY_TEST_RULES = Path(__file__).parents[2] / "services" / "identify" / "tests" / "rules"


@dataclass(frozen=True)
class RunningService:
    url: str  # where it answers HTTP
    app: FastAPI
    database_url: str

    @property
    def container(self):
        """The service's runtime: its engine, its relay, whether its consumers follow."""
        return self.app.state.container

    @property
    def database(self) -> str:
        """Its database's name (the ``db.name`` of its SQL spans)."""
        return make_url(self.database_url).database


@dataclass(frozen=True)
class IdentifyAndReferral:
    identify: RunningService
    referral: RunningService


@asynccontextmanager
async def identify_and_referral(kafka_broker, database_factory) -> AsyncIterator[IdentifyAndReferral]:
    """Both services with their consumers following, each in consumer groups of its own: a
    service another test left running in this process keeps its own groups (and partitions)."""
    run = uuid.uuid4().hex[:8]
    common = {"kafka_bootstrap_servers": kafka_broker.bootstrap_servers, "relay_idle_poll_seconds": 0.2}
    identify_settings = IdentifySettings(
        database_url=await database_factory("e2e_identify"),
        kafka_group_id=f"e2e-identify-{run}",
        start_sweeper=False,
        rating_rules_path=IDENTIFY_TEST_RULES / "rating.toml",
        exchange_rates_path=IDENTIFY_TEST_RULES / "exchange_rates.toml",
        **common,
    )
    referral_settings = ReferralSettings(
        database_url=await database_factory("e2e_referral"),
        kafka_group_id=f"e2e-referral-{run}",
        start_summary_job=False,
        **common,
    )
    identify_app, referral_app = create_identify(identify_settings), create_referral(referral_settings)
    async with serving(identify_app) as identify_url, serving(referral_app) as referral_url:
        # both join their groups at once, in the background; a group joined reads from the start
        await asyncio.wait_for(
            asyncio.gather(
                identify_app.state.container.consumers_ready.wait(),
                referral_app.state.container.consumers_ready.wait(),
            ),
            60,
        )
        yield IdentifyAndReferral(
            identify=RunningService(identify_url, identify_app, identify_settings.database_url),
            referral=RunningService(referral_url, referral_app, referral_settings.database_url),
        )
