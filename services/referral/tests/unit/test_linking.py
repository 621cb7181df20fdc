"""A walk-in linked to a customer id (customer.prospect-linked), with a fake unit of work: what
was filed under the prospect id is the customer's, the not-premium period judged while they were
a prospect holds for the customer id, a person keeps one open form and one active entry, and a
redelivered or second link changes nothing."""

from datetime import timedelta

import pytest

from branchflow_contracts import (
    CustomerJudgedNotPremium,
    FollowUpAbandoned,
    FollowUpStatus,
    MarketingResult,
    ReferralStatus,
)
from branchflow_runtime.settings import DEV_PROSPECT_ID_KEY
from referral import handlers
from referral.domain import linking
from referral.domain.people import Prospect
from referral.domain.refusals import Refusal, Refused

from .fakes import FakeUnitOfWork
from .test_handlers import AT, CLOSE, LOBBY, TELLER_2, WM, confirm, file

WALK_IN = Prospect.of("周先生", "139 1111 2222", key=DEV_PROSPECT_ID_KEY)
P = WALK_IN.prospect_id
LINKED_AT = CLOSE + timedelta(days=1)


def linked(customer_id="C000301", event_id="evt-1", prospect_id=P) -> handlers.Linked:
    return handlers.Linked(
        event_id=event_id,
        topic="customer.prospect-linked",
        prospect_id=prospect_id,
        customer_id=customer_id,
        branch_id="BR001",
        linked_by="lm-1",
        linked_at=LINKED_AT,
    )


async def link(uow, **kw):
    return await handlers.link_prospect(linked(**kw), uow, LINKED_AT)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


async def test_the_walk_ins_forms_and_verdict_become_the_customers(uow):
    form = await file(uow, person=WALK_IN, staff=LOBBY)
    await confirm(uow, form, result=MarketingResult.NOT_PREMIUM)
    published = len(uow.published)

    merged = await link(uow)

    [moved] = uow.committed.referrals.values()
    assert (moved.subject.key, moved.subject.customer_id, moved.subject.prospect_id) == (
        "C000301",
        "C000301",
        P,
    )
    assert (moved.referred_by, moved.status) == ("lm-1", ReferralStatus.CONFIRMED)  # counted as before
    assert set(uow.committed.blocks) == {"C000301"} and merged.block_moved
    # identify follows the verdict under the customer id: its guidance calls no wealth manager
    [(judged, key)] = uow.published[published:]
    assert isinstance(judged, CustomerJudgedNotPremium) and key == "C000301"
    assert judged.no_referral_until == uow.committed.blocks["C000301"].until
    # the period judged while they were a prospect holds for the customer id, and by their phone
    for person in ("C000301", WALK_IN):
        with pytest.raises(Refused) as refused:
            await file(uow, person=person, staff=TELLER_2, at=LINKED_AT)
        assert refused.value.code is Refusal.FOLLOWED_UP_RECENTLY


async def test_the_walk_ins_register_entry_is_the_customers(uow):
    form = await file(uow, person=WALK_IN, staff=LOBBY, status=ReferralStatus.PENDING)
    await handlers.copy_to_register(handlers.CopyToRegister(WM, CLOSE, form.referral_id), uow)
    await link(uow)
    [entry] = uow.committed.entries.values()
    assert (entry.subject.key, entry.subject.prospect_id, entry.status) == ("C000301", P, FollowUpStatus.OPEN)
    with pytest.raises(Refused) as refused:
        await file(uow, person="C000301", staff=TELLER_2, at=LINKED_AT)
    assert refused.value.code is Refusal.ALREADY_FOLLOWED_UP
    assert not uow.events(CustomerJudgedNotPremium)


async def test_a_later_form_filed_by_the_walk_ins_phone_is_the_customers(uow):
    await link(uow)  # nothing was filed for them yet: the link is kept
    form = await file(uow, person=WALK_IN, staff=LOBBY, at=LINKED_AT)
    assert (form.subject.key, form.subject.prospect_id) == ("C000301", P)
    assert uow.published[-1][1] == "C000301"


async def test_one_open_form_per_person_the_first_filed_stands(uow):
    walk_in = await file(uow, person=WALK_IN, staff=LOBBY, at=AT)
    customer = await file(uow, person="C000301", staff=TELLER_2, at=AT + timedelta(minutes=5))
    merged = await link(uow)
    forms = uow.committed.referrals
    assert forms[walk_in.referral_id].status is ReferralStatus.REFERRED
    withdrawn = forms[customer.referral_id]
    assert (
        withdrawn.status is ReferralStatus.WITHDRAWN and merged.withdrawn.referral_id == customer.referral_id
    )
    assert linking.duplicate_of(withdrawn.withdrawal_reason) == {
        "prospect_id": P,
        "customer_id": "C000301",
        "kept": walk_in.referral_id,
    }
    assert {f.subject.key for f in forms.values()} == {"C000301"}


async def test_one_active_entry_per_person_the_first_opened_stays_open(uow):
    wm = WM
    customer = await file(uow, person="C000301", staff=TELLER_2, status=ReferralStatus.PENDING, at=AT)
    await handlers.copy_to_register(handlers.CopyToRegister(wm, CLOSE, customer.referral_id), uow)
    walk_in = await file(uow, person=WALK_IN, staff=LOBBY, status=ReferralStatus.PENDING, at=AT)
    await handlers.copy_to_register(
        handlers.CopyToRegister(wm, CLOSE + timedelta(minutes=1), walk_in.referral_id), uow
    )
    await link(uow)
    by_form = {e.referral_id: e for e in uow.committed.entries.values()}
    assert by_form[customer.referral_id].status is FollowUpStatus.OPEN
    assert by_form[walk_in.referral_id].status is FollowUpStatus.ABANDONED
    [abandoned] = uow.events(FollowUpAbandoned)
    assert (abandoned.entry_id, abandoned.customer_id) == (by_form[walk_in.referral_id].entry_id, "C000301")


async def test_the_latest_verdict_counts(uow):
    walk_in = await file(uow, person=WALK_IN, staff=LOBBY, at=AT)
    await confirm(uow, walk_in, result=MarketingResult.NOT_PREMIUM, at=CLOSE)
    customer = await file(uow, person="C000301", staff=TELLER_2, at=AT)
    await confirm(uow, customer, result=MarketingResult.NOT_PREMIUM, at=CLOSE + timedelta(hours=1))
    published = len(uow.published)
    merged = await link(uow)
    assert uow.committed.blocks["C000301"].referral_id == customer.referral_id
    assert not merged.block_moved and uow.published[published:] == []  # identify knows it already


async def test_a_redelivered_or_second_link_changes_nothing(uow):
    form = await file(uow, person=WALK_IN, staff=LOBBY)
    assert await link(uow) is not None
    assert await link(uow) is None  # the same event again
    assert await link(uow, customer_id="C999", event_id="evt-2") is None  # the first link stands
    assert uow.committed.referrals[form.referral_id].subject.key == "C000301"
    assert uow.committed.links == {P: "C000301"}


def test_a_withdrawal_reason_staff_wrote_is_not_read_as_a_link():
    assert linking.duplicate_of("filed by mistake") is None
    assert linking.duplicate_of(None) is None
