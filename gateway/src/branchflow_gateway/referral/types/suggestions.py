"""A suggested referral: an identification whose guidance called a wealth manager."""

from datetime import date, datetime

import strawberry

from branchflow_gateway.label_fields import label_field
from branchflow_gateway.referral.types.codes import SuggestionStatus
from branchflow_gateway.referral.types.forms import Referral, load_referral
from branchflow_gateway.referral.types.shared import at_or_none, id_or_none, local_or_none


@strawberry.type(
    description="A suggested referral: an identification whose guidance called a wealth manager, on "
    "the lobby's list for the day, filed with one action."
)
class Suggestion:
    suggestion_id: strawberry.ID
    branch_id: str
    business_day: date
    customer_id: str
    identification_id: strawberry.ID
    identified_at: datetime
    identified_at_local: str
    status: SuggestionStatus
    status_label: str = label_field("status", SuggestionStatus)
    referral_id: strawberry.ID | None = strawberry.field(description="the form filed from it")
    acted_by: str | None
    acted_at: datetime | None
    acted_at_local: str | None
    dismissal_reason: str | None

    @strawberry.field(description="The form filed from it, if any.")
    async def referral(self, info: strawberry.Info) -> Referral | None:
        return await load_referral(info, self.referral_id)

    @classmethod
    def from_json(cls, data: dict) -> "Suggestion":
        return cls(
            suggestion_id=strawberry.ID(data["suggestion_id"]),
            branch_id=data["branch_id"],
            business_day=date.fromisoformat(str(data["business_day"])),
            customer_id=data["customer_id"],
            identification_id=strawberry.ID(data["identification_id"]),
            identified_at=datetime.fromisoformat(data["identified_at"]),
            identified_at_local=data["identified_at_local"],
            status=SuggestionStatus(data["status"]),
            referral_id=id_or_none(data.get("referral_id")),
            acted_by=data.get("acted_by"),
            acted_at=at_or_none(data.get("acted_at")),
            acted_at_local=local_or_none(data.get("acted_at")),
            dismissal_reason=data.get("dismissal_reason"),
        )
