"""Which of identify's fields each role gets: the one place to read or change it. A lobby
manager's or teller's fields carry no tier, score or amount (their types have none)."""

from branchflow_gateway.domain import RoleFields
from branchflow_gateway.identify.resolvers import (
    branch_identification_counts,
    check_queue,
    counter_observations,
    customer_rating,
    identification_counts,
    identification_trace,
    link_prospect,
    lobby_identifications,
    lobby_list,
    prospects,
    queue_checks,
    record_handling,
    record_observation,
    record_prospect,
)
from branchflow_runtime.auth import Role

# what everyone who serves customers records (the access policy's "record observations"): the
# visit, what became of the guidance, the queue asked (every post diverts, seed p. 38), prospects
SERVING = (record_observation, record_handling, check_queue, record_prospect, link_prospect)
BRANCH_VIEWS = (queue_checks, counter_observations)  # the day's guidance in the branch

FIELDS: dict[Role, RoleFields] = {
    Role.LOBBY_MANAGER: RoleFields(
        query=(lobby_list, *BRANCH_VIEWS), mutation=SERVING, subscription=(lobby_identifications,)
    ),
    Role.TELLER: RoleFields(query=(counter_observations,), mutation=SERVING),
    Role.WEALTH_MANAGER: RoleFields(query=(customer_rating, prospects), mutation=SERVING),
    Role.MARKETING_MANAGER: RoleFields(query=(customer_rating, prospects), mutation=SERVING),
    Role.SERVICE_QUALITY_OFFICER: RoleFields(),
    Role.DEPUTY_BRANCH_HEAD: RoleFields(
        query=(customer_rating, identification_counts, prospects, *BRANCH_VIEWS)
    ),
    Role.BRANCH_HEAD: RoleFields(query=(customer_rating, identification_counts, prospects, *BRANCH_VIEWS)),
    Role.HEAD_OFFICE: RoleFields(
        query=(customer_rating, identification_counts, branch_identification_counts)
    ),
    Role.OPS: RoleFields(query=(identification_trace,)),
}
