"""The identify module of the gateway: while the app runs, the client to the identify service,
the ``customer.identified`` feed and the kept lobby lists; per request, those with this
caller's DataLoaders (``info.context.identify``)."""

from dataclasses import dataclass

import httpx

from branchflow_gateway.domain import Domain
from branchflow_gateway.events import EventFeed
from branchflow_gateway.identify.client import IdentifyClient
from branchflow_gateway.identify.live import LiveIdentifications
from branchflow_gateway.identify.loaders import Loaders, make_loaders
from branchflow_gateway.identify.lobby_lists import LobbyLists
from branchflow_gateway.upstream import http_client
from branchflow_runtime.auth import Staff


@dataclass
class IdentifyContext:
    client: IdentifyClient
    loaders: Loaders
    live: LiveIdentifications | None
    lobby_lists: LobbyLists
    trace_url_template: str = ""  # where ops open a trace (GATEWAY_TRACE_URL_TEMPLATE)


class IdentifyDomain(Domain):
    name = "identify"

    def __init__(self, settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(settings, transport)
        self.http: httpx.AsyncClient | None = None
        self.client: IdentifyClient | None = None
        self.live: LiveIdentifications | None = None
        self.lobby_lists: LobbyLists | None = None

    async def start(self) -> None:
        self.http = http_client(self.settings, self.name, self.transport)
        self.client = IdentifyClient(self.http)
        if self.settings.live_updates:
            self.live = LiveIdentifications(
                self.settings.kafka_bootstrap_servers,
                new_topic_partitions=self.settings.new_topic_partitions,
                new_topic_replicas=self.settings.new_topic_replicas,
            )
            await self.live.start()
        self.lobby_lists = LobbyLists(self.client, self.live, self.settings.lobby_list_cache_seconds)

    async def stop(self) -> None:
        if self.live:
            await self.live.stop()
        if self.http:
            await self.http.aclose()

    def request_context(self, staff: Staff) -> IdentifyContext:
        return IdentifyContext(
            client=self.client,
            loaders=make_loaders(self.client, staff.token),
            live=self.live,
            lobby_lists=self.lobby_lists,
            trace_url_template=self.settings.trace_url_template,
        )

    def feeds(self) -> list[EventFeed]:
        return [self.live] if self.live else []
