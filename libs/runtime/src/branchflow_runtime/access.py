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

from collections.abc import Collection
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
    # referral (推介): what the branch's people did (keyed by the branch of the form or entry)
    REFERRALS = "referrals"  # forms: who referred whom, when, to which wealth manager, status
    REFERRAL_DAY = "referral_day"  # a branch's day of forms and suggestions, its reconciliation
    REFERRAL_COUNTS = "referral_counts"  # forms per staff by day, week, month (推介统计表)
    APPRAISAL = "appraisal"  # last month's counts per staff, for the branch head (月初汇总)
    REGISTER = "register"  # the follow-up register and work diary (待跟进客户信息记录表): confidential
    REGISTER_ACCESS_LOG = "register_access_log"  # who read which register entry, when
    MARKETING = "marketing"  # introductions, field visits, seminars and their handovers


CUSTOMER_DATA = frozenset(
    {Data.TIER, Data.SCORE, Data.EXPLANATION, Data.AMOUNTS, Data.FACTS, Data.PERSONAL_DATA}
)
RATING = frozenset({Data.TIER, Data.SCORE, Data.EXPLANATION})


class Action(StrEnum):
    RECORD_OBSERVATION = "record_observation"  # identify: what was seen of a customer
    WRITE_FACTS = "write_facts"  # identify: what the bank knows of a customer
    FILE_REFERRAL = "file_referral"  # referral: a form (the sources per role are referral's)
    HANDLE_SUGGESTIONS = "handle_suggestions"  # referral: file or dismiss the day's suggestions
    CONFIRM_REFERRAL = "confirm_referral"  # referral: the named wealth manager, at close of business
    WITHDRAW_REFERRAL = "withdraw_referral"
    CLOSE_DAY = "close_day"
    REOPEN_DAY = "reopen_day"
    WRITE_REGISTER = "write_register"  # referral: attempts, appointments, verdicts in one's register
    RECORD_MARKETING = "record_marketing"


class Reach(IntEnum):
    OWNED = 1
    BRANCH = 2
    ALL = 3


OWNED, BRANCH, ALL = Reach.OWNED, Reach.BRANCH, Reach.ALL

# the lobby's list shows who is being served: names, masked (a prospect's contact in clear only for
# whoever recorded it, see identify's disclosure rules)
_LOBBY = {Data.GUIDANCE: BRANCH, Data.IDENTIFICATION: BRANCH, Data.PERSONAL_DATA: BRANCH}
# the lobby manager keeps the branch's forms, reconciles the day and counts it (seed pp. 19–21)
_LOBBY_MANAGER = {
    **_LOBBY,
    Data.REFERRALS: BRANCH,
    Data.REFERRAL_DAY: BRANCH,
    Data.REFERRAL_COUNTS: BRANCH,
}
# a teller reads the forms it filed
_TELLER = {**_LOBBY, Data.REFERRALS: OWNED}
_CUSTOMER_MANAGER = {
    **_LOBBY,
    Data.TIER: BRANCH,
    Data.SCORE: BRANCH,
    Data.EXPLANATION: BRANCH,
    Data.AMOUNTS: BRANCH,
    Data.FACTS: BRANCH,
    Data.PERSONAL_DATA: BRANCH,
}
# a wealth manager: the forms naming it or filed by it, its own register, the branch's marketing
_WEALTH_MANAGER = {
    **_CUSTOMER_MANAGER,
    Data.REFERRALS: OWNED,
    Data.REGISTER: OWNED,
    Data.MARKETING: BRANCH,
}
_MARKETING_MANAGER = {**_CUSTOMER_MANAGER, Data.REFERRALS: OWNED, Data.MARKETING: BRANCH}
# the deputy head and the head: the branch's figures, every form and register entry (严禁泄漏:
# the register is read by its owner and the branch's heads only, every read logged)
_BRANCH_MANAGEMENT = {
    **_CUSTOMER_MANAGER,
    Data.COUNTS: BRANCH,
    Data.REFERRALS: BRANCH,
    Data.REFERRAL_DAY: BRANCH,
    Data.REFERRAL_COUNTS: BRANCH,
    Data.APPRAISAL: BRANCH,
    Data.REGISTER: BRANCH,
    Data.MARKETING: BRANCH,
}

READ: dict[Role, dict[Data, Reach]] = {
    Role.LOBBY_MANAGER: _LOBBY_MANAGER,
    Role.TELLER: _TELLER,
    Role.WEALTH_MANAGER: _WEALTH_MANAGER,
    Role.MARKETING_MANAGER: _MARKETING_MANAGER,
    Role.SERVICE_QUALITY_OFFICER: {},  # complaints come with the complaint service
    Role.DEPUTY_BRANCH_HEAD: _BRANCH_MANAGEMENT,
    Role.BRANCH_HEAD: {**_BRANCH_MANAGEMENT, Data.REGISTER_ACCESS_LOG: BRANCH},
    Role.HEAD_OFFICE: dict.fromkeys([*_BRANCH_MANAGEMENT, Data.REGISTER_ACCESS_LOG], ALL),
    # ops follow flows: which record, where, when, and its trace — nothing about the customer
    Role.OPS: {Data.IDENTIFICATION: ALL, Data.TRACE: ALL},
}

DO: dict[Role, dict[Action, Reach]] = {
    Role.LOBBY_MANAGER: {
        Action.RECORD_OBSERVATION: BRANCH,
        Action.FILE_REFERRAL: BRANCH,
        Action.HANDLE_SUGGESTIONS: BRANCH,
        Action.WITHDRAW_REFERRAL: BRANCH,  # it keeps the branch's forms
        Action.CLOSE_DAY: BRANCH,
        Action.REOPEN_DAY: BRANCH,
    },
    Role.TELLER: {
        Action.RECORD_OBSERVATION: BRANCH,
        Action.FILE_REFERRAL: BRANCH,
        Action.WITHDRAW_REFERRAL: OWNED,  # what it filed
    },
    Role.WEALTH_MANAGER: {
        Action.RECORD_OBSERVATION: BRANCH,
        Action.WRITE_FACTS: BRANCH,
        Action.FILE_REFERRAL: BRANCH,
        Action.WITHDRAW_REFERRAL: OWNED,
        Action.CONFIRM_REFERRAL: OWNED,  # the forms naming it
        Action.WRITE_REGISTER: OWNED,  # its own register
        Action.RECORD_MARKETING: BRANCH,
    },
    Role.MARKETING_MANAGER: {
        Action.RECORD_OBSERVATION: BRANCH,
        Action.WRITE_FACTS: BRANCH,
        Action.FILE_REFERRAL: BRANCH,
        Action.WITHDRAW_REFERRAL: OWNED,
        Action.RECORD_MARKETING: BRANCH,
    },
    Role.SERVICE_QUALITY_OFFICER: {},
    Role.DEPUTY_BRANCH_HEAD: {Action.WRITE_FACTS: BRANCH},
    Role.BRANCH_HEAD: {Action.WRITE_FACTS: BRANCH, Action.REOPEN_DAY: BRANCH},
    Role.HEAD_OFFICE: {Action.WRITE_FACTS: ALL},
    Role.OPS: {},
}


def readable(role: Role) -> frozenset[Data]:
    """What the role may read anywhere at all (the fields its schema may have)."""
    return frozenset(READ[role])


def permitted(role: Role) -> frozenset[Action]:
    return frozenset(DO[role])


Owners = str | Collection[str] | None  # who owns a record: a customer's wealth manager, a form's filer…


def may_read(staff: Staff, data: Data, *, branch_id: str, owner_id: Owners = None) -> bool:
    """``branch_id`` is the branch the data belongs to (see the module docstring: the customer's
    home branch for what is known of a customer); ``owner_id`` who owns the record (the
    customer's wealth manager; a form's filer and the wealth manager it names)."""
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


def may_do(staff: Staff, action: Action, *, branch_id: str, owner_id: Owners = None) -> bool:
    return _within(DO[staff.role].get(action), staff, branch_id, owner_id)


def _within(reach: Reach | None, staff: Staff, branch_id: str, owner_id: Owners) -> bool:
    if reach is None:
        return False
    if reach is ALL:
        return True
    if staff.branch_id != branch_id:
        return False
    return reach is BRANCH or _owns(staff, owner_id)


def _owns(staff: Staff, owner_id: Owners) -> bool:
    if owner_id is None:
        return False
    return staff.staff_id == owner_id if isinstance(owner_id, str) else staff.staff_id in owner_id


def roles_reading(data: Data) -> frozenset[Role]:
    """The roles that may read ``data`` somewhere (a service's first, role-only check)."""
    return frozenset(role for role, grants in READ.items() if data in grants)


def roles_doing(action: Action) -> frozenset[Role]:
    return frozenset(role for role, grants in DO.items() if action in grants)


def reaches_every_branch_role(role: Role) -> bool:
    """Head office and ops: staff of no branch, reaching all of them."""
    return any(reach is ALL for reach in READ[role].values())


def reaches_every_branch(staff: Staff, data: Data) -> bool:
    """Whether a record of another branch is in scope at all — for such callers a missing record
    is 404; for everyone else missing and out of scope look the same (403), so that a refusal
    never reveals whether another branch's record exists."""
    return READ[staff.role].get(data) is ALL
