"""Who may read and do what, per role, per branch, per kind of data — written once.

Every service's REST API asks this module before it answers, and the gateway builds each role's
schema from it; a test runs the same role × data matrix against every API and schema and fails on
any difference (tests/access). A new service adds its kinds of data and actions here.

Reach: a grant holds for customers the staff member owns (``OWNED``: the customer's wealth
manager), for the own branch (``BRANCH``), or for every branch (``ALL``: head office, ops).

Which branch a kind of data belongs to decides a cross-branch visit. A customer's tier, score,
explanation, amounts, facts and personal data belong to the customer's **home branch**. What
happened in a branch — an identification and its guidance, the branch's figures, trace ids —
belongs to the **branch where it happened**. So when a customer of BR002 walks into BR001, BR001
serves them with the guidance (and sees that they were identified there, and that they are a
visitor), but BR001 never sees their tier, score or amounts: in BR001's lists and counts a
visitor's tier is withheld, and BR001's staff get 403 on the customer's rating, as before.

Lobby managers and tellers read guidance, never a tier, a score or an amount (DOMAIN.md §1:
keep a premium customer's status private). Personal data is shown to those granted it masked
(``privacy``), and unmasked only to the customer's own wealth manager (``may_unmask``)."""

from enum import IntEnum, StrEnum

from branchflow_runtime.auth.tokens import Role, Staff


class Data(StrEnum):
    # what happened in a branch (keyed by the branch where it happened)
    GUIDANCE = "guidance"  # where to send a customer and what to say
    IDENTIFICATION = "identification"  # that a customer was identified: when, how, by whom
    COUNTS = "counts"  # a branch's figures (identifications by tier and channel)
    TRACE = "trace"  # the trace id of the request that made a record
    # what is known of a customer (keyed by the customer's home branch)
    TIER = "tier"
    SCORE = "score"
    EXPLANATION = "explanation"  # what counted in the rating, with its points
    AMOUNTS = "amounts"  # holdings, loans, amounts of observed business
    FACTS = "facts"  # occupation, address area, family, standing, VIP cards
    PERSONAL_DATA = "personal_data"  # name, ID number, phone, address: masked unless yours


CUSTOMER_DATA = frozenset(
    {Data.TIER, Data.SCORE, Data.EXPLANATION, Data.AMOUNTS, Data.FACTS, Data.PERSONAL_DATA}
)
RATING = frozenset({Data.TIER, Data.SCORE, Data.EXPLANATION})


class Action(StrEnum):
    RECORD_OBSERVATION = "record_observation"  # identify: what was seen of a customer
    WRITE_FACTS = "write_facts"  # identify: what the bank knows of a customer


class Reach(IntEnum):
    OWNED = 1
    BRANCH = 2
    ALL = 3


OWNED, BRANCH, ALL = Reach.OWNED, Reach.BRANCH, Reach.ALL

# the lobby's list shows who is being served: names, masked (a prospect's contact in clear only for
# whoever recorded it, see identify's disclosure rules)
_LOBBY = {Data.GUIDANCE: BRANCH, Data.IDENTIFICATION: BRANCH, Data.PERSONAL_DATA: BRANCH}
_CUSTOMER_MANAGER = {
    **_LOBBY,
    Data.TIER: BRANCH,
    Data.SCORE: BRANCH,
    Data.EXPLANATION: BRANCH,
    Data.AMOUNTS: BRANCH,
    Data.FACTS: BRANCH,
    Data.PERSONAL_DATA: BRANCH,
}
_BRANCH_MANAGEMENT = {**_CUSTOMER_MANAGER, Data.COUNTS: BRANCH}

READ: dict[Role, dict[Data, Reach]] = {
    Role.LOBBY_MANAGER: _LOBBY,
    Role.TELLER: _LOBBY,
    Role.WEALTH_MANAGER: _CUSTOMER_MANAGER,
    Role.MARKETING_MANAGER: _CUSTOMER_MANAGER,
    Role.SERVICE_QUALITY_OFFICER: {},  # complaints come with the complaint service
    Role.DEPUTY_BRANCH_HEAD: _BRANCH_MANAGEMENT,
    Role.BRANCH_HEAD: _BRANCH_MANAGEMENT,
    Role.HEAD_OFFICE: dict.fromkeys(_BRANCH_MANAGEMENT, ALL),
    # ops follow flows: which record, where, when, and its trace — nothing about the customer
    Role.OPS: {Data.IDENTIFICATION: ALL, Data.TRACE: ALL},
}

DO: dict[Role, dict[Action, Reach]] = {
    Role.LOBBY_MANAGER: {Action.RECORD_OBSERVATION: BRANCH},
    Role.TELLER: {Action.RECORD_OBSERVATION: BRANCH},
    Role.WEALTH_MANAGER: {Action.RECORD_OBSERVATION: BRANCH, Action.WRITE_FACTS: BRANCH},
    Role.MARKETING_MANAGER: {Action.RECORD_OBSERVATION: BRANCH, Action.WRITE_FACTS: BRANCH},
    Role.SERVICE_QUALITY_OFFICER: {},
    Role.DEPUTY_BRANCH_HEAD: {Action.WRITE_FACTS: BRANCH},
    Role.BRANCH_HEAD: {Action.WRITE_FACTS: BRANCH},
    Role.HEAD_OFFICE: {Action.WRITE_FACTS: ALL},
    Role.OPS: {},
}


def readable(role: Role) -> frozenset[Data]:
    """What the role may read anywhere at all (the fields its schema may have)."""
    return frozenset(READ[role])


def permitted(role: Role) -> frozenset[Action]:
    return frozenset(DO[role])


def may_read(staff: Staff, data: Data, *, branch_id: str, owner_id: str | None = None) -> bool:
    """``branch_id`` is the branch the data belongs to (see the module docstring: the customer's
    home branch for what is known of a customer); ``owner_id`` the customer's wealth manager."""
    return _within(READ[staff.role].get(data), staff, branch_id, owner_id)


def may_unmask(staff: Staff, *, branch_id: str, owner_id: str | None) -> bool:
    """Personal data in clear: for the customer's own wealth manager only (DOMAIN.md: masked for
    those who don't own the customer)."""
    return (
        staff.role is Role.WEALTH_MANAGER
        and owner_id is not None
        and owner_id == staff.staff_id
        and may_read(staff, Data.PERSONAL_DATA, branch_id=branch_id)
    )


def may_do(staff: Staff, action: Action, *, branch_id: str) -> bool:
    return _within(DO[staff.role].get(action), staff, branch_id, None)


def _within(reach: Reach | None, staff: Staff, branch_id: str, owner_id: str | None) -> bool:
    if reach is None:
        return False
    if reach is ALL:
        return True
    if staff.branch_id != branch_id:
        return False
    return reach is BRANCH or (owner_id is not None and owner_id == staff.staff_id)


def reaches_every_branch_role(role: Role) -> bool:
    """Head office and ops: staff of no branch, reaching all of them."""
    return any(reach is ALL for reach in READ[role].values())


def reaches_every_branch(staff: Staff, data: Data) -> bool:
    """Whether a record of another branch is in scope at all — for such callers a missing record
    is 404; for everyone else missing and out of scope look the same (403), so that a refusal
    never reveals whether another branch's record exists."""
    return READ[staff.role].get(data) is ALL
