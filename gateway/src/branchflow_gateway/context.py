from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from branchflow_gateway.identify.domain import IdentifyContext
from branchflow_gateway.referral.domain import ReferralContext
from branchflow_runtime.auth import Staff


@dataclass
class GatewayContext:
    """Made per request (per connection for subscriptions): the verified caller, and per domain
    its service client and this request's DataLoaders."""

    staff: Staff
    identify: IdentifyContext
    referral: ReferralContext


Info = StrawberryInfo[GatewayContext, None]
