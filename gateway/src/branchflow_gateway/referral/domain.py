"""The referral module of the gateway: while the app runs, the client to the referral service and
the ``customer.referred`` feed; per request, those with this caller's DataLoaders
(``info.context.referral``)."""

from dataclasses import dataclass

import httpx

from branchflow_gateway.domain import Domain
from branchflow_gateway.events import EventFeed
from branchflow_gateway.referral.client import ReferralClient
from branchflow_gateway.referral.live import LiveReferrals
from branchflow_gateway.referral.loaders import Loaders, make_loaders
from branchflow_gateway.upstream import http_client
from branchflow_runtime.auth import Staff


@dataclass
class ReferralContext:
    client: ReferralClient
    loaders: Loaders
    live: LiveReferrals | None


class ReferralDomain(Domain):
    name = "referral"

    def __init__(self, settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(settings, transport)
        self.http: httpx.AsyncClient | None = None
        self.client: ReferralClient | None = None
        self.live: LiveReferrals | None = None

    async def start(self) -> None:
        self.http = http_client(self.settings, self.name, self.transport)
        self.client = ReferralClient(self.http)
        if self.settings.live_updates:
            self.live = LiveReferrals(
                self.settings.kafka_bootstrap_servers,
                new_topic_partitions=self.settings.new_topic_partitions,
                new_topic_replicas=self.settings.new_topic_replicas,
            )
            await self.live.start()

    async def stop(self) -> None:
        if self.live:
            await self.live.stop()
        if self.http:
            await self.http.aclose()

    def request_context(self, staff: Staff) -> ReferralContext:
        return ReferralContext(
            client=self.client, loaders=make_loaders(self.client, staff.token), live=self.live
        )

    def feeds(self) -> list[EventFeed]:
        return [self.live] if self.live else []
