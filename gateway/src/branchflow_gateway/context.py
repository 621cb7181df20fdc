from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from branchflow_gateway.identify_client import IdentifyClient
from branchflow_gateway.live import LiveIdentifications
from branchflow_gateway.loaders import Loaders
from branchflow_gateway.lobby_lists import LobbyLists
from branchflow_runtime.auth import Staff


@dataclass
class GatewayContext:
    """Made per request (per connection for subscriptions): the verified caller, the service
    clients, and this request's DataLoaders."""

    staff: Staff
    identify: IdentifyClient
    loaders: Loaders
    live: LiveIdentifications | None
    lobby_lists: LobbyLists
    trace_url_template: str = ""


Info = StrawberryInfo[GatewayContext, None]
