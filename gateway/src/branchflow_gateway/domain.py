"""What a domain module (``identify/``, ``referral/``, …) gives the gateway: per role, the fields
it adds to that role's Query, Mutation and Subscription (``RoleFields``, named in the domain's
``fields.py``), and a ``Domain`` that owns the service client and feeds while the app runs and
hands each request its part of the context (``info.context.<name>``)."""

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.events import EventFeed
from branchflow_runtime.auth import Staff


@dataclass(frozen=True)
class RoleFields:
    """Resolvers; each becomes a field named after its function, described by its docstring."""

    query: tuple[Callable, ...] = ()
    mutation: tuple[Callable, ...] = ()
    subscription: tuple[Callable, ...] = ()


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
