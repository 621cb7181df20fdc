"""Forms filed together (group commit): one transaction, each form decided in order as if it
were alone — a refusal stops only its own form, a second form for the same person sees the first,
each event keeps its own request's trace — and what the database refuses in a batch fails only
the request it belongs to."""

import dataclasses

import pytest
import sqlalchemy as sa

from branchflow_contracts import CustomerReferred, ReferralSource, ReferralStatus
from referral import handlers
from referral.access import Forbidden
from referral.bootstrap import Container
from referral.config import ReferralSettings
from referral.domain.refusals import Invalid, Refusal, Refused

from .fakes import FakeUnitOfWork
from .test_handlers import LOBBY, TELLER, TELLER_2, filing


def traced(cmd: handlers.FileReferral, trace: str) -> handlers.FileReferral:
    return dataclasses.replace(cmd, trace_carrier={"traceparent": trace})


async def test_each_form_of_a_batch_is_decided_as_if_alone():
    uow = FakeUnitOfWork()
    first = await handlers.file_referral(filing("C0"), uow)  # filed before the batch
    cmds = [
        traced(filing("C1"), "t-c1"),
        traced(filing("C1", staff=TELLER_2), "t-c1-again"),  # the same person, right after
        filing("C2", source=ReferralSource.LOBBY),  # not a teller's source
        filing("C3", status=ReferralStatus.PENDING, contact=None),  # no agreed contact
        filing("C0", referral_id=first.referral_id),  # a retry of the earlier form
        traced(filing("C4", staff=LOBBY), "t-c4"),
    ]
    outcomes = await handlers.file_referrals(cmds, uow)

    assert [type(o).__name__ for o in outcomes] == [
        "Referral", "Refused", "Forbidden", "Invalid", "Referral", "Referral",
    ]  # fmt: skip
    assert outcomes[1].code is Refusal.ALREADY_REFERRED
    assert isinstance(outcomes[2], Forbidden) and isinstance(outcomes[3], Invalid)
    assert outcomes[4].referral_id == first.referral_id  # the stored form, not a second one
    assert uow.commits == 2  # the earlier form, then the whole batch at once
    assert {r.subject.key for r in uow.committed.referrals.values()} == {"C0", "C1", "C4"}
    events = [(e.customer_id, e.referred_by) for e in uow.events(CustomerReferred)]
    assert events == [("C0", "t-1"), ("C1", "t-1"), ("C4", "lm-1")]
    assert uow.trace_carriers[1:] == [{"traceparent": "t-c1"}, {"traceparent": "t-c4"}]


async def test_a_single_filing_raises_its_refusal():
    uow = FakeUnitOfWork()
    await handlers.file_referral(filing("C1"), uow)
    with pytest.raises(Refused) as refused:
        await handlers.file_referral(filing("C1", staff=TELLER_2), uow)
    assert refused.value.code is Refusal.ALREADY_REFERRED


class RefusingRepository:
    """The fake, except that the database refuses to store the form with ``poisoned`` as its id
    (a key another replica took between the batch's reads and its insert)."""

    def __init__(self, repo, poisoned: str) -> None:
        self._repo, self._poisoned = repo, poisoned

    def __getattr__(self, name):
        return getattr(self._repo, name)

    async def add_referrals(self, referrals):
        if any(r.referral_id == self._poisoned for r in referrals):
            raise sa.exc.IntegrityError("INSERT INTO referrals", {}, Exception("duplicate key"))
        await self._repo.add_referrals(referrals)


class RefusingUnitOfWork(FakeUnitOfWork):
    def __init__(self, poisoned: str) -> None:
        super().__init__()
        self.poisoned = poisoned

    async def __aenter__(self):
        await super().__aenter__()
        self.repo = RefusingRepository(self.repo, self.poisoned)
        return self

    async def commit(self):
        self.repo = self.repo._repo
        await super().commit()


async def test_what_the_database_refuses_in_a_batch_fails_only_its_own_request():
    poisoned = "00000000-0000-4000-8000-000000000001"
    uow = RefusingUnitOfWork(poisoned)
    container = Container(ReferralSettings())
    container.unit_of_work = lambda: uow
    cmds = [filing("C1"), filing("C2", referral_id=poisoned), filing("C3")]

    outcomes = await container._file_together(cmds)

    assert isinstance(outcomes[1], sa.exc.IntegrityError)
    assert [o.subject.key for o in (outcomes[0], outcomes[2])] == ["C1", "C3"]
    assert {r.subject.key for r in uow.committed.referrals.values()} == {"C1", "C3"}
    assert [e.customer_id for e in uow.events(CustomerReferred)] == ["C1", "C3"]


async def test_a_request_gets_its_own_outcome_through_the_group_commit():
    container = Container(ReferralSettings())
    uow = FakeUnitOfWork()
    container.unit_of_work = lambda: uow
    referral = await container.file_referral(filing("C1"))
    assert referral.subject.key == "C1"
    with pytest.raises(Refused):
        await container.file_referral(filing("C1", staff=TELLER_2))
    with pytest.raises(Forbidden):
        await container.file_referral(filing("C2", source=ReferralSource.LOBBY, staff=TELLER))
