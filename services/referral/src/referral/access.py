"""Who may do and see what in the referral service: the platform's access policy
(``branchflow_runtime.access``: who reads which kind of data and does which action, per role and
branch) applied to the referral service's records, as small named rules over the caller
(``Staff``: id, role, branch) and plain facts of what is asked for. What is the referral
service's own is here: which sources each role files from, and who sees a prospect's contact.

``may_*`` answers; ``check_*`` raises ``Forbidden`` (HTTP 403) with the reason. The REST API uses
the role sets for its first check and these rules for the rest; the handlers check again where
the facts are only known once a form or an entry is loaded.

Nothing here reveals a tier, a score or an amount: the referral service holds none."""

from branchflow_contracts import ReferralSource
from branchflow_runtime import access
from branchflow_runtime.access import Action, Data, Reach
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.i18n import N_
from referral.domain.refusals import NotFound

# Which sources each role files from (tellers at the counter, the lobby manager in the lobby,
# wealth and marketing managers from targeted marketing); who files at all is the policy's.
FILING_SOURCES: dict[Role, frozenset[ReferralSource]] = {
    Role.LOBBY_MANAGER: frozenset({ReferralSource.LOBBY}),
    Role.TELLER: frozenset({ReferralSource.COUNTER}),
    Role.WEALTH_MANAGER: frozenset(
        {ReferralSource.INTRODUCTION, ReferralSource.FIELD_VISIT, ReferralSource.SEMINAR}
    ),
    Role.MARKETING_MANAGER: frozenset(
        {ReferralSource.INTRODUCTION, ReferralSource.FIELD_VISIT, ReferralSource.SEMINAR}
    ),
}
# the roles of each first check, from the policy
FILERS = access.roles_doing(Action.FILE_REFERRAL)
DAY_READERS = SUGGESTION_READERS = access.roles_reading(Data.REFERRAL_DAY)
DAY_CLOSERS = access.roles_doing(Action.CLOSE_DAY)
DAY_REOPENERS = access.roles_doing(Action.REOPEN_DAY)
SUGGESTION_HANDLERS = access.roles_doing(Action.HANDLE_SUGGESTIONS)
CONFIRMERS = access.roles_doing(Action.CONFIRM_REFERRAL)
COUNT_READERS = access.roles_reading(Data.REFERRAL_COUNTS)
ALL_BRANCH_COUNT_READERS = frozenset(
    role for role in COUNT_READERS if access.READ[role][Data.REFERRAL_COUNTS] is Reach.ALL
)
SUMMARY_READERS = access.roles_reading(Data.APPRAISAL)
REGISTER_READERS = access.roles_reading(Data.REGISTER)
REGISTER_WRITERS = access.roles_doing(Action.WRITE_REGISTER)
ACCESS_LOG_READERS = access.roles_reading(Data.REGISTER_ACCESS_LOG)
MARKETERS = access.roles_doing(Action.RECORD_MARKETING)
MARKETING_READERS = access.roles_reading(Data.MARKETING)
REFERRAL_READERS = access.roles_reading(Data.REFERRALS)


class Forbidden(PermissionError):
    """The caller may not do or see this (HTTP 403); the message says why. ``template`` is a
    marked text (translated where it is shown) with named placeholders filled from ``params``."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        self.message = template.format(**params)
        super().__init__(self.message)


MISSING = {
    "referral": N_("no referral {key} that you may see"),
    "suggestion": N_("no suggestion {key} that you may see"),
    "follow-up entry": N_("no follow-up entry {key} that you may see"),
    "marketing activity": N_("no marketing activity {key} that you may see"),
}


MISSING_DATA = {
    "referral": Data.REFERRALS,
    "suggestion": Data.REFERRAL_DAY,
    "follow-up entry": Data.REGISTER,
    "marketing activity": Data.MARKETING,
}


def missing(staff: Staff, what: str, key: str) -> Exception:
    """What to raise for a record that is not there: 404 for who reaches every branch's (head
    office); for everyone else the 403 another branch's record gets, so that a refusal never
    tells whether a record exists (as the runtime's access policy does)."""
    if access.reaches_every_branch(staff, MISSING_DATA[what]):
        return NotFound(what, key)
    return Forbidden(MISSING[what], key=key)


def _require(condition: bool, reason: str, /, **params: object) -> None:
    if not condition:
        raise Forbidden(reason, **params)


# forms


def may_file(staff: Staff, source: ReferralSource) -> bool:
    return staff.role in FILERS and source in FILING_SOURCES.get(staff.role, ())


def check_may_file(staff: Staff, source: ReferralSource) -> None:
    allowed = ", ".join(sorted(FILING_SOURCES.get(staff.role, ()))) or "-"
    _require(
        may_file(staff, source),
        N_("role {role} does not file {source} referrals (files: {allowed})"),
        role=staff.role,
        source=source,
        allowed=allowed,
    )


def may_read_referral(staff: Staff, *, branch_id: str, referred_by: str, wealth_manager_id: str) -> bool:
    """Whoever filed it, the wealth manager it names, the branch's lobby manager and heads, head office."""
    return access.may_read(
        staff, Data.REFERRALS, branch_id=branch_id, owner_id=(referred_by, wealth_manager_id)
    )


def check_may_read_referral(staff: Staff, **form) -> None:
    _require(
        may_read_referral(staff, **form),
        N_("only its filer, its wealth manager and the branch's managers read a form"),
    )


def check_may_confirm(staff: Staff, *, branch_id: str, wealth_manager_id: str) -> None:
    """Only the wealth manager the form names confirms it or copies it into the register."""
    _require(
        access.may_do(staff, Action.CONFIRM_REFERRAL, branch_id=branch_id, owner_id=wealth_manager_id),
        N_("only wealth manager {wealth_manager_id}, whom the form names, confirms it"),
        wealth_manager_id=wealth_manager_id,
    )


def check_may_withdraw(staff: Staff, *, branch_id: str, referred_by: str) -> None:
    """Whoever filed the form, or the branch's lobby manager who keeps the forms."""
    _require(
        access.may_do(staff, Action.WITHDRAW_REFERRAL, branch_id=branch_id, owner_id=referred_by),
        N_("only whoever filed the form, or the branch's lobby manager, withdraws it"),
    )


# a verdict of "not premium" says something of the customer's tier: who may not read tiers (the
# lobby, the counter) learns that the follow-up is closed
RESULT_SHOWN_INSTEAD = "closed"


def result_as_seen(staff: Staff, result: str | None) -> str | None:
    """The marketing result as the caller may see it: lobby managers and tellers learn that a
    follow-up is closed, not that the customer was judged not premium."""
    if result == "not_premium" and Data.TIER not in access.readable(staff.role):
        return RESULT_SHOWN_INSTEAD
    return result


def sees_personal_data(staff: Staff, *, referred_by: str | None, wealth_manager_id: str | None) -> bool:
    """A prospect's name and phone: seen by whoever filed the form and the wealth manager it names
    (who will call); masked for everyone else."""
    return staff.staff_id in {referred_by, wealth_manager_id} - {None}


# suggestions and the close of business


def check_may_handle_suggestions(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_do(staff, Action.HANDLE_SUGGESTIONS, branch_id=branch_id),
        N_("only the branch's lobby manager files or dismisses its suggestions"),
    )


def check_may_read_suggestions(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_read(staff, Data.REFERRAL_DAY, branch_id=branch_id),
        N_("suggestions are the lobby's list"),
    )


def check_may_read_day(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_read(staff, Data.REFERRAL_DAY, branch_id=branch_id),
        N_("a branch's day is read by its lobby manager and heads, and head office"),
    )


def check_may_close_day(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_do(staff, Action.CLOSE_DAY, branch_id=branch_id),
        N_("only the branch's lobby manager closes its day"),
    )


def check_may_reopen_day(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_do(staff, Action.REOPEN_DAY, branch_id=branch_id),
        N_("only the branch's lobby manager or head reopens a closed day"),
    )


def check_may_read_counts(staff: Staff, branch_id: str | None) -> None:
    """A branch's counts: its lobby manager and heads, and head office; every branch: head office."""
    if branch_id is None:
        _require(staff.role in ALL_BRANCH_COUNT_READERS, N_("only head office reads every branch's counts"))
    else:
        _require(
            access.may_read(staff, Data.REFERRAL_COUNTS, branch_id=branch_id),
            N_("a branch's counts are read by its lobby manager and heads, and head office"),
        )


def check_may_read_summary(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_read(staff, Data.APPRAISAL, branch_id=branch_id),
        N_("the monthly summary is for the branch's heads and head office"),
    )


# the follow-up register


def may_read_entry(staff: Staff, *, branch_id: str, wealth_manager_id: str) -> bool:
    """The owning wealth manager, the branch's deputy head and head, head office. Nobody else."""
    return access.may_read(staff, Data.REGISTER, branch_id=branch_id, owner_id=wealth_manager_id)


def check_may_read_entry(staff: Staff, *, branch_id: str, wealth_manager_id: str) -> None:
    _require(
        may_read_entry(staff, branch_id=branch_id, wealth_manager_id=wealth_manager_id),
        N_(
            "the follow-up register is confidential: only its wealth manager, the branch's heads and head "
            "office read it"
        ),
    )


def check_may_write_entry(staff: Staff, *, branch_id: str, wealth_manager_id: str) -> None:
    _require(
        access.may_do(staff, Action.WRITE_REGISTER, branch_id=branch_id, owner_id=wealth_manager_id),
        N_("only wealth manager {wealth_manager_id}, who owns the entry, writes in it"),
        wealth_manager_id=wealth_manager_id,
    )


def check_may_read_register_of(staff: Staff, wealth_manager_id: str) -> None:
    """A wealth manager's register or diary: the manager, heads (their branch's entries only),
    head office."""
    reach = access.READ[staff.role].get(Data.REGISTER)
    _require(
        reach in (Reach.BRANCH, Reach.ALL) or (reach is Reach.OWNED and staff.staff_id == wealth_manager_id),
        N_(
            "a wealth manager's register and diary are read by the manager, the branch's heads and "
            "head office"
        ),
    )


def sees_entry_personal_data(staff: Staff, *, wealth_manager_id: str) -> bool:
    """The owner calls the customer; managers who check the register see it masked."""
    return staff.staff_id == wealth_manager_id


def check_may_read_access_log(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_read(staff, Data.REGISTER_ACCESS_LOG, branch_id=branch_id),
        N_("the register's access log is read by the branch head and head office"),
    )


# targeted marketing


def check_may_market(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_do(staff, Action.RECORD_MARKETING, branch_id=branch_id),
        N_("targeted marketing is recorded by the branch's marketing and wealth managers"),
    )


def check_may_read_marketing(staff: Staff, branch_id: str) -> None:
    _require(
        access.may_read(staff, Data.MARKETING, branch_id=branch_id),
        N_("marketing activities are read by the branch's marketing and wealth managers and heads"),
    )


def sees_participant_data(staff: Staff, *, organised_by: str, handed_to: str | None) -> bool:
    return staff.staff_id in {organised_by, handed_to} - {None}
