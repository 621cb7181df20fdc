"""Which of identify's fields each role gets: the one place to read or change it. A lobby
manager's or teller's fields carry no tier, score or amount (their types have none)."""

from branchflow_gateway.domain import RoleFields
from branchflow_gateway.identify.resolvers import (
    branch_identification_counts,
    customer_rating,
    identification_counts,
    identification_trace,
    lobby_identifications,
    lobby_list,
    record_observation,
)
from branchflow_runtime.auth import Role

FIELDS: dict[Role, RoleFields] = {
    Role.LOBBY_MANAGER: RoleFields(
        query=(lobby_list,), mutation=(record_observation,), subscription=(lobby_identifications,)
    ),
    Role.TELLER: RoleFields(mutation=(record_observation,)),
    Role.WEALTH_MANAGER: RoleFields(query=(customer_rating,), mutation=(record_observation,)),
    Role.MARKETING_MANAGER: RoleFields(query=(customer_rating,), mutation=(record_observation,)),
    Role.SERVICE_QUALITY_OFFICER: RoleFields(),
    Role.DEPUTY_BRANCH_HEAD: RoleFields(query=(customer_rating, identification_counts)),
    Role.BRANCH_HEAD: RoleFields(query=(customer_rating, identification_counts)),
    Role.HEAD_OFFICE: RoleFields(
        query=(customer_rating, identification_counts, branch_identification_counts)
    ),
    Role.OPS: RoleFields(query=(identification_trace,)),
}
