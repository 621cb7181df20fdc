"""Referral's operations, and what each field of its types shows (``branchflow_gateway.access``):
each role's schema holds the operations whose data and actions the access policy grants that
role. A work list or push (forms to confirm, customers waiting, one's own forms) names the action
whose work it lists, so it goes only to those who do that work.

The referral service holds no tier, score or amount; what a form's result says of a verdict is
shown to lobby managers and tellers as CLOSED (``types.result_as_seen``), and their schemas' result
has no value for it (``NARROWED``). A code's label shows what its code shows
(``access.check_labels``)."""

from branchflow_gateway.access import Narrowed, Shows, mutation, query, subscription
from branchflow_gateway.referral import labels  # noqa: F401  (registers the labels of its codes)
from branchflow_gateway.referral.resolvers import (
    branch_referral_counts,
    close_referral_day,
    confirm_referral,
    copy_referral_to_register,
    customer_waiting,
    decide_abandon,
    dismiss_suggestion,
    file_referral,
    file_suggested_referral,
    follow_up,
    follow_up_register,
    hand_over,
    make_appointment,
    marketing_activities,
    marketing_activity,
    my_referrals,
    plan_contact,
    record_attempt,
    record_field_visit,
    record_introduction,
    record_seminar,
    record_verdict,
    referral,
    referral_counts,
    referral_day,
    referral_monthly_summary,
    referral_suggestions,
    referrals_to_confirm,
    register_access_log,
    reopen_referral_day,
    thank_introducer,
    update_follow_up_analysis,
    withdraw_referral,
    work_diary,
)
from branchflow_gateway.referral.types import ResultAsSeen
from branchflow_runtime.access import Action, Data

OPERATIONS = (
    # forms: the lobby, the counter, wealth and marketing managers file; the branch's managers read
    query(referral),
    query(my_referrals, action=Action.FILE_REFERRAL),  # the forms one filed
    query(referrals_to_confirm, action=Action.CONFIRM_REFERRAL),  # the wealth manager's close of business
    mutation(file_referral, Action.FILE_REFERRAL),
    mutation(withdraw_referral, Action.WITHDRAW_REFERRAL),
    mutation(confirm_referral, Action.CONFIRM_REFERRAL),
    mutation(copy_referral_to_register, Action.CONFIRM_REFERRAL),
    # the lobby's day: suggestions, the reconciliation, the close
    query(referral_suggestions),
    query(referral_day),
    mutation(file_suggested_referral, Action.HANDLE_SUGGESTIONS),
    mutation(dismiss_suggestion, Action.HANDLE_SUGGESTIONS),
    mutation(close_referral_day, Action.CLOSE_DAY),
    mutation(reopen_referral_day, Action.REOPEN_DAY),
    # the figures staff are appraised on
    query(referral_counts),
    query(branch_referral_counts, every_branch=True),
    query(referral_monthly_summary),
    # the follow-up register and the diary (严禁泄漏: every read recorded by the service)
    query(follow_up_register),
    query(follow_up),
    query(work_diary),
    query(register_access_log),
    mutation(update_follow_up_analysis, Action.WRITE_REGISTER),
    mutation(plan_contact, Action.WRITE_REGISTER),
    mutation(record_attempt, Action.WRITE_REGISTER),
    mutation(make_appointment, Action.WRITE_REGISTER),
    mutation(decide_abandon, Action.WRITE_REGISTER),
    mutation(record_verdict, Action.WRITE_REGISTER),
    # targeted marketing
    query(marketing_activities),
    query(marketing_activity),
    mutation(record_introduction, Action.RECORD_MARKETING),
    mutation(record_field_visit, Action.RECORD_MARKETING),
    mutation(record_seminar, Action.RECORD_MARKETING),
    mutation(hand_over, Action.RECORD_MARKETING),
    mutation(thank_introducer, Action.RECORD_MARKETING),
    # a customer referred on the spot reaches the wealth manager the form names (who confirms it)
    subscription(customer_waiting, action=Action.CONFIRM_REFERRAL),
)


# a role that may not read a tier reads a form's result without the verdict's value (NOT_PREMIUM
# names a tier): not a value it never gets, but no such value in its schema at all
NARROWED: Narrowed = {("Referral", "result"): (Data.TIER, ResultAsSeen | None)}


def _all(type_name: str, data: Data | None, *fields: str) -> dict:
    return {(type_name, field): data for field in fields}


_LOCAL = ("closedAt", "closedAtLocal", "closedBy")

SHOWS: Shows = {
    # whom a record is about: ids tell nothing; a walk-in's name and phone are personal data
    **_all("Person", None, "customerId", "prospectId"),
    **_all("Person", Data.PERSONAL_DATA, "name", "phone", "personalDataMasked"),
    **_all(
        "Referral",
        Data.REFERRALS,
        "referralId",
        "branchId",
        "businessDay",
        "referredBy",
        "referrerRole",
        "referrerRoleLabel",
        "source",
        "sourceLabel",
        "filedAs",
        "filedAsLabel",
        "status",
        "statusLabel",
        "wealthManagerId",
        "referredAt",
        "referredAtLocal",
        "identificationId",
        "suggestionId",
        "activityId",
        "contactAt",
        "contactAtLocal",
        "contactWay",
        "contactWayLabel",
        "note",
        "met",
        "result",
        "resultLabel",
        *_LOCAL,
        "entryId",
        "withdrawalReason",
    ),
    ("Referral", "person"): None,  # its fields say what it shows
    # the lobby's list of the day
    **_all(
        "Suggestion",
        Data.REFERRAL_DAY,
        "suggestionId",
        "branchId",
        "businessDay",
        "customerId",
        "identificationId",
        "identifiedAt",
        "identifiedAtLocal",
        "status",
        "statusLabel",
        "referralId",
        "actedBy",
        "actedAt",
        "actedAtLocal",
        "dismissalReason",
    ),
    ("Suggestion", "referral"): None,
    **_all(
        "ReferralDay",
        Data.REFERRAL_DAY,
        "branchId",
        "day",
        "status",
        "statusLabel",
        *_LOCAL,
        "forms",
        "awaitingConfirmation",
        "awaitingCopy",
        "done",
        "withdrawn",
        "suggestionsNotActedOn",
        "earlierDaysLeftOpen",
    ),
    ("ReferralDay", "counts"): None,
    **_all("DayLeftOpen", Data.REFERRAL_DAY, "day", "closed", "awaitingConfirmation", "awaitingCopy"),
    # the figures
    **_all(
        "StaffReferralCount",
        Data.REFERRAL_COUNTS,
        "staffId",
        "role",
        "roleLabel",
        "filed",
        "referred",
        "pending",
        "met",
        "sold",
    ),
    **_all("ReferralCounts", None, "branchId", "period", "periodLabel", "firstDay", "lastDay", "counts"),
    **_all("MonthlySummary", Data.APPRAISAL, "branchId", "month", "counts", "issuedAt", "issuedAtLocal"),
    # the register
    **_all(
        "FollowUpEntry",
        Data.REGISTER,
        "entryId",
        "referralId",
        "branchId",
        "wealthManagerId",
        "source",
        "sourceLabel",
        "openedAt",
        "openedAtLocal",
        "status",
        "statusLabel",
        "abandonProposed",
        "failuresInARow",
        "analysis",
        *_LOCAL,
        "attempts",
        "plannedContacts",
        "appointments",
    ),
    **_all("FollowUpEntry", None, "person", "referral"),
    **_all("FollowUpAnalysis", Data.REGISTER, "means", "character", "likelyNeeds"),
    **_all(
        "Attempt",
        Data.REGISTER,
        "attemptId",
        "way",
        "wayLabel",
        "result",
        "resultLabel",
        "attemptedAt",
        "attemptedAtLocal",
        "recordedBy",
        "note",
        "nextStep",
        "plannedContactId",
    ),
    **_all(
        "PlannedContact",
        Data.REGISTER,
        "contactId",
        "entryId",
        "day",
        "atTime",
        "way",
        "wayLabel",
        "purpose",
        "doneByAttemptId",
    ),
    ("PlannedContact", "person"): None,
    **_all(
        "Appointment", Data.REGISTER, "appointmentId", "entryId", "meetsAt", "meetsAtLocal", "place", "note"
    ),
    ("Appointment", "person"): None,
    **_all(
        "FollowUpState",
        Data.REGISTER,
        "entryId",
        "status",
        "statusLabel",
        "failuresInARow",
        "abandonProposed",
    ),
    **_all(
        "AttemptRecorded",
        Data.REGISTER,
        "entryId",
        "status",
        "statusLabel",
        "failuresInARow",
        "abandonProposed",
        "attempt",
        "nextContact",
        "appointment",
    ),
    **_all("WorkDiary", Data.REGISTER, "wealthManagerId", "day", "plannedContacts", "appointments"),
    **_all(
        "RegisterRead",
        Data.REGISTER_ACCESS_LOG,
        "entryId",
        "readBy",
        "readerRole",
        "readerRoleLabel",
        "readerBranch",
        "readAt",
        "readAtLocal",
        "via",
    ),
    # targeted marketing
    **_all(
        "MarketingActivity",
        Data.MARKETING,
        "activityId",
        "kind",
        "kindLabel",
        "branchId",
        "organisedBy",
        "organiserRole",
        "organiserRoleLabel",
        "day",
        "createdAt",
        "createdAtLocal",
        "topic",
        "place",
        "introducerCustomerId",
        "thankedBy",
        "thankedAt",
        "rewardDue",
        "participants",
    ),
    **_all(
        "Participant", Data.MARKETING, "personId", "role", "roleLabel", "broughtBy", "referralId", "handedTo"
    ),
    **_all("Participant", None, "person", "referral"),
    # the push: who referred whom, when; the form as the service shows it to the subscriber
    **_all(
        "WaitingCustomer",
        Data.REFERRALS,
        "referralId",
        "customerId",
        "referredBy",
        "referrerRole",
        "referrerRoleLabel",
        "referredAt",
        "referredAtLocal",
    ),
    ("WaitingCustomer", "referral"): None,
}
