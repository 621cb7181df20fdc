"""Targeted marketing: introductions, field visits, seminars and salons, each ending with a
handover that files a pending referral for the named wealth manager."""

from datetime import UTC, date, datetime, timedelta

import pytest

from branchflow_contracts import ContactWay, ReferralSource, ReferralStatus, derive_prospect_id
from branchflow_runtime.settings import DEV_PROSPECT_ID_KEY
from referral.domain.marketing import ActivityKind, MarketingActivity, ParticipantRole
from referral.domain.people import Prospect, Subject
from referral.domain.referral import AgreedContact
from referral.domain.refusals import Invalid, NotFound, Refusal, Refused

KEY = DEV_PROSPECT_ID_KEY

AT = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
COMMON = {
    "branch_id": "BR001",
    "organised_by": "mm-1",
    "organiser_role": "marketing_manager",
    "day": date(2026, 11, 21),
    "created_at": AT,
}
CONTACT = AgreedContact(AT + timedelta(days=2), ContactWay.PHONE)


def seminar() -> MarketingActivity:
    return MarketingActivity.seminar(
        kind=ActivityKind.SALON,
        topic="Retirement planning",
        place="Wealth centre, 2nd floor",
        attendees=[
            (Subject(customer_id="C1"), [Subject(prospect_id="P1"), Subject(prospect_id="P2")]),
            (Subject(customer_id="C2"), []),
        ],
        **COMMON,
    )


def test_a_seminar_records_attendees_and_the_friends_they_brought():
    activity = seminar()
    roles = [(p.subject.key, p.role, p.brought_by) for p in activity.participants]
    host = activity.participants[0].person_id
    assert roles == [
        ("C1", ParticipantRole.ATTENDEE, None),
        ("P1", ParticipantRole.GUEST, host),
        ("P2", ParticipantRole.GUEST, host),
        ("C2", ParticipantRole.ATTENDEE, None),
    ]


def test_a_handover_files_a_pending_referral_for_the_named_wealth_manager():
    activity = seminar()
    guest = activity.participants[1]
    referral = activity.hand_over(
        guest.person_id,
        wealth_manager_id="wm-2",
        contact=CONTACT,
        by="mm-1",
        by_role="marketing_manager",
        at=AT,
    )
    assert (referral.status, referral.source, referral.wealth_manager_id) == (
        ReferralStatus.PENDING,
        ReferralSource.SEMINAR,
        "wm-2",
    )
    assert (referral.subject.key, referral.activity_id, referral.referred_by) == (
        "P1",
        activity.activity_id,
        "mm-1",
    )
    assert (guest.referral_id, guest.handed_to) == (referral.referral_id, "wm-2")
    # again to the same manager: nothing new; to another: refused
    assert (
        activity.hand_over(
            guest.person_id,
            wealth_manager_id="wm-2",
            contact=CONTACT,
            by="mm-1",
            by_role="marketing_manager",
            at=AT,
        )
        is None
    )
    with pytest.raises(Refused) as refused:
        activity.hand_over(
            guest.person_id,
            wealth_manager_id="wm-3",
            contact=CONTACT,
            by="mm-1",
            by_role="marketing_manager",
            at=AT,
        )
    assert refused.value.code is Refusal.ALREADY_HANDED_OVER
    with pytest.raises(NotFound):
        activity.hand_over(
            "nobody", wealth_manager_id="wm-2", contact=CONTACT, by="mm-1", by_role="mm", at=AT
        )


def test_an_introduction_is_thanked_once_with_its_reward_flag():
    intro = MarketingActivity.introduction(
        introducer_customer_id="C1", introduced=[Subject(prospect_id="P7")], **COMMON
    )
    handed = intro.hand_over(
        intro.participants[0].person_id,
        wealth_manager_id="wm-1",
        contact=CONTACT,
        by="mm-1",
        by_role="marketing_manager",
        at=AT,
    )
    assert handed.source is ReferralSource.INTRODUCTION
    assert intro.thank_introducer(by="wm-1", at=AT, reward_due=True) is True
    assert intro.thank_introducer(by="wm-1", at=AT, reward_due=True) is False
    with pytest.raises(Refused) as refused:
        intro.thank_introducer(by="wm-1", at=AT, reward_due=False)
    assert refused.value.code is Refusal.ALREADY_THANKED


def test_activities_refuse_what_cannot_be_right():
    with pytest.raises(Invalid) as wrong:
        MarketingActivity.introduction(introducer_customer_id="C1", introduced=[], **COMMON)
    assert wrong.value.field == "introduced"
    with pytest.raises(Invalid):
        MarketingActivity.introduction(
            introducer_customer_id="C1", introduced=[Subject(customer_id="C1")], **COMMON
        )
    with pytest.raises(Invalid) as wrong:
        MarketingActivity.field_visit(place="Garden estate", met=[], **COMMON)
    assert wrong.value.field == "met"
    visit = MarketingActivity.field_visit(place="Garden estate", met=[Subject(customer_id="C5")], **COMMON)
    with pytest.raises(Invalid):
        visit.thank_introducer(by="mm-1", at=AT, reward_due=False)
    with pytest.raises(Invalid):
        MarketingActivity.seminar(kind=ActivityKind.FIELD_VISIT, topic="t", place="p", attendees=[], **COMMON)


def test_a_prospect_phone_is_normalized_and_checked():
    assert Prospect.of(" 李明 ", "138 1234-5678", key=KEY) == Prospect(
        "李明", "13812345678", derive_prospect_id("13812345678", KEY)
    )
    with pytest.raises(Invalid) as wrong:
        Prospect.of("李明", "call me", key=KEY)
    assert wrong.value.field == "phone"
