"""Who may do and see what in the referral service: every such decision, in one place, as small
named rules over the caller (``Staff``: id, role, branch) and plain facts of what is asked for.

``may_*`` answers; ``check_*`` raises ``Forbidden`` (HTTP 403) with the reason. The REST API uses
the role sets for its first check and these rules for the rest; the handlers check again where
the facts are only known once a form or an entry is loaded.

Nothing here reveals a tier, a score or an amount: the referral service holds none."""

from branchflow_contracts import ReferralSource
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.i18n import N_
from referral.domain.refusals import NotFound

HEADS = frozenset({Role.DEPUTY_BRANCH_HEAD, Role.BRANCH_HEAD})

# Who files forms, and from which source each role files (tellers at the counter, the lobby
# manager in the lobby, wealth and marketing managers from targeted marketing).
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
FILERS = frozenset(FILING_SOURCES)
# who reads a branch's forms of a day, and its reconciliation
DAY_READERS = frozenset({Role.LOBBY_MANAGER, *HEADS, Role.HEAD_OFFICE})
DAY_CLOSERS = frozenset({Role.LOBBY_MANAGER})
DAY_REOPENERS = frozenset({Role.LOBBY_MANAGER, Role.BRANCH_HEAD})
SUGGESTION_HANDLERS = frozenset({Role.LOBBY_MANAGER})
SUGGESTION_READERS = frozenset({Role.LOBBY_MANAGER, *HEADS, Role.HEAD_OFFICE})
CONFIRMERS = frozenset({Role.WEALTH_MANAGER})
# counts per staff (推介统计表): the lobby manager keeps the daily and weekly table; heads appraise
COUNT_READERS = frozenset({Role.LOBBY_MANAGER, *HEADS, Role.HEAD_OFFICE})
ALL_BRANCH_COUNT_READERS = frozenset({Role.HEAD_OFFICE})
SUMMARY_READERS = frozenset({*HEADS, Role.HEAD_OFFICE})
# the follow-up register (严禁泄漏): its owner, the branch's heads, head office
REGISTER_READERS = frozenset({Role.WEALTH_MANAGER, *HEADS, Role.HEAD_OFFICE})
REGISTER_WRITERS = frozenset({Role.WEALTH_MANAGER})
ACCESS_LOG_READERS = frozenset({Role.BRANCH_HEAD, Role.HEAD_OFFICE})
MARKETERS = frozenset({Role.MARKETING_MANAGER, Role.WEALTH_MANAGER})
MARKETING_READERS = frozenset({Role.MARKETING_MANAGER, Role.WEALTH_MANAGER, *HEADS, Role.HEAD_OFFICE})
REFERRAL_READERS = frozenset({*FILERS, *HEADS, Role.HEAD_OFFICE})


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


def missing(staff: Staff, what: str, key: str) -> Exception:
    """What to raise for a record that is not there: 404 for head office, who may see every
    branch's; for everyone else the 403 another branch's record gets, so that a refusal never
    tells whether a record exists (the runtime's access policy does the same)."""
    if staff.role is Role.HEAD_OFFICE:
        return NotFound(what, key)
    return Forbidden(MISSING[what], key=key)


def _in_branch(staff: Staff, branch_id: str) -> bool:
    return staff.role is Role.HEAD_OFFICE or staff.branch_id == branch_id


def _require(condition: bool, reason: str, /, **params: object) -> None:
    if not condition:
        raise Forbidden(reason, **params)


# forms


def may_file(staff: Staff, source: ReferralSource) -> bool:
    return source in FILING_SOURCES.get(staff.role, ())


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
    if staff.role is Role.HEAD_OFFICE:
        return True
    if staff.branch_id != branch_id:
        return False
    return staff.staff_id in (referred_by, wealth_manager_id) or staff.role in {Role.LOBBY_MANAGER, *HEADS}


def check_may_read_referral(staff: Staff, **form) -> None:
    _require(
        may_read_referral(staff, **form),
        N_("only its filer, its wealth manager and the branch's managers read a form"),
    )


def check_may_confirm(staff: Staff, *, branch_id: str, wealth_manager_id: str) -> None:
    """Only the wealth manager the form names confirms it or copies it into the register."""
    _require(
        staff.role is Role.WEALTH_MANAGER
        and staff.staff_id == wealth_manager_id
        and staff.branch_id == branch_id,
        N_("only wealth manager {wealth_manager_id}, whom the form names, confirms it"),
        wealth_manager_id=wealth_manager_id,
    )


def check_may_withdraw(staff: Staff, *, branch_id: str, referred_by: str) -> None:
    """Whoever filed the form, or the branch's lobby manager who keeps the forms."""
    _require(
        staff.branch_id == branch_id and (staff.staff_id == referred_by or staff.role is Role.LOBBY_MANAGER),
        N_("only whoever filed the form, or the branch's lobby manager, withdraws it"),
    )


# a lobby manager's or teller's view never carries a tier; a verdict of "not premium" is one
VERDICT_HIDDEN_FROM = frozenset({Role.LOBBY_MANAGER, Role.TELLER})
RESULT_SHOWN_INSTEAD = "closed"


def result_as_seen(staff: Staff, result: str | None) -> str | None:
    """The marketing result as the caller may see it: lobby managers and tellers learn that a
    follow-up is closed, not that the customer was judged not premium."""
    if result == "not_premium" and staff.role in VERDICT_HIDDEN_FROM:
        return RESULT_SHOWN_INSTEAD
    return result


def sees_personal_data(staff: Staff, *, referred_by: str | None, wealth_manager_id: str | None) -> bool:
    """A prospect's name and phone: seen by whoever filed the form and the wealth manager it names
    (who will call); masked for everyone else."""
    return staff.staff_id in {referred_by, wealth_manager_id} - {None}


# suggestions and the close of business


def check_may_handle_suggestions(staff: Staff, branch_id: str) -> None:
    _require(
        staff.role in SUGGESTION_HANDLERS and staff.branch_id == branch_id,
        N_("only the branch's lobby manager files or dismisses its suggestions"),
    )


def check_may_read_suggestions(staff: Staff, branch_id: str) -> None:
    _require(
        staff.role in SUGGESTION_READERS and _in_branch(staff, branch_id),
        N_("suggestions are the lobby's list"),
    )


def check_may_read_day(staff: Staff, branch_id: str) -> None:
    _require(
        staff.role in DAY_READERS and _in_branch(staff, branch_id),
        N_("a branch's day is read by its lobby manager and heads, and head office"),
    )


def check_may_close_day(staff: Staff, branch_id: str) -> None:
    _require(
        staff.role in DAY_CLOSERS and staff.branch_id == branch_id,
        N_("only the branch's lobby manager closes its day"),
    )


def check_may_reopen_day(staff: Staff, branch_id: str) -> None:
    _require(
        staff.role in DAY_REOPENERS and staff.branch_id == branch_id,
        N_("only the branch's lobby manager or head reopens a closed day"),
    )


def check_may_read_counts(staff: Staff, branch_id: str | None) -> None:
    """A branch's counts: its lobby manager and heads, and head office; every branch: head office."""
    if branch_id is None:
        _require(staff.role in ALL_BRANCH_COUNT_READERS, N_("only head office reads every branch's counts"))
    else:
        _require(
            staff.role in COUNT_READERS and _in_branch(staff, branch_id),
            N_("a branch's counts are read by its lobby manager and heads, and head office"),
        )


def check_may_read_summary(staff: Staff, branch_id: str) -> None:
    _require(
        staff.role in SUMMARY_READERS and _in_branch(staff, branch_id),
        N_("the monthly summary is for the branch's heads and head office"),
    )


# the follow-up register


def may_read_entry(staff: Staff, *, branch_id: str, wealth_manager_id: str) -> bool:
    """The owning wealth manager, the branch's deputy head and head, head office. Nobody else."""
    if staff.role is Role.HEAD_OFFICE:
        return True
    if staff.role is Role.WEALTH_MANAGER:
        return staff.staff_id == wealth_manager_id and staff.branch_id == branch_id
    return staff.role in HEADS and staff.branch_id == branch_id


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
        staff.role is Role.WEALTH_MANAGER
        and staff.staff_id == wealth_manager_id
        and staff.branch_id == branch_id,
        N_("only wealth manager {wealth_manager_id}, who owns the entry, writes in it"),
        wealth_manager_id=wealth_manager_id,
    )


def check_may_read_register_of(staff: Staff, wealth_manager_id: str) -> None:
    """A wealth manager's register or diary: the manager, heads (their branch's entries only),
    head office."""
    _require(
        staff.role in HEADS or staff.role is Role.HEAD_OFFICE or staff.staff_id == wealth_manager_id,
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
        staff.role in ACCESS_LOG_READERS and _in_branch(staff, branch_id),
        N_("the register's access log is read by the branch head and head office"),
    )


# targeted marketing


def check_may_market(staff: Staff, branch_id: str) -> None:
    _require(
        staff.role in MARKETERS and staff.branch_id == branch_id,
        N_("targeted marketing is recorded by the branch's marketing and wealth managers"),
    )


def check_may_read_marketing(staff: Staff, branch_id: str) -> None:
    _require(
        staff.role in MARKETING_READERS and _in_branch(staff, branch_id),
        N_("marketing activities are read by the branch's marketing and wealth managers and heads"),
    )


def sees_participant_data(staff: Staff, *, organised_by: str, handed_to: str | None) -> bool:
    return staff.staff_id in {organised_by, handed_to} - {None}
