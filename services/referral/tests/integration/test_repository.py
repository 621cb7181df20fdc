"""The repository against a real PostgreSQL migrated by Alembic: every aggregate round-trips, the
unique keys hold under concurrency, a rolled-back unit of work leaves nothing behind."""

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from branchflow_contracts import (
    AttemptResult,
    ContactWay,
    MarketingResult,
    ReferralSource,
    ReferralStatus,
    StaffReferralCounts,
)
from branchflow_runtime.auth import Role, Staff
from branchflow_runtime.database import create_engine, migrate
from branchflow_runtime.settings import DEV_PROSPECT_ID_KEY
from referral.adapters.tables import register_reads
from referral.domain.business_day import DayStatus
from referral.domain.follow_up import Analysis, Attempt, FollowUpEntry
from referral.domain.marketing import ActivityKind, MarketingActivity
from referral.domain.not_premium import NotPremiumBlock
from referral.domain.people import Prospect, Subject
from referral.domain.referral import AgreedContact, Referral
from referral.domain.rules import ReferralRules
from referral.domain.suggestion import Suggestion
from referral.unit_of_work import sql_unit_of_work

KEY = DEV_PROSPECT_ID_KEY

pytestmark = pytest.mark.connected

MIGRATIONS = Path(__file__).parents[2] / "src" / "referral" / "migrations"
AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
async def engine(database_factory):
    url = await database_factory("referral_repo")
    await migrate(MIGRATIONS, url)
    engine = create_engine(url, pool_size=4)
    yield engine
    await engine.dispose()


def form(customer: str, status=ReferralStatus.PENDING, **overrides) -> Referral:
    fields = {
        "branch_id": "BR001",
        "subject": Subject(customer_id=customer),
        "referred_by": "t-1",
        "referrer_role": "teller",
        "source": ReferralSource.COUNTER,
        "status": status,
        "wealth_manager_id": "wm-1",
        "at": AT,
        "contact": AgreedContact(AT + timedelta(days=1), ContactWay.PHONE),
        "note": "asked about funds",
    }
    return Referral.file(**(fields | overrides))


async def test_a_referral_and_its_register_entry_round_trip(engine):
    referral = form("RT1")
    async with sql_unit_of_work(engine) as uow:
        assert (await uow.repo.day_for_filing("BR001", DAY)).status is DayStatus.OPEN
        await uow.repo.add_referrals([referral])
        await uow.commit()
    async with sql_unit_of_work(engine) as uow:
        loaded = await uow.repo.get_referral(referral.referral_id)
        assert loaded == referral
        assert (await uow.repo.open_referral_of("RT1")) == referral
        loaded.copy_to_register(by="wm-1", at=AT + timedelta(hours=8))
        entry = FollowUpEntry.copied_from(loaded, AT + timedelta(hours=8))
        entry.update_analysis(Analysis(means="owns two shops", likely_needs="education fund"))
        await uow.repo.save_referral(loaded)
        await uow.repo.add_entry(entry)
        planned = entry.plan_contact(day=date(2026, 11, 25), way=ContactWay.PHONE, at_time=time(10, 30))
        await uow.repo.add_planned_contact(planned)
        attempt = Attempt(
            entry.entry_id,
            ContactWay.PHONE,
            AttemptResult.NO_ANSWER,
            AT,
            "wm-1",
            planned_contact_id=planned.contact_id,
        )
        entry.record_attempt(attempt, ReferralRules())
        await uow.repo.add_attempt(attempt)
        await uow.repo.save_entry(entry)
        await uow.commit()
    async with sql_unit_of_work(engine) as uow:
        assert (await uow.repo.open_referral_of("RT1")) is None
        assert (await uow.repo.get_referral(referral.referral_id)).status is ReferralStatus.COPIED
        stored = await uow.repo.get_entry(entry.entry_id)
        assert stored == entry and stored.failures_in_a_row == 1
        assert (await uow.repo.active_entry_of("RT1")) == entry
        assert (await uow.repo.planned_contact_of(entry.entry_id, planned.contact_id)) == planned
        assert (
            await uow.repo.planned_contact_of("00000000-0000-0000-0000-000000000000", planned.contact_id)
        ) is None


async def test_what_the_filing_rules_need_comes_in_one_query_per_kind(engine):
    """For a batch of new forms: forms with their ids, the days, blocks, open forms and who is
    followed up — about exactly the people asked, a retried id found, an unknown one not."""
    filed, followed = form("FS1"), form("FS3")
    block = NotPremiumBlock.judge(
        subject_key="FS2", referral_id=filed.referral_id, by="wm-1", at=AT, rules=ReferralRules()
    )
    async with sql_unit_of_work(engine) as uow:
        await uow.repo.add_referrals([filed, followed])
        await uow.repo.save_block(block)
        followed.copy_to_register(by="wm-1", at=AT)
        await uow.repo.save_referral(followed)
        await uow.repo.add_entry(FollowUpEntry.copied_from(followed, AT))
        await uow.commit()
    again, blocked, new = form("FS1", referral_id=filed.referral_id), form("FS2"), form("FS4")
    other_day = form("FS5", branch_id="BR007", at=AT + timedelta(days=1))
    async with sql_unit_of_work(engine) as uow:
        state = await uow.repo.state_for_filing([again, blocked, form("FS3"), new, other_day])
    assert state.existing == {filed.referral_id: filed}
    assert sorted(state.days) == [("BR001", DAY), ("BR007", DAY + timedelta(days=1))]
    assert state.days["BR001", DAY].status is DayStatus.OPEN
    assert state.blocks == {"FS2": block}
    assert state.open_forms == {"FS1": filed}
    assert state.followed_up == {"FS3"}


async def test_one_prospect_id_per_phone_number(engine):
    async with sql_unit_of_work(engine) as uow:
        first = await uow.repo.prospect_id_for(Prospect.of("李明", "139 0000 1111", key=KEY))
        again = await uow.repo.prospect_id_for(Prospect.of("李 明", "13900001111", key=KEY))
        other = await uow.repo.prospect_id_for(Prospect.of("李明", "13900002222", key=KEY))
        await uow.commit()
    assert first == again != other
    assert first.startswith("P") and len(first) == 13


async def test_a_second_open_form_for_one_person_cannot_be_stored(engine):
    async with sql_unit_of_work(engine) as uow:
        await uow.repo.add_referrals([form("DUP1")])
        await uow.commit()
    with pytest.raises(sa.exc.IntegrityError):
        async with sql_unit_of_work(engine) as uow:
            await uow.repo.add_referrals([form("DUP1", status=ReferralStatus.REFERRED, contact=None)])
            await uow.commit()


async def test_what_is_not_committed_is_not_stored(engine):
    referral = form("RB1")
    async with sql_unit_of_work(engine) as uow:
        await uow.repo.add_referrals([referral])
        uow.emit(referral.filed_event(), key="RB1")
    async with sql_unit_of_work(engine) as uow:
        assert await uow.repo.get_referral(referral.referral_id) is None
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM outbox_events")) == 0


async def test_suggestions_days_and_blocks_round_trip(engine):
    suggestion = Suggestion("BR002", DAY, "S1", "ident-1", AT)
    block = NotPremiumBlock.judge(
        subject_key="S1", referral_id=form("x").referral_id, by="wm-1", at=AT, rules=ReferralRules()
    )
    async with sql_unit_of_work(engine) as uow:
        await uow.repo.add_suggestion(suggestion)
        await uow.repo.save_block(block)
        day = await uow.repo.day_for_closing("BR002", DAY)
        await uow.commit()
    async with sql_unit_of_work(engine) as uow:
        assert (await uow.repo.suggestion_for("BR002", DAY, "S1")) == suggestion
        assert (await uow.repo.get_suggestion(suggestion.suggestion_id)) == suggestion
        suggestion.dismiss(by="lm-1", reason="left", at=AT)
        await uow.repo.save_suggestions([suggestion])
        day = await uow.repo.day_for_closing("BR002", DAY)
        day.status, day.closed_by, day.closed_at = DayStatus.CLOSED, "lm-1", AT
        day.reopen(by="lm-1", at=AT + timedelta(minutes=1))
        await uow.repo.save_day(day)
        block.lift(at=AT + timedelta(days=1), reason="customer.rerated")
        await uow.repo.save_block(block)
        await uow.commit()
    async with sql_unit_of_work(engine) as uow:
        assert (await uow.repo.suggestions_of_day("BR002", DAY)) == [suggestion]
        assert (await uow.repo.day_for_filing("BR002", DAY)).reopened == [("lm-1", AT + timedelta(minutes=1))]
        assert (await uow.repo.get_block("S1")) == block


async def test_a_marketing_activity_round_trips_with_its_handovers(engine):
    activity = MarketingActivity.seminar(
        kind=ActivityKind.SEMINAR,
        topic="Funds in a falling market",
        place="Hall 1",
        attendees=[(Subject(customer_id="M1"), [Subject(customer_id="M2")])],
        branch_id="BR001",
        organised_by="mm-1",
        organiser_role="marketing_manager",
        day=DAY,
        created_at=AT,
    )
    async with sql_unit_of_work(engine) as uow:
        await uow.repo.add_activity(activity)
        await uow.commit()
    async with sql_unit_of_work(engine) as uow:
        loaded = await uow.repo.get_activity(activity.activity_id)
        assert loaded == activity
        loaded.hand_over(
            loaded.participants[1].person_id,
            wealth_manager_id="wm-2",
            contact=AgreedContact(AT + timedelta(days=1), ContactWay.VISIT),
            by="mm-1",
            by_role="marketing_manager",
            at=AT,
        )
        await uow.repo.save_activity(loaded)
        await uow.commit()
    async with sql_unit_of_work(engine) as uow:
        assert (await uow.repo.get_activity(activity.activity_id)).participants[1].handed_to == "wm-2"


async def test_counted_forms_and_the_monthly_summary_once(engine):
    async with sql_unit_of_work(engine) as uow:
        confirmed = form("CNT1", status=ReferralStatus.REFERRED, contact=None, branch_id="BR009")
        confirmed.confirm(by="wm-1", met=True, result=MarketingResult.SOLD, at=AT)
        await uow.repo.add_referrals([confirmed])
        december = AT + timedelta(days=10)
        contact = AgreedContact(december + timedelta(days=1), ContactWay.PHONE)
        await uow.repo.add_referrals([form("CNT2", branch_id="BR009", at=december, contact=contact)])
        await uow.commit()
    async with sql_unit_of_work(engine) as uow:
        counted = await uow.repo.counted_forms("BR009", date(2026, 11, 1), date(2026, 11, 30))
        assert sorted((c.business_day, c.status, c.result) for c in counted) == [
            (DAY, ReferralStatus.CONFIRMED, MarketingResult.SOLD)
        ]
        assert "BR009" in await uow.repo.branches_with_referrals()

    counts = [
        StaffReferralCounts(staff_id="t-1", role="teller", filed=1, referred=1, pending=0, met=1, sold=1)
    ]

    async def summarize() -> bool:
        async with sql_unit_of_work(engine) as uow:
            stored = await uow.repo.add_summary("BR009", "2026-11", counts, AT)
            await asyncio.sleep(0.2)  # both transactions overlap
            await uow.commit()
            return stored

    assert sorted(await asyncio.gather(summarize(), summarize())) == [False, True]


async def test_reads_of_the_register_are_recorded(engine):
    reader = Staff("bh-1", Role.BRANCH_HEAD, "BR001")
    async with sql_unit_of_work(engine) as uow:
        await uow.repo.record_reads([("11111111-1111-1111-1111-111111111111", "BR001")], reader, AT, "entry")
        await uow.commit()
    async with engine.connect() as conn:
        row = (await conn.execute(sa.select(register_reads))).one()
    assert (row.read_by, row.reader_role, row.branch_id, row.via) == ("bh-1", "branch_head", "BR001", "entry")


async def test_what_a_walk_in_holds_becomes_the_customers_when_linked(engine):
    """move_person in SQL: forms and entries keyed by the customer id with the prospect id kept
    beside it, the day's suggestion unless the customer has one that day, marketing participants;
    the link kept once."""
    walk_in = Prospect.of("钱女士", "137 0000 4444", key=KEY)
    other_day = DAY + timedelta(days=1)
    async with sql_unit_of_work(engine) as uow:
        prospect_id = await uow.repo.prospect_id_for(walk_in)
        referral = form("unused", subject=Subject(prospect_id=prospect_id))
        await uow.repo.add_referrals([referral])
        entry = FollowUpEntry.copied_from(referral, AT)
        await uow.repo.add_entry(entry)
        for day, customer in ((DAY, prospect_id), (other_day, prospect_id), (other_day, "LK1")):
            await uow.repo.add_suggestion(Suggestion("BR003", day, customer, f"ident-{day}-{customer}", AT))
        activity = MarketingActivity.field_visit(
            place="Garden estate",
            met=[Subject(prospect_id=prospect_id), Subject(customer_id="LK2")],
            branch_id="BR003",
            organised_by="mm-1",
            organiser_role="marketing_manager",
            day=DAY,
            created_at=AT,
        )
        await uow.repo.add_activity(activity)
        assert await uow.repo.add_link(prospect_id, "LK1", "BR003", "lm-1", AT)
        await uow.repo.move_person(prospect_id, "LK1")
        assert not await uow.repo.add_link(prospect_id, "LK9", "BR003", "lm-1", AT)  # the first stands
        await uow.commit()
    async with sql_unit_of_work(engine) as uow:
        assert prospect_id == await uow.repo.prospect_id_for(walk_in)
        assert await uow.repo.customer_linked_to(prospect_id) == "LK1"
        moved = await uow.repo.get_referral(referral.referral_id)
        assert moved.subject == Subject(customer_id="LK1", prospect_id=prospect_id)
        assert (await uow.repo.open_referral_of("LK1")).referral_id == referral.referral_id
        assert (await uow.repo.active_entry_of("LK1")).entry_id == entry.entry_id
        assert await uow.repo.open_referral_of(prospect_id) is None
        assert [s.customer_id for s in await uow.repo.suggestions_of_day("BR003", DAY)] == ["LK1"]
        assert sorted(s.customer_id for s in await uow.repo.suggestions_of_day("BR003", other_day)) == [
            "LK1",
            prospect_id,  # the customer had one that day already
        ]
        met = (await uow.repo.get_activity(activity.activity_id)).participants
        assert [p.subject for p in met] == [
            Subject(customer_id="LK1", prospect_id=prospect_id),
            Subject(customer_id="LK2"),
        ]
