"""What a domain module (``identify/``, ``referral/``, …) gives the gateway: its operations and
what each field of its types shows (the domain's ``fields.py``; the access policy decides which
role gets which, see ``branchflow_gateway.access``), and a ``Domain`` that owns the service
client and feeds while the app runs and hands each request its part of the context
(``info.context.<name>``)."""

import httpx

from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.events import EventFeed
from branchflow_runtime.auth import Staff


class Domain:
    """One service behind the gateway. ``name`` is the service's: its URL is the setting
    ``<name>_url`` and its request context is ``info.context.<name>``."""

    name: str

    def __init__(self, settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.transport = transport  # tests put a fake service here

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    def request_context(self, staff: Staff) -> object:
        """This domain's part of one request's context (per connection for subscriptions)."""
        raise NotImplementedError

    def feeds(self) -> list[EventFeed]:
        """The event feeds it reads (none when live updates are off)."""
        return []
