"""Referral's field resolvers, written once; ``fields`` names the ones each role may have. The
referral service decides what each caller may read and do (the caller's token goes with every
call); fields that call it are nullable, so the service being down gives partial data and an
error. A branch-wide view is the caller's own branch unless ``branchId`` names another (head
office)."""

import uuid
from collections.abc import AsyncGenerator
from datetime import date, datetime

import strawberry

from branchflow_contracts import MarketingResult, Verdict
from branchflow_gateway.batches import forget
from branchflow_gateway.context import Info
from branchflow_gateway.errors import BadUserInput, Forbidden
from branchflow_gateway.language import _
from branchflow_gateway.referral.types import (
    ActivityKind,
    AnalysisInput,
    Appointment,
    AttemptInput,
    AttemptRecorded,
    CountPeriod,
    FieldVisitInput,
    FollowUpEntry,
    FollowUpState,
    HandoverInput,
    IntroductionInput,
    MarketingActivity,
    MarketingResultType,
    MeetingInput,
    MonthlySummary,
    PlannedContact,
    PlannedContactInput,
    Referral,
    ReferralCounts,
    ReferralDay,
    ReferralInput,
    RegisterRead,
    SeminarInput,
    Suggestion,
    SuggestionReferralInput,
    VerdictType,
    WaitingCustomer,
    WorkDiary,
)
from branchflow_runtime.privacy import BRANCH_ZONE


def _uuid(name: str, value: strawberry.ID) -> str:
    """The service's ids are UUIDs: anything else is the caller's mistake, said before a batch
    read (where one bad id would fail every other one) is sent."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise BadUserInput(_("{name} '{value}' is not a UUID").format(name=name, value=value)) from None


def _today() -> date:
    return datetime.now(BRANCH_ZONE).date()


def _form(info: Info, data: dict) -> Referral:
    return Referral.from_json(data, info.context.staff.role)


def _forms(info: Info, rows: list[dict]) -> list[Referral]:
    return [_form(info, r) for r in rows]


# --- forms --------------------------------------------------------------------------------------


async def file_referral(info: Info, referral: ReferralInput) -> Referral:
    """File a referral form for a customer or a walk-in of the own branch: REFERRED (handed to the
    wealth manager on the spot) or PENDING (the manager's card handed over, the contact agreed).
    A customer a wealth manager followed up recently is refused, saying so (never why)."""
    ctx = info.context
    if referral.referral_id is not None:
        _uuid("referralId", referral.referral_id)
    return _form(info, await ctx.referral.client.file_referral(ctx.staff.token, referral.to_json()))


async def referral(info: Info, referral_id: strawberry.ID) -> Referral | None:
    """One form: its filer, its wealth manager, the branch's lobby manager and heads read it."""
    return _form(info, await info.context.referral.loaders.referrals.load(_uuid("referralId", referral_id)))


async def my_referrals(info: Info, day: date | None = None) -> list[Referral] | None:
    """The forms you filed today (or on ``day``), in the order filed."""
    ctx = info.context
    return _forms(info, await ctx.referral.client.my_referrals(ctx.staff.token, day))


async def referrals_to_confirm(info: Info) -> list[Referral] | None:
    """Forms naming you that await your confirmation (referred) or your copy into the register
    (pending), of any day."""
    ctx = info.context
    return _forms(info, await ctx.referral.client.referrals_to_confirm(ctx.staff.token))


async def withdraw_referral(info: Info, referral_id: strawberry.ID, reason: str) -> Referral:
    """Withdraw a form filed by mistake (its filer, or the branch's lobby manager); it is not counted."""
    ctx = info.context
    key = _uuid("referralId", referral_id)
    data = await ctx.referral.client.withdraw_referral(ctx.staff.token, key, reason)
    forget(ctx.referral.loaders.referrals, key)
    return _form(info, data)


async def confirm_referral(
    info: Info, referral_id: strawberry.ID, met: bool, result: MarketingResultType
) -> Referral:
    """Confirm a customer referred to you: did you meet, and what came of it (sold, follow-up,
    not premium). A follow-up, or a customer not met, opens an entry in your register."""
    ctx = info.context
    key = _uuid("referralId", referral_id)
    data = await ctx.referral.client.confirm_referral(
        ctx.staff.token, key, met, MarketingResult(result).value
    )
    forget(ctx.referral.loaders.referrals, key)
    return _form(info, data)


async def copy_referral_to_register(info: Info, referral_id: strawberry.ID) -> Referral:
    """Copy a pending form naming you into your follow-up register (抄录)."""
    ctx = info.context
    key = _uuid("referralId", referral_id)
    data = await ctx.referral.client.copy_to_register(ctx.staff.token, key)
    forget(ctx.referral.loaders.referrals, key)
    return _form(info, data)


# --- suggestions and the close of business ------------------------------------------------------


async def referral_suggestions(
    info: Info, day: date | None = None, branch_id: str | None = None
) -> list[Suggestion] | None:
    """The lobby's suggested referrals of the day: identifications whose guidance called a wealth
    manager, with what became of each."""
    ctx = info.context
    rows = await ctx.referral.client.suggestions(ctx.staff.token, branch_id or ctx.staff.branch_id, day)
    return [Suggestion.from_json(r) for r in rows]


async def file_suggested_referral(
    info: Info, suggestion_id: strawberry.ID, referral: SuggestionReferralInput
) -> Referral:
    """File a suggested referral with one action."""
    ctx = info.context
    key = _uuid("suggestionId", suggestion_id)
    if referral.referral_id is not None:
        _uuid("referralId", referral.referral_id)
    return _form(info, await ctx.referral.client.file_suggestion(ctx.staff.token, key, referral.to_json()))


async def dismiss_suggestion(info: Info, suggestion_id: strawberry.ID, reason: str) -> Suggestion:
    """Decide not to refer a suggested customer (left, declined…), with the reason."""
    ctx = info.context
    key = _uuid("suggestionId", suggestion_id)
    return Suggestion.from_json(await ctx.referral.client.dismiss_suggestion(ctx.staff.token, key, reason))


async def referral_day(
    info: Info, day: date | None = None, branch_id: str | None = None
) -> ReferralDay | None:
    """The reconciliation of the branch's day (today by default): every form by what it awaits,
    the suggestions never acted on, counts per staff, and earlier days left open."""
    ctx = info.context
    data = await ctx.referral.client.day(ctx.staff.token, branch_id or ctx.staff.branch_id, day or _today())
    return ReferralDay.from_json(data, ctx.staff.role)


async def close_referral_day(info: Info, day: date | None = None) -> ReferralDay:
    """Close the branch's day once every form is confirmed or copied; suggestions never acted on lapse."""
    ctx = info.context
    data = await ctx.referral.client.close_day(ctx.staff.token, ctx.staff.branch_id, day or _today())
    return ReferralDay.from_json(data, ctx.staff.role)


async def reopen_referral_day(info: Info, day: date) -> ReferralDay:
    """Reopen a closed day of the branch (a form to file after the close)."""
    ctx = info.context
    data = await ctx.referral.client.reopen_day(ctx.staff.token, ctx.staff.branch_id, day)
    return ReferralDay.from_json(data, ctx.staff.role)


# --- counts -------------------------------------------------------------------------------------


async def referral_counts(
    info: Info, period: CountPeriod = CountPeriod.DAY, day: date | None = None, branch_id: str | None = None
) -> ReferralCounts | None:
    """Referral counts per staff (推介统计表) for the day, ISO week or month holding ``day`` (today)."""
    ctx = info.context
    branch = branch_id or ctx.staff.branch_id
    data = await ctx.referral.client.counts(ctx.staff.token, branch, CountPeriod(period).value, day)
    return ReferralCounts.from_json(data)


async def branch_referral_counts(
    info: Info, period: CountPeriod = CountPeriod.DAY, day: date | None = None
) -> list[ReferralCounts] | None:
    """The same for every branch with a form in the period."""
    ctx = info.context
    rows = await ctx.referral.client.counts_all_branches(ctx.staff.token, CountPeriod(period).value, day)
    return [ReferralCounts.from_json(r) for r in rows]


async def referral_monthly_summary(
    info: Info, month: str, branch_id: str | None = None
) -> MonthlySummary | None:
    """A month's counts per staff (``YYYY-MM``) as sent to the branch head for appraisal."""
    ctx = info.context
    data = await ctx.referral.client.monthly_summary(ctx.staff.token, branch_id or ctx.staff.branch_id, month)
    return MonthlySummary.from_json(data)


# --- the follow-up register ---------------------------------------------------------------------


async def follow_up_register(
    info: Info, wealth_manager_id: str | None = None, closed: bool = False
) -> list[FollowUpEntry] | None:
    """A wealth manager's follow-up register (yours by default): its open entries, or with
    ``closed`` the closed ones. Confidential: every entry read is recorded."""
    ctx = info.context
    owner = wealth_manager_id or ctx.staff.staff_id
    return [
        FollowUpEntry.from_json(r) for r in await ctx.referral.client.register(ctx.staff.token, owner, closed)
    ]


async def follow_up(info: Info, entry_id: strawberry.ID) -> FollowUpEntry | None:
    """One register entry with its attempts, planned contacts and appointments; the read is recorded."""
    return FollowUpEntry.from_json(
        await info.context.referral.loaders.follow_ups.load(_uuid("entryId", entry_id))
    )


async def work_diary(
    info: Info, day: date | None = None, wealth_manager_id: str | None = None
) -> WorkDiary | None:
    """A wealth manager's work diary (yours by default) for a day (today): contacts and appointments."""
    ctx = info.context
    owner = wealth_manager_id or ctx.staff.staff_id
    return WorkDiary.from_json(await ctx.referral.client.diary(ctx.staff.token, owner, day))


async def register_access_log(
    info: Info, day: date | None = None, branch_id: str | None = None, limit: int = 1000
) -> list[RegisterRead] | None:
    """Who read the branch's register entries on a day (today), and through what."""
    ctx = info.context
    rows = await ctx.referral.client.register_access_log(
        ctx.staff.token, branch_id or ctx.staff.branch_id, day, limit
    )
    return [RegisterRead.from_json(r) for r in rows]


def _entry_key(entry_id: strawberry.ID) -> str:
    return _uuid("entryId", entry_id)


async def update_follow_up_analysis(
    info: Info, entry_id: strawberry.ID, analysis: AnalysisInput
) -> FollowUpState:
    """Your analysis of the customer: means, character, likely needs."""
    ctx = info.context
    key = _entry_key(entry_id)
    data = await ctx.referral.client.update_analysis(ctx.staff.token, key, analysis.to_json())
    return FollowUpState.from_json(data)


async def plan_contact(info: Info, entry_id: strawberry.ID, contact: PlannedContactInput) -> PlannedContact:
    """Plan a contact: a line in your diary for that day."""
    ctx = info.context
    data = await ctx.referral.client.plan_contact(ctx.staff.token, _entry_key(entry_id), contact.to_json())
    return PlannedContact.from_json(data)


async def record_attempt(info: Info, entry_id: strawberry.ID, attempt: AttemptInput) -> AttemptRecorded:
    """Record a contact attempt, its result and the next step; a meeting agreed becomes an
    appointment. After the bank's number of failures in a row the register proposes to abandon."""
    ctx = info.context
    data = await ctx.referral.client.record_attempt(ctx.staff.token, _entry_key(entry_id), attempt.to_json())
    return AttemptRecorded.from_json(data)


async def make_appointment(info: Info, entry_id: strawberry.ID, meeting: MeetingInput) -> Appointment:
    """An agreed meeting: an appointment in your diary."""
    ctx = info.context
    data = await ctx.referral.client.make_appointment(
        ctx.staff.token, _entry_key(entry_id), meeting.to_json()
    )
    return Appointment.from_json(data)


async def decide_abandon(info: Info, entry_id: strawberry.ID, abandon: bool) -> FollowUpState:
    """Confirm the register's proposal to abandon (``abandon: true``), or keep following up."""
    ctx = info.context
    return FollowUpState.from_json(
        await ctx.referral.client.decide_abandon(ctx.staff.token, _entry_key(entry_id), abandon)
    )


async def record_verdict(info: Info, entry_id: strawberry.ID, verdict: VerdictType) -> FollowUpState:
    """PREMIUM: converted, on to relationship maintenance with you. NOT_PREMIUM: closed, and nobody
    refers the customer again for the bank's period (the lobby and the counter are told)."""
    ctx = info.context
    data = await ctx.referral.client.record_verdict(
        ctx.staff.token, _entry_key(entry_id), Verdict(verdict).value
    )
    return FollowUpState.from_json(data)


# --- targeted marketing ------------------------------------------------------------------------


async def marketing_activities(
    info: Info,
    period: CountPeriod = CountPeriod.MONTH,
    day: date | None = None,
    kind: ActivityKind | None = None,
    branch_id: str | None = None,
    limit: int = 200,
) -> list[MarketingActivity] | None:
    """The branch's introductions, field visits, seminars and salons of the period holding ``day``
    (this month by default), newest first, with their handovers."""
    ctx = info.context
    rows = await ctx.referral.client.activities(
        ctx.staff.token,
        branch_id or ctx.staff.branch_id,
        CountPeriod(period).value,
        day,
        None if kind is None else ActivityKind(kind).value,
        limit,
    )
    return [MarketingActivity.from_json(r) for r in rows]


async def marketing_activity(info: Info, activity_id: strawberry.ID) -> MarketingActivity | None:
    """One marketing activity with its people and handovers."""
    ctx = info.context
    data = await ctx.referral.client.activity(ctx.staff.token, _uuid("activityId", activity_id))
    return MarketingActivity.from_json(data)


async def _record_activity(info: Info, path: str, body: dict) -> MarketingActivity:
    ctx = info.context
    return MarketingActivity.from_json(await ctx.referral.client.record_activity(ctx.staff.token, path, body))


async def record_introduction(info: Info, introduction: IntroductionInput) -> MarketingActivity:
    """Friends or relatives an existing customer introduced (现有优质客户介绍)."""
    return await _record_activity(info, "/introductions", introduction.to_json())


async def record_field_visit(info: Info, visit: FieldVisitInput) -> MarketingActivity:
    """A field visit (外勤访问) and the people met."""
    return await _record_activity(info, "/field-visits", visit.to_json())


async def record_seminar(info: Info, seminar: SeminarInput) -> MarketingActivity:
    """A seminar or salon with its attendees and the friends they brought."""
    return await _record_activity(info, "/seminars", seminar.to_json())


async def hand_over(
    info: Info, activity_id: strawberry.ID, person_id: strawberry.ID, handover: HandoverInput
) -> Referral:
    """Hand a person met through marketing to a wealth manager with their data: a pending form,
    in that manager's register at once."""
    ctx = info.context
    activity, person = _uuid("activityId", activity_id), _uuid("personId", person_id)
    if handover.referral_id is not None:
        _uuid("referralId", handover.referral_id)
    return _form(
        info, await ctx.referral.client.hand_over(ctx.staff.token, activity, person, handover.to_json())
    )


async def thank_introducer(
    info: Info, activity_id: strawberry.ID, reward_due: bool = False
) -> MarketingActivity:
    """The introducer was thanked (引荐成功后表示感谢); ``rewardDue`` flags a reward."""
    ctx = info.context
    data = await ctx.referral.client.thank_introducer(
        ctx.staff.token, _uuid("activityId", activity_id), reward_due
    )
    return MarketingActivity.from_json(data)


# --- the live push ------------------------------------------------------------------------------


async def customer_waiting(info: Info) -> AsyncGenerator[WaitingCustomer, None]:
    """Each customer referred to you on the spot, as it happens: someone waits for you in the lobby."""
    ctx = info.context
    if ctx.referral.live is None:
        raise Forbidden(_("live updates are off on this gateway"))
    async for row in ctx.referral.live.follow(ctx.staff.branch_id, ctx.staff.staff_id):
        yield WaitingCustomer(
            referral_id=strawberry.ID(row["referral_id"]),
            customer_id=row["customer_id"],
            referred_by=row["referred_by"],
            referrer_role=row["referrer_role"],
            referred_at=row["referred_at"],
            referred_at_local=row["referred_at_local"],
        )
