"""``me``: the one field every role's Query has, whatever domains it sees."""

import strawberry

from branchflow_gateway.context import Info
from branchflow_runtime.i18n import label


@strawberry.type(description="Who is calling, as the verified token says.")
class Me:
    staff_id: str
    role: str
    branch_id: str
    role_label: str


# what Me's fields show (branchflow_gateway.access): the caller's own identity, nothing of a customer
SHOWS = {("Me", "staffId"): None, ("Me", "role"): None, ("Me", "roleLabel"): None, ("Me", "branchId"): None}


def me(info: Info) -> Me:
    """Who you are, as your token says."""
    staff = info.context.staff
    return Me(
        staff_id=staff.staff_id,
        role=staff.role.value,
        branch_id=staff.branch_id,
        role_label=label(staff.role),
    )
