"""Who sees the personal data identify's newer views carry, unmasked. One small function per
decision, so that the platform's access policy (``branchflow_runtime.access``) can take them
over as they are."""

from branchflow_runtime import access
from branchflow_runtime.access import Data
from branchflow_runtime.auth import Role, Staff

# those who follow a prospect up (待跟进): they must be able to call them
PROSPECT_FOLLOWERS = frozenset(
    {Role.WEALTH_MANAGER, Role.MARKETING_MANAGER, Role.DEPUTY_BRANCH_HEAD, Role.BRANCH_HEAD}
)


def sees_prospect_contact(staff: Staff, prospect_branch: str, recorded_by: str) -> bool:
    """A prospect's name and phone: whoever recorded them, and the staff of their branch who
    follow them up. Everyone else (the lobby screen included) sees them masked."""
    if staff.staff_id == recorded_by:
        return True
    return staff.role in PROSPECT_FOLLOWERS and staff.branch_id == prospect_branch


def sees_customer_name_on_lists(staff: Staff, home_branch: str, wealth_manager_id: str | None) -> bool:
    """A customer's name on the lobby and counter lists, in clear: as personal data anywhere —
    the customer's own wealth manager (the access policy's ``may_unmask``)."""
    return access.may_unmask(staff, branch_id=home_branch, owner_id=wealth_manager_id)


def sees_staff_counts(staff: Staff) -> bool:
    """Identification counts per staff member: for those who appraise staff — who read the
    branch's figures."""
    return Data.COUNTS in access.readable(staff.role)
