"""Use cases with a fake unit of work: filing and its rules, the form's status machine through the
handlers, the close of business, suggestions from identify, the not-premium period, retries."""

from datetime import UTC, date, datetime, timedelta

import pytest

from branchflow_contracts import (
    ContactWay,
    CustomerJudgedNotPremium,
    CustomerReferred,
    CustomerTier,
    FollowUpOpened,
    MarketingResult,
    ReferralConfirmed,
    ReferralDayClosed,
    ReferralSource,
    ReferralStatus,
)
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.settings import DEV_PROSPECT_ID_KEY
from referral import handlers
from referral.access import Forbidden
from referral.domain.business_day import DayStatus
from referral.domain.people import Prospect
from referral.domain.referral import AgreedContact
from referral.domain.refusals import NotFound, Refusal, Refused
from referral.domain.rules import ReferralRules
from referral.domain.suggestion import SuggestionStatus

from .fakes import FakeUnitOfWork

KEY = DEV_PROSPECT_ID_KEY

RULES = ReferralRules()
DAY = date(2026, 11, 23)
AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in the branch
CLOSE = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
TELLER = Staff("t-1", Role.TELLER, "BR001")
TELLER_2 = Staff("t-2", Role.TELLER, "BR001")
LOBBY = Staff("lm-1", Role.LOBBY_MANAGER, "BR001")
WM = Staff("wm-1", Role.WEALTH_MANAGER, "BR001")
OTHER_WM = Staff("wm-2", Role.WEALTH_MANAGER, "BR001")


def filing(person="C1", staff=TELLER, status=ReferralStatus.REFERRED, at=AT, **kw) -> handlers.FileReferral:
    source = {Role.TELLER: ReferralSource.COUNTER, Role.LOBBY_MANAGER: ReferralSource.LOBBY}.get(staff.role)
    contact = (
        AgreedContact(at + timedelta(days=1), ContactWay.PHONE) if status is ReferralStatus.PENDING else None
    )
    fields = {"source": source, "status": status, "wealth_manager_id": "wm-1", "contact": contact}
    return handlers.FileReferral(staff=staff, at=at, person=person, **(fields | kw))


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


async def file(uow, *args, **kw):
    return await handlers.file_referral(filing(*args, **kw), uow)


async def confirm(uow, referral, result=MarketingResult.SOLD, met=True, staff=WM, at=CLOSE):
    return await handlers.confirm_referral(
        handlers.ConfirmReferral(staff, at, referral.referral_id, met, result), uow, RULES
    )


async def test_a_teller_files_a_referral_and_the_event_goes_out(uow):
    referral = await file(uow)
    assert (referral.status, referral.source, referral.referred_by) == (
        ReferralStatus.REFERRED,
        ReferralSource.COUNTER,
        "t-1",
    )
    [(event, key)] = uow.published
    assert isinstance(event, CustomerReferred) and key == "C1"
    assert (event.status, event.wealth_manager_id, event.referrer_role) == ("referred", "wm-1", "teller")


async def test_a_role_files_only_from_its_own_source(uow):
    with pytest.raises(Forbidden, match="does not file lobby referrals"):
        await handlers.file_referral(filing(source=ReferralSource.LOBBY), uow)
    with pytest.raises(Forbidden):
        await handlers.file_referral(
            filing(staff=Staff("x", Role.BRANCH_HEAD, "BR001"), source=ReferralSource.COUNTER), uow
        )
    assert uow.published == []


async def test_one_open_form_per_customer(uow):
    first = await file(uow)
    with pytest.raises(Refused) as refused:
        await file(uow, staff=TELLER_2)
    assert refused.value.code is Refusal.ALREADY_REFERRED
    assert first.referral_id in refused.value.message
    assert len(uow.published) == 1


async def test_a_retried_filing_files_nothing_twice(uow):
    first = await file(uow, referral_id="7d0c0f3c-6f0e-4c4f-9d4c-0f2d6c3c1a11")
    again = await file(uow, referral_id=first.referral_id, at=AT + timedelta(seconds=5))
    assert again == first
    assert len(uow.published) == 1 and len(uow.committed.referrals) == 1
    with pytest.raises(Refused) as refused:
        await file(uow, person="C2", referral_id=first.referral_id)
    assert refused.value.code is Refusal.REFERRAL_ID_TAKEN


async def test_a_walk_in_prospect_keeps_one_id_per_phone(uow):
    first = await file(uow, person=Prospect.of("王先生", "138-0000-1234", key=KEY))
    assert first.subject.prospect_id.startswith("P") and first.subject.customer_id is None
    with pytest.raises(Refused) as refused:
        await file(uow, person=Prospect.of("王先生", "13800001234", key=KEY), staff=TELLER_2)
    assert refused.value.code is Refusal.ALREADY_REFERRED
    assert uow.published[0][1] == first.subject.prospect_id


async def test_only_the_named_wealth_manager_confirms(uow):
    referral = await file(uow)
    for staff in (OTHER_WM, LOBBY, Staff("wm-1", Role.WEALTH_MANAGER, "BR002")):
        with pytest.raises(Forbidden):
            await confirm(uow, referral, staff=staff)
    # a form that is not there is refused like another branch's: a refusal never tells which
    with pytest.raises(Forbidden, match="no referral nope that you may see"):
        await handlers.confirm_referral(
            handlers.ConfirmReferral(WM, CLOSE, "nope", True, MarketingResult.SOLD), uow, RULES
        )
    with pytest.raises(NotFound):
        await handlers.withdraw_referral(
            handlers.WithdrawReferral(Staff("ho", Role.HEAD_OFFICE, "HO"), CLOSE, "nope", "x"), uow
        )


async def test_confirming_sold_closes_the_form_once(uow):
    referral = await file(uow)
    confirmed = await confirm(uow, referral)
    assert (confirmed.status, confirmed.met, confirmed.result) == (
        ReferralStatus.CONFIRMED,
        True,
        MarketingResult.SOLD,
    )
    [event] = uow.events(ReferralConfirmed)
    assert (event.met, event.result, event.entry_id) == (True, "sold", None)
    await confirm(uow, referral)  # repeated: nothing new
    assert len(uow.events(ReferralConfirmed)) == 1
    with pytest.raises(Refused) as refused:
        await confirm(uow, referral, result=MarketingResult.FOLLOW_UP)
    assert refused.value.code is Refusal.ALREADY_CONFIRMED


@pytest.mark.parametrize("met", [True, False])
async def test_confirming_follow_up_copies_the_customer_into_the_register(uow, met):
    referral = await file(uow)
    confirmed = await confirm(uow, referral, MarketingResult.FOLLOW_UP, met=met)
    [entry] = uow.committed.entries.values()
    assert (entry.referral_id, entry.wealth_manager_id, entry.subject.key) == (
        referral.referral_id,
        "wm-1",
        "C1",
    )
    assert confirmed.entry_id == entry.entry_id
    [opened] = uow.events(FollowUpOpened)
    [event] = uow.events(ReferralConfirmed)
    assert opened.entry_id == event.entry_id == entry.entry_id
    with pytest.raises(Refused) as refused:  # being followed up: no new form
        await file(uow, staff=TELLER_2, at=CLOSE + timedelta(days=1))
    assert refused.value.code is Refusal.ALREADY_FOLLOWED_UP


async def test_a_pending_form_is_copied_not_confirmed(uow):
    referral = await file(uow, status=ReferralStatus.PENDING)
    with pytest.raises(Refused) as refused:
        await confirm(uow, referral)
    assert refused.value.code is Refusal.PENDING_IS_COPIED
    copy = handlers.CopyToRegister(WM, CLOSE, referral.referral_id)
    copied = await handlers.copy_to_register(copy, uow)
    assert copied.status is ReferralStatus.COPIED and copied.entry_id
    await handlers.copy_to_register(copy, uow)
    assert len(uow.events(FollowUpOpened)) == 1 and len(uow.committed.entries) == 1
    with pytest.raises(Forbidden):
        await handlers.copy_to_register(handlers.CopyToRegister(OTHER_WM, CLOSE, referral.referral_id), uow)


async def test_not_premium_blocks_new_referrals_for_the_banks_period(uow):
    referral = await file(uow)
    await confirm(uow, referral, MarketingResult.NOT_PREMIUM)
    [judged] = uow.events(CustomerJudgedNotPremium)
    assert (judged.customer_id, judged.judged_by, judged.entry_id) == ("C1", "wm-1", None)
    assert judged.no_referral_until == CLOSE + timedelta(days=180)
    with pytest.raises(Refused) as refused:
        await file(uow, staff=LOBBY, at=CLOSE + timedelta(days=90))
    assert refused.value.code is Refusal.FOLLOWED_UP_RECENTLY
    assert "already followed this customer up" in refused.value.message
    assert "tier" not in refused.value.message and "premium" not in refused.value.message
    accepted = await file(uow, staff=LOBBY, at=CLOSE + timedelta(days=180))
    assert accepted.status is ReferralStatus.REFERRED


async def test_a_form_is_withdrawn_by_its_filer_or_the_lobby_manager(uow):
    referral = await file(uow)
    with pytest.raises(Forbidden):
        await handlers.withdraw_referral(
            handlers.WithdrawReferral(TELLER_2, AT, referral.referral_id, "x"), uow
        )
    withdrawn = await handlers.withdraw_referral(
        handlers.WithdrawReferral(LOBBY, AT, referral.referral_id, "wrong customer id"), uow
    )
    assert withdrawn.status is ReferralStatus.WITHDRAWN
    again = await file(uow, staff=TELLER_2)  # the customer may be referred again
    assert again.referral_id != referral.referral_id


async def test_the_close_of_business(uow):
    referred = await file(uow, "C1")
    pending = await file(uow, "C2", staff=TELLER_2, status=ReferralStatus.PENDING)
    await file(uow, "C3", staff=LOBBY)
    close = handlers.CloseDay(LOBBY, CLOSE, "BR001", DAY)
    with pytest.raises(Forbidden):
        await handlers.close_day(handlers.CloseDay(TELLER, CLOSE, "BR001", DAY), uow)
    with pytest.raises(Refused) as refused:
        await handlers.close_day(close, uow)
    assert refused.value.code is Refusal.DAY_HAS_OPEN_FORMS and refused.value.params["count"] == 3

    await confirm(uow, referred)
    await handlers.copy_to_register(handlers.CopyToRegister(WM, CLOSE, pending.referral_id), uow)
    third = next(r for r in uow.committed.referrals.values() if r.subject.key == "C3")
    await confirm(uow, third, MarketingResult.FOLLOW_UP)
    day = await handlers.close_day(close, uow)
    assert (day.status, day.closed_by) == (DayStatus.CLOSED, "lm-1")
    [closed] = uow.events(ReferralDayClosed)
    assert [(c.staff_id, c.filed, c.met, c.sold) for c in closed.counts] == [
        ("lm-1", 1, 1, 0),
        ("t-1", 1, 1, 1),
        ("t-2", 1, 0, 0),
    ]
    await handlers.close_day(close, uow)  # closing again changes nothing
    assert len(uow.events(ReferralDayClosed)) == 1

    with pytest.raises(Refused) as refused:
        await file(uow, "C4", at=CLOSE + timedelta(minutes=10))
    assert refused.value.code is Refusal.DAY_CLOSED
    await handlers.reopen_day(close, uow)
    assert (await file(uow, "C4", at=CLOSE + timedelta(minutes=10))).status is ReferralStatus.REFERRED


def identified(
    customer="C7", event_id="e1", calls=True, reason="observation", at=AT, tier="premium", previous=None
):
    return handlers.Identified(
        event_id=event_id,
        topic="customer.identified",
        identification_id=f"ident-{event_id}",
        customer_id=customer,
        branch_id="BR001",
        tier=CustomerTier(tier),
        previous_tier=None if previous is None else CustomerTier(previous),
        calls_wealth_manager=calls,
        reason=reason,
        identified_at=at,
    )


async def test_an_identification_that_calls_a_wealth_manager_becomes_a_suggestion(uow):
    suggestion = await handlers.record_identification(identified(), uow, RULES)
    assert (suggestion.customer_id, suggestion.business_day, suggestion.status) == (
        "C7",
        DAY,
        SuggestionStatus.OPEN,
    )
    assert await handlers.record_identification(identified(), uow, RULES) is None  # redelivered
    later = await handlers.record_identification(
        identified(event_id="e2", at=AT + timedelta(hours=1)), uow, RULES
    )
    assert later.suggestion_id == suggestion.suggestion_id and later.identification_id == "ident-e2"
    assert len(uow.committed.suggestions) == 1
    for event in (
        identified("C8", "e3", calls=False),
        identified("C9", "e4", reason="periodic_sweep"),
    ):
        assert await handlers.record_identification(event, uow, RULES) is None
    assert len(uow.committed.suggestions) == 1
    assert uow.seen >= {"e1", "e2", "e3", "e4"}


async def test_a_suggestion_is_filed_with_one_action_once(uow):
    suggestion = await handlers.record_identification(identified(), uow, RULES)
    command = handlers.FileFromSuggestion(
        LOBBY,
        AT,
        suggestion.suggestion_id,
        ReferralStatus.REFERRED,
        "wm-1",
        referral_id="0b8e0a52-0000-4000-8000-000000000001",
    )
    referral = await handlers.file_from_suggestion(command, uow)
    assert (referral.source, referral.identification_id, referral.suggestion_id, referral.subject.key) == (
        ReferralSource.LOBBY,
        "ident-e1",
        suggestion.suggestion_id,
        "C7",
    )
    assert (await handlers.file_from_suggestion(command, uow)) == referral  # a retry
    assert len(uow.events(CustomerReferred)) == 1
    stored = uow.committed.suggestions[suggestion.suggestion_id]
    assert (stored.status, stored.referral_id) == (SuggestionStatus.FILED, referral.referral_id)
    with pytest.raises(Refused) as refused:
        await handlers.file_from_suggestion(
            handlers.FileFromSuggestion(LOBBY, AT, suggestion.suggestion_id, ReferralStatus.REFERRED, "wm-1"),
            uow,
        )
    assert refused.value.code is Refusal.SUGGESTION_ACTED_ON
    with pytest.raises(Forbidden):
        await handlers.dismiss_suggestion(
            handlers.DismissSuggestion(TELLER, AT, suggestion.suggestion_id, "x"), uow
        )


async def test_a_judged_customer_is_not_suggested_until_a_higher_tier(uow):
    referral = await file(uow, "C7")
    await confirm(uow, referral, MarketingResult.NOT_PREMIUM)
    next_day = AT + timedelta(days=1)
    assert await handlers.record_identification(identified(at=next_day), uow, RULES) is None
    raised = identified(event_id="e2", at=next_day, tier="premium", previous="potential")
    suggestion = await handlers.record_identification(raised, uow, RULES)
    assert suggestion is not None and suggestion.business_day == DAY + timedelta(days=1)
    assert uow.committed.blocks["C7"].lifted_at == next_day


async def test_a_rerating_to_a_higher_tier_lifts_the_block(uow):
    referral = await file(uow, "C5")
    await confirm(uow, referral, MarketingResult.NOT_PREMIUM)

    def rerated(event_id, tier, previous):
        return handlers.Rerated(
            event_id, "customer.rerated", "C5", CustomerTier(tier), CustomerTier(previous), CLOSE
        )

    assert await handlers.record_rerating(rerated("r1", "potential", "premium"), uow) is False  # a fall
    assert await handlers.record_rerating(rerated("r2", "premium", "potential"), uow) is True
    assert await handlers.record_rerating(rerated("r2", "premium", "potential"), uow) is False  # redelivered
    assert (await file(uow, "C5", at=CLOSE + timedelta(days=1))).status is ReferralStatus.REFERRED
