"""A walk-in is one prospect: known by the id derived from the phone (the referral service's id
of them), the same on a second visit, and told to the other services when linked to a customer."""

from datetime import UTC, datetime

import pytest

from branchflow_contracts import ProspectLinked, VisitPurpose, derive_prospect_id, is_prospect_id
from identify import handlers
from identify.domain.prospect import prospect_id_for
from identify.domain.signals import CATEGORY_OF_KIND, ObservedSignal

from .fakes import FakeRepository, FakeUnitOfWork
from .ruleset import RULES

KEY = "test-prospect-key"
PHONE = "139 0000 1111"


def walk_in(*kinds: str, phone: str | None = PHONE, branch: str = "BR001", by: str = "lm-1"):
    return handlers.RecordProspect(
        branch_id=branch,
        name="李四",
        phone=phone,
        signals=tuple(ObservedSignal(CATEGORY_OF_KIND[k], k, observed_at=datetime.now(UTC)) for k in kinds),
        observed_by=by,
        observer_role="lobby_manager",
        purpose=VisitPurpose.LARGE_CASH,
        prospect_id=prospect_id_for(phone, KEY),
    )


def test_a_walk_in_with_a_phone_has_the_id_the_referral_service_derives():
    assert prospect_id_for(PHONE, KEY) == derive_prospect_id("13900001111", KEY)
    assert is_prospect_id(prospect_id_for(PHONE, KEY))
    assert not is_prospect_id(prospect_id_for(None, KEY))  # nobody else can know a walk-in without one


async def test_a_second_visit_is_the_same_prospect_with_what_was_seen_before():
    repo = FakeRepository()
    uow = FakeUnitOfWork(repo)
    first = await handlers.record_prospect(walk_in("luxury_car"), uow, RULES)
    second = await handlers.record_prospect(
        walk_in("luxury_watch", phone="13900001111", branch="BR002", by="lm-2"), uow, RULES
    )
    assert first.prospect_id == second.prospect_id
    [(prospect, _)] = repo.prospects.values()
    assert {s.kind for s in prospect.signals} == {"luxury_car", "luxury_watch"}
    assert (prospect.branch_id, prospect.recorded_by) == ("BR002", "lm-2")  # follows the latest visit
    assert [i.prospect_id for i in repo.identifications] == [first.prospect_id] * 2


async def test_linking_tells_the_other_services_without_name_or_phone():
    repo = FakeRepository()
    uow = FakeUnitOfWork(repo)
    identification = await handlers.record_prospect(walk_in("luxury_car"), uow, RULES)
    await handlers.link_prospect(
        handlers.LinkProspect(identification.prospect_id, "C000301", "lm-1"), uow, RULES
    )
    [linked] = uow.events(ProspectLinked)
    [(_, key)] = [(e, k) for e, k in uow.published if isinstance(e, ProspectLinked)]
    assert (linked.prospect_id, linked.customer_id, linked.branch_id, linked.linked_by) == (
        identification.prospect_id,
        "C000301",
        "BR001",
        "lm-1",
    )
    assert key == "C000301"
    assert linked.linked_at is not None
    assert "李四" not in linked.model_dump_json() and "1390000" not in linked.model_dump_json()


async def test_a_refused_link_tells_nothing():
    uow = FakeUnitOfWork()
    identification = await handlers.record_prospect(walk_in(), uow, RULES)
    await handlers.link_prospect(handlers.LinkProspect(identification.prospect_id, "C1", "lm-1"), uow, RULES)
    with pytest.raises(handlers.ProspectAlreadyLinked):
        await handlers.link_prospect(
            handlers.LinkProspect(identification.prospect_id, "C2", "lm-1"), uow, RULES
        )
    assert [e.customer_id for e in uow.events(ProspectLinked)] == ["C1"]


async def test_a_linked_walk_in_recorded_again_is_our_customer():
    repo = FakeRepository()
    uow = FakeUnitOfWork(repo)
    identification = await handlers.record_prospect(walk_in(), uow, RULES)
    await handlers.link_prospect(handlers.LinkProspect(identification.prospect_id, "C1", "lm-1"), uow, RULES)
    before = list(repo.identifications)
    with pytest.raises(handlers.ProspectIsCustomer, match="our customer C1"):
        await handlers.record_prospect(walk_in("luxury_car"), uow, RULES)
    assert repo.identifications == before
