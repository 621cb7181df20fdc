from dataclasses import dataclass, field

from strawberry.types import Info as StrawberryInfo

from branchflow_gateway.identify.domain import IdentifyContext
from branchflow_gateway.referral.domain import ReferralContext
from branchflow_runtime.auth import Staff
from branchflow_runtime.i18n import DEFAULT_LOCALE


@dataclass
class GatewayContext:
    """Made per request (per connection for subscriptions): the verified caller, the language
    it reads (``language``), and per domain its service client and this request's DataLoaders."""

    staff: Staff
    identify: IdentifyContext
    referral: ReferralContext
    locale: str = DEFAULT_LOCALE
    # a WebSocket's connection_init payload (Strawberry sets it)
    connection_params: dict | None = field(default=None, repr=False)


Info = StrawberryInfo[GatewayContext, None]
