"""Loading and saving referral state. ``SqlReferralRepository`` is the real one; unit tests use
a fake with the same methods. Whatever a handler changes it loads locked (``FOR UPDATE``), so
concurrent requests on one form, entry or day queue up instead of overwriting each other."""

from datetime import date, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from branchflow_contracts import (
    ContactWay,
    FollowUpStatus,
    MarketingResult,
    ReferralSource,
    ReferralStatus,
    StaffReferralCounts,
)
from referral.adapters.tables import (
    appointments,
    attempts,
    business_days,
    follow_ups,
    marketing_activities,
    monthly_summaries,
    not_premium_blocks,
    planned_contacts,
    prospect_links,
    prospects,
    referrals,
    register_reads,
    suggestions,
)
from referral.domain.business_day import BusinessDay, DayStatus
from referral.domain.counts import CountedForm
from referral.domain.filing import FilingState
from referral.domain.follow_up import Analysis, Appointment, Attempt, FollowUpEntry, PlannedContact
from referral.domain.marketing import ActivityKind, MarketingActivity, Participant, ParticipantRole
from referral.domain.not_premium import NotPremiumBlock
from referral.domain.people import Prospect, Subject
from referral.domain.periods import branch_day
from referral.domain.referral import OPEN_STATUSES, AgreedContact, Referral
from referral.domain.suggestion import Suggestion, SuggestionStatus

ACTIVE_ENTRY_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.ABANDON_PROPOSED)


class ReferralRepository(Protocol):
    async def lock_person(self, person_key: str) -> None: ...
    async def prospect_id_for(self, prospect: Prospect) -> str: ...
    # a walk-in linked to a customer id (customer.prospect-linked)
    async def customer_linked_to(self, prospect_id: str) -> str | None: ...
    async def add_link(
        self, prospect_id: str, customer_id: str, branch_id: str, by: str, at: datetime
    ) -> bool: ...
    async def move_person(self, prospect_id: str, customer_id: str) -> None: ...
    async def delete_block(self, person_key: str) -> None: ...
    # forms
    async def get_referral(self, referral_id: str) -> Referral | None: ...
    async def state_for_filing(self, referrals: list[Referral]) -> FilingState: ...
    async def add_referrals(self, referrals: list[Referral]) -> None: ...
    async def save_referral(self, referral: Referral) -> None: ...
    async def open_referral_of(self, person_key: str) -> Referral | None: ...
    async def referrals_of_day(self, branch_id: str, day: date) -> list[Referral]: ...
    # suggestions
    async def suggestion_for(self, branch_id: str, day: date, customer_id: str) -> Suggestion | None: ...
    async def get_suggestion(self, suggestion_id: str) -> Suggestion | None: ...
    async def add_suggestion(self, suggestion: Suggestion) -> None: ...
    async def save_suggestions(self, suggestions: list[Suggestion]) -> None: ...
    async def suggestions_of_day(self, branch_id: str, day: date) -> list[Suggestion]: ...
    # the close of business
    async def day_for_closing(self, branch_id: str, day: date) -> BusinessDay: ...
    async def save_day(self, business_day: BusinessDay) -> None: ...
    # the not-premium rule
    async def get_block(self, person_key: str) -> NotPremiumBlock | None: ...
    async def save_block(self, block: NotPremiumBlock) -> None: ...
    # the register
    async def get_entry(self, entry_id: str) -> FollowUpEntry | None: ...
    async def active_entry_of(self, person_key: str) -> FollowUpEntry | None: ...
    async def add_entry(self, entry: FollowUpEntry) -> None: ...
    async def save_entry(self, entry: FollowUpEntry) -> None: ...
    async def add_planned_contact(self, contact: PlannedContact) -> None: ...
    async def planned_contact_of(self, entry_id: str, contact_id: str) -> PlannedContact | None: ...
    async def add_attempt(self, attempt: Attempt) -> None: ...
    async def add_appointment(self, appointment: Appointment, made_at: datetime) -> None: ...
    async def record_reads(self, entries: list[tuple[str, str]], reader, at: datetime, via: str) -> None: ...
    # targeted marketing
    async def add_activity(self, activity: MarketingActivity) -> None: ...
    async def get_activity(self, activity_id: str) -> MarketingActivity | None: ...
    async def save_activity(self, activity: MarketingActivity) -> None: ...
    # counts and the monthly summary
    async def branches_with_referrals(self) -> list[str]: ...
    async def counted_forms(
        self, branch_id: str | None, first_day: date, last_day: date
    ) -> list[CountedForm]: ...
    async def summarized_branches(self, month: str) -> set[str]: ...
    async def add_summary(
        self, branch_id: str, month: str, counts: list[StaffReferralCounts], at: datetime
    ) -> bool: ...


# rows ↔ domain


def referral_row(r: Referral) -> dict:
    return {
        "referral_id": r.referral_id,
        "branch_id": r.branch_id,
        "business_day": r.business_day,
        "person_key": r.subject.key,
        "customer_id": r.subject.customer_id,
        "prospect_id": r.subject.prospect_id,
        "referred_by": r.referred_by,
        "referrer_role": r.referrer_role,
        "source": str(r.source),
        "filed_as": str(r.filed_as),
        "status": str(r.status),
        "wealth_manager_id": r.wealth_manager_id,
        "referred_at": r.referred_at,
        "identification_id": r.identification_id,
        "suggestion_id": r.suggestion_id,
        "activity_id": r.activity_id,
        "contact_at": r.contact.at if r.contact else None,
        "contact_way": str(r.contact.way) if r.contact else None,
        "note": r.note,
        "met": r.met,
        "result": None if r.result is None else str(r.result),
        "closed_by": r.closed_by,
        "closed_at": r.closed_at,
        "entry_id": r.entry_id,
        "withdrawal_reason": r.withdrawal_reason,
    }


def referral_from_row(row) -> Referral:
    return Referral(
        referral_id=str(row.referral_id),
        branch_id=row.branch_id,
        subject=Subject(customer_id=row.customer_id, prospect_id=row.prospect_id),
        referred_by=row.referred_by,
        referrer_role=row.referrer_role,
        source=ReferralSource(row.source),
        filed_as=ReferralStatus(row.filed_as),
        wealth_manager_id=row.wealth_manager_id,
        referred_at=row.referred_at,
        identification_id=row.identification_id,
        suggestion_id=None if row.suggestion_id is None else str(row.suggestion_id),
        activity_id=None if row.activity_id is None else str(row.activity_id),
        contact=AgreedContact(row.contact_at, ContactWay(row.contact_way)) if row.contact_at else None,
        note=row.note,
        status=ReferralStatus(row.status),
        met=row.met,
        result=None if row.result is None else MarketingResult(row.result),
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        entry_id=None if row.entry_id is None else str(row.entry_id),
        withdrawal_reason=row.withdrawal_reason,
    )


def counted_form_from_row(row) -> CountedForm:
    return CountedForm(
        staff_id=row.referred_by,
        role=row.referrer_role,
        business_day=row.business_day,
        filed_as=ReferralStatus(row.filed_as),
        status=ReferralStatus(row.status),
        met=row.met,
        result=None if row.result is None else MarketingResult(row.result),
    )


def suggestion_row(s: Suggestion) -> dict:
    return {
        "suggestion_id": s.suggestion_id,
        "branch_id": s.branch_id,
        "business_day": s.business_day,
        "customer_id": s.customer_id,
        "identification_id": s.identification_id,
        "identified_at": s.identified_at,
        "status": str(s.status),
        "referral_id": s.referral_id,
        "acted_by": s.acted_by,
        "acted_at": s.acted_at,
        "dismissal_reason": s.dismissal_reason,
    }


def suggestion_from_row(row) -> Suggestion:
    return Suggestion(
        branch_id=row.branch_id,
        business_day=row.business_day,
        customer_id=row.customer_id,
        identification_id=row.identification_id,
        identified_at=row.identified_at,
        suggestion_id=str(row.suggestion_id),
        status=SuggestionStatus(row.status),
        referral_id=None if row.referral_id is None else str(row.referral_id),
        acted_by=row.acted_by,
        acted_at=row.acted_at,
        dismissal_reason=row.dismissal_reason,
    )


def day_from_row(row) -> BusinessDay:
    return BusinessDay(
        branch_id=row.branch_id,
        day=row.day,
        status=DayStatus(row.status),
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        reopened=[(r["by"], datetime.fromisoformat(r["at"])) for r in row.reopened],
    )


def block_from_row(row) -> NotPremiumBlock:
    return NotPremiumBlock(
        subject_key=row.person_key,
        referral_id=str(row.referral_id),
        judged_by=row.judged_by,
        judged_at=row.judged_at,
        until=row.until,
        lifted_at=row.lifted_at,
        lift_reason=row.lift_reason,
    )


def entry_row(e: FollowUpEntry) -> dict:
    return {
        "entry_id": e.entry_id,
        "referral_id": e.referral_id,
        "branch_id": e.branch_id,
        "person_key": e.subject.key,
        "customer_id": e.subject.customer_id,
        "prospect_id": e.subject.prospect_id,
        "wealth_manager_id": e.wealth_manager_id,
        "source": str(e.source),
        "opened_at": e.opened_at,
        "status": str(e.status),
        "analysis": {k: v for k, v in vars(e.analysis).items() if v is not None},
        "failures_in_a_row": e.failures_in_a_row,
        "closed_by": e.closed_by,
        "closed_at": e.closed_at,
    }


def entry_from_row(row) -> FollowUpEntry:
    return FollowUpEntry(
        referral_id=str(row.referral_id),
        branch_id=row.branch_id,
        subject=Subject(customer_id=row.customer_id, prospect_id=row.prospect_id),
        wealth_manager_id=row.wealth_manager_id,
        source=ReferralSource(row.source),
        opened_at=row.opened_at,
        entry_id=str(row.entry_id),
        status=FollowUpStatus(row.status),
        analysis=Analysis(**row.analysis),
        failures_in_a_row=row.failures_in_a_row,
        closed_by=row.closed_by,
        closed_at=row.closed_at,
    )


def activity_row(a: MarketingActivity) -> dict:
    return {
        "activity_id": a.activity_id,
        "kind": str(a.kind),
        "branch_id": a.branch_id,
        "organised_by": a.organised_by,
        "organiser_role": a.organiser_role,
        "day": a.day,
        "created_at": a.created_at,
        "topic": a.topic,
        "place": a.place,
        "introducer_customer_id": a.introducer_customer_id,
        "thanked_by": a.thanked_by,
        "thanked_at": a.thanked_at,
        "reward_due": a.reward_due,
        "participants": [
            {
                "person_id": p.person_id,
                "customer_id": p.subject.customer_id,
                "prospect_id": p.subject.prospect_id,
                "role": str(p.role),
                "brought_by": p.brought_by,
                "referral_id": p.referral_id,
                "handed_to": p.handed_to,
            }
            for p in a.participants
        ],
    }


def activity_from_row(row) -> MarketingActivity:
    return MarketingActivity(
        kind=ActivityKind(row.kind),
        branch_id=row.branch_id,
        organised_by=row.organised_by,
        organiser_role=row.organiser_role,
        day=row.day,
        created_at=row.created_at,
        participants=[
            Participant(
                subject=Subject(customer_id=p["customer_id"], prospect_id=p["prospect_id"]),
                role=ParticipantRole(p["role"]),
                brought_by=p["brought_by"],
                person_id=p["person_id"],
                referral_id=p["referral_id"],
                handed_to=p["handed_to"],
            )
            for p in row.participants
        ],
        topic=row.topic,
        place=row.place,
        introducer_customer_id=row.introducer_customer_id,
        thanked_by=row.thanked_by,
        thanked_at=row.thanked_at,
        reward_due=row.reward_due,
        activity_id=str(row.activity_id),
    )


# The filing path's statements, built once: SQLAlchemy caches their compiled form, and a batch of
# forms (group commit) reads what the rules need in one statement per kind. Lists go in as one
# array parameter (= ANY), not as IN (…) expanded per list length: one SQL text whatever the
# batch's size, prepared once per connection.
_IDS = sa.bindparam("ids", type_=ARRAY(UUID(as_uuid=False)))
_KEYS = sa.bindparam("keys", type_=ARRAY(sa.Text))
_LOCK_PEOPLE = sa.text(
    "SELECT pg_advisory_xact_lock(hashtext('referral-person:' || key)) "
    "FROM unnest(CAST(:keys AS text[])) AS key"
)
_REFERRALS_BY_IDS = sa.select(referrals).where(referrals.c.referral_id == sa.any_(_IDS)).with_for_update()
_BLOCKS_OF = (
    sa.select(not_premium_blocks).where(not_premium_blocks.c.person_key == sa.any_(_KEYS)).with_for_update()
)
_OPEN_FORMS_OF = sa.select(referrals).where(
    referrals.c.person_key == sa.any_(_KEYS),
    referrals.c.status.in_([str(s) for s in OPEN_STATUSES]),
)
_FOLLOWED_UP = sa.select(follow_ups.c.person_key).where(
    follow_ups.c.person_key == sa.any_(_KEYS),
    follow_ups.c.status.in_([str(s) for s in ACTIVE_ENTRY_STATUSES]),
)
_INSERT_REFERRAL = referrals.insert()


def _update(table: sa.Table, key: str, row: dict):
    return sa.update(table).where(table.c[key] == row[key]).values({k: v for k, v in row.items() if k != key})


class SqlReferralRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def _first(self, query):
        return (await self.connection.execute(query)).first()

    async def lock_person(self, person_key: str) -> None:
        """Serialize the transactions about one person (two tellers filing the same customer)."""
        await self._lock_people([person_key])

    async def _lock_people(self, person_keys: list[str]) -> None:
        """In one order in every transaction, so that two batches never wait for each other."""
        await self.connection.execute(_LOCK_PEOPLE, {"keys": sorted(set(person_keys))})

    async def prospect_id_for(self, prospect: Prospect) -> str:
        """The prospect id of this phone number: the one derived from it, kept with the name and
        phone on its first use; a phone kept before ids were derived keeps the id it had."""
        inserted = await self._first(
            insert(prospects)
            .values(prospect_id=prospect.prospect_id, phone=prospect.phone, name=prospect.name)
            .on_conflict_do_nothing(index_elements=["phone"])
            .returning(prospects.c.prospect_id)
        )
        if inserted is not None:
            return inserted.prospect_id
        row = await self._first(sa.select(prospects.c.prospect_id).where(prospects.c.phone == prospect.phone))
        return row.prospect_id

    # a walk-in linked to a customer id

    async def customer_linked_to(self, prospect_id: str) -> str | None:
        row = await self._first(
            sa.select(prospect_links.c.customer_id).where(prospect_links.c.prospect_id == prospect_id)
        )
        return None if row is None else row.customer_id

    async def add_link(
        self, prospect_id: str, customer_id: str, branch_id: str, by: str, at: datetime
    ) -> bool:
        """Keep the link; False if the prospect was linked before (the first link stands)."""
        inserted = await self._first(
            insert(prospect_links)
            .values(
                prospect_id=prospect_id,
                customer_id=customer_id,
                branch_id=branch_id,
                linked_by=by,
                linked_at=at,
            )
            .on_conflict_do_nothing()
            .returning(prospect_links.c.prospect_id)
        )
        return inserted is not None

    async def move_person(self, prospect_id: str, customer_id: str) -> None:
        """What is kept under the prospect id becomes the customer's: forms and register entries
        (the prospect id stays beside the customer id, for the name and phone given), the day's
        suggestions and marketing participants. Counts are counted from the forms."""
        for table in (referrals, follow_ups):
            await self.connection.execute(
                sa.update(table)
                .where(table.c.person_key == prospect_id)
                .values(person_key=customer_id, customer_id=customer_id)
            )
        # a suggestion is per customer and day: one the customer has already that day stays alone
        s, other = suggestions.c, suggestions.alias("other")
        await self.connection.execute(
            sa.update(suggestions)
            .where(
                s.customer_id == prospect_id,
                ~sa.exists().where(
                    other.c.branch_id == s.branch_id,
                    other.c.business_day == s.business_day,
                    other.c.customer_id == customer_id,
                ),
            )
            .values(customer_id=customer_id)
        )
        rows = await self.connection.execute(
            sa.select(marketing_activities).where(
                marketing_activities.c.participants.contains([{"prospect_id": prospect_id}])
            )
        )
        for row in rows.all():
            activity = activity_from_row(row)
            for participant in activity.participants:
                if participant.subject.prospect_id == prospect_id:
                    participant.subject = participant.subject.linked_to(customer_id)
            await self.save_activity(activity)

    async def delete_block(self, person_key: str) -> None:
        await self.connection.execute(
            sa.delete(not_premium_blocks).where(not_premium_blocks.c.person_key == person_key)
        )

    # forms

    async def get_referral(self, referral_id: str) -> Referral | None:
        row = await self._first(
            sa.select(referrals).where(referrals.c.referral_id == referral_id).with_for_update()
        )
        return referral_from_row(row) if row else None

    async def state_for_filing(self, referrals_: list[Referral]) -> FilingState:
        """The people locked, then what the filing rules ask about them, one query per kind."""
        keys = sorted({r.subject.key for r in referrals_})
        await self._lock_people(keys)
        ids = [r.referral_id for r in referrals_]
        existing = await self.connection.execute(_REFERRALS_BY_IDS, {"ids": ids})
        days = {}
        for branch_id, day in sorted({(r.branch_id, r.business_day) for r in referrals_}):
            days[branch_id, day] = await self.day_for_filing(branch_id, day)
        blocks = await self.connection.execute(_BLOCKS_OF, {"keys": keys})
        open_forms = await self.connection.execute(_OPEN_FORMS_OF, {"keys": keys})
        followed_up = await self.connection.execute(_FOLLOWED_UP, {"keys": keys})
        return FilingState(
            existing={str(row.referral_id): referral_from_row(row) for row in existing},
            days=days,
            blocks={row.person_key: block_from_row(row) for row in blocks},
            open_forms={row.person_key: referral_from_row(row) for row in open_forms},
            followed_up={row.person_key for row in followed_up},
        )

    async def add_referrals(self, referrals_: list[Referral]) -> None:
        if referrals_:
            await self.connection.execute(_INSERT_REFERRAL, [referral_row(r) for r in referrals_])

    async def save_referral(self, referral: Referral) -> None:
        await self.connection.execute(_update(referrals, "referral_id", referral_row(referral)))

    async def open_referral_of(self, person_key: str) -> Referral | None:
        row = await self._first(
            sa.select(referrals).where(
                referrals.c.person_key == person_key, referrals.c.status.in_([str(s) for s in OPEN_STATUSES])
            )
        )
        return referral_from_row(row) if row else None

    async def referrals_of_day(self, branch_id: str, day: date) -> list[Referral]:
        rows = await self.connection.execute(
            sa.select(referrals)
            .where(referrals.c.branch_id == branch_id, referrals.c.business_day == day)
            .order_by(referrals.c.referred_at)
        )
        return [referral_from_row(row) for row in rows]

    # suggestions

    async def suggestion_for(self, branch_id: str, day: date, customer_id: str) -> Suggestion | None:
        row = await self._first(
            sa.select(suggestions)
            .where(
                suggestions.c.branch_id == branch_id,
                suggestions.c.business_day == day,
                suggestions.c.customer_id == customer_id,
            )
            .with_for_update()
        )
        return suggestion_from_row(row) if row else None

    async def get_suggestion(self, suggestion_id: str) -> Suggestion | None:
        row = await self._first(
            sa.select(suggestions).where(suggestions.c.suggestion_id == suggestion_id).with_for_update()
        )
        return suggestion_from_row(row) if row else None

    async def add_suggestion(self, suggestion: Suggestion) -> None:
        await self.connection.execute(suggestions.insert(), [suggestion_row(suggestion)])

    async def save_suggestions(self, suggestions_: list[Suggestion]) -> None:
        for suggestion in suggestions_:
            await self.connection.execute(_update(suggestions, "suggestion_id", suggestion_row(suggestion)))

    async def suggestions_of_day(self, branch_id: str, day: date) -> list[Suggestion]:
        rows = await self.connection.execute(
            sa.select(suggestions)
            .where(suggestions.c.branch_id == branch_id, suggestions.c.business_day == day)
            .order_by(suggestions.c.identified_at)
            .with_for_update()
        )
        return [suggestion_from_row(row) for row in rows]

    # the close of business

    async def _day(self, branch_id: str, day: date, lock) -> BusinessDay:
        await self.connection.execute(
            insert(business_days)
            .values(branch_id=branch_id, day=day, status=str(DayStatus.OPEN))
            .on_conflict_do_nothing()
        )
        query = sa.select(business_days).where(
            business_days.c.branch_id == branch_id, business_days.c.day == day
        )
        return day_from_row(await self._first(lock(query)))

    async def day_for_filing(self, branch_id: str, day: date) -> BusinessDay:
        """The day, shared-locked: forms are filed side by side, but not while the day closes."""
        return await self._day(branch_id, day, lambda q: q.with_for_update(read=True))

    async def day_for_closing(self, branch_id: str, day: date) -> BusinessDay:
        """The day, locked: its close waits for forms being filed, and they wait for it."""
        return await self._day(branch_id, day, lambda q: q.with_for_update())

    async def save_day(self, business_day: BusinessDay) -> None:
        await self.connection.execute(
            sa.update(business_days)
            .where(
                business_days.c.branch_id == business_day.branch_id, business_days.c.day == business_day.day
            )
            .values(
                status=str(business_day.status),
                closed_by=business_day.closed_by,
                closed_at=business_day.closed_at,
                reopened=[{"by": by, "at": at.isoformat()} for by, at in business_day.reopened],
            )
        )

    # the not-premium rule

    async def get_block(self, person_key: str) -> NotPremiumBlock | None:
        row = await self._first(
            sa.select(not_premium_blocks)
            .where(not_premium_blocks.c.person_key == person_key)
            .with_for_update()
        )
        return None if row is None else block_from_row(row)

    async def save_block(self, block: NotPremiumBlock) -> None:
        values = {
            "person_key": block.subject_key,
            "referral_id": block.referral_id,
            "judged_by": block.judged_by,
            "judged_at": block.judged_at,
            "until": block.until,
            "lifted_at": block.lifted_at,
            "lift_reason": block.lift_reason,
        }
        statement = insert(not_premium_blocks).values(values)
        await self.connection.execute(
            statement.on_conflict_do_update(
                index_elements=["person_key"],
                set_={k: statement.excluded[k] for k in values if k != "person_key"},
            )
        )

    # the register

    async def get_entry(self, entry_id: str) -> FollowUpEntry | None:
        row = await self._first(
            sa.select(follow_ups).where(follow_ups.c.entry_id == entry_id).with_for_update()
        )
        return entry_from_row(row) if row else None

    async def active_entry_of(self, person_key: str) -> FollowUpEntry | None:
        row = await self._first(
            sa.select(follow_ups).where(
                follow_ups.c.person_key == person_key,
                follow_ups.c.status.in_([str(s) for s in ACTIVE_ENTRY_STATUSES]),
            )
        )
        return entry_from_row(row) if row else None

    async def add_entry(self, entry: FollowUpEntry) -> None:
        await self.connection.execute(follow_ups.insert(), [entry_row(entry)])

    async def save_entry(self, entry: FollowUpEntry) -> None:
        await self.connection.execute(_update(follow_ups, "entry_id", entry_row(entry)))

    async def add_planned_contact(self, contact: PlannedContact) -> None:
        await self.connection.execute(
            planned_contacts.insert(),
            [
                {
                    "contact_id": contact.contact_id,
                    "entry_id": contact.entry_id,
                    "wealth_manager_id": contact.wealth_manager_id,
                    "day": contact.day,
                    "at_time": contact.at_time,
                    "way": str(contact.way),
                    "purpose": contact.purpose,
                }
            ],
        )

    async def planned_contact_of(self, entry_id: str, contact_id: str) -> PlannedContact | None:
        row = await self._first(
            sa.select(planned_contacts).where(
                planned_contacts.c.contact_id == contact_id, planned_contacts.c.entry_id == entry_id
            )
        )
        if row is None:
            return None
        return PlannedContact(
            entry_id=str(row.entry_id),
            wealth_manager_id=row.wealth_manager_id,
            day=row.day,
            way=ContactWay(row.way),
            at_time=row.at_time,
            purpose=row.purpose,
            contact_id=str(row.contact_id),
        )

    async def add_attempt(self, attempt: Attempt) -> None:
        await self.connection.execute(
            attempts.insert(),
            [
                {
                    "attempt_id": attempt.attempt_id,
                    "entry_id": attempt.entry_id,
                    "way": str(attempt.way),
                    "result": str(attempt.result),
                    "attempted_at": attempt.attempted_at,
                    "recorded_by": attempt.recorded_by,
                    "note": attempt.note,
                    "next_step": attempt.next_step,
                    "planned_contact_id": attempt.planned_contact_id,
                }
            ],
        )
        if attempt.planned_contact_id:
            await self.connection.execute(
                sa.update(planned_contacts)
                .where(planned_contacts.c.contact_id == attempt.planned_contact_id)
                .values(done_by_attempt_id=attempt.attempt_id)
            )

    async def add_appointment(self, appointment: Appointment, made_at: datetime) -> None:
        await self.connection.execute(
            appointments.insert(),
            [
                {
                    "appointment_id": appointment.appointment_id,
                    "entry_id": appointment.entry_id,
                    "wealth_manager_id": appointment.wealth_manager_id,
                    "meets_at": appointment.meets_at,
                    "day": branch_day(appointment.meets_at),
                    "place": appointment.place,
                    "note": appointment.note,
                    "made_at": made_at,
                }
            ],
        )

    async def record_reads(self, entries: list[tuple[str, str]], reader, at: datetime, via: str) -> None:
        """``entries``: (entry id, entry's branch) pairs read by ``reader`` (a staff member)."""
        if entries:
            await self.connection.execute(
                register_reads.insert(),
                [
                    {
                        "entry_id": entry_id,
                        "branch_id": branch_id,
                        "read_by": reader.staff_id,
                        "reader_role": str(reader.role),
                        "reader_branch": reader.branch_id,
                        "read_at": at,
                        "via": via,
                    }
                    for entry_id, branch_id in entries
                ],
            )

    # targeted marketing

    async def add_activity(self, activity: MarketingActivity) -> None:
        await self.connection.execute(marketing_activities.insert(), [activity_row(activity)])

    async def get_activity(self, activity_id: str) -> MarketingActivity | None:
        row = await self._first(
            sa.select(marketing_activities)
            .where(marketing_activities.c.activity_id == activity_id)
            .with_for_update()
        )
        return activity_from_row(row) if row else None

    async def save_activity(self, activity: MarketingActivity) -> None:
        await self.connection.execute(_update(marketing_activities, "activity_id", activity_row(activity)))

    # counts and the monthly summary

    async def branches_with_referrals(self) -> list[str]:
        rows = await self.connection.execute(
            sa.select(referrals.c.branch_id).distinct().order_by(referrals.c.branch_id)
        )
        return [row.branch_id for row in rows]

    async def counted_forms(
        self, branch_id: str | None, first_day: date, last_day: date
    ) -> list[CountedForm]:
        r = referrals.c
        query = sa.select(
            r.referred_by, r.referrer_role, r.business_day, r.filed_as, r.status, r.met, r.result
        ).where(r.business_day >= first_day, r.business_day <= last_day)
        if branch_id is not None:
            query = query.where(r.branch_id == branch_id)
        return [counted_form_from_row(row) for row in await self.connection.execute(query)]

    async def summarized_branches(self, month: str) -> set[str]:
        rows = await self.connection.execute(
            sa.select(monthly_summaries.c.branch_id).where(monthly_summaries.c.month == month)
        )
        return {row.branch_id for row in rows}

    async def add_summary(
        self, branch_id: str, month: str, counts: list[StaffReferralCounts], at: datetime
    ) -> bool:
        """Store the month's summary unless it exists: True when this transaction stored it. A
        second replica's insert waits for the first's commit, then finds the row."""
        inserted = await self._first(
            insert(monthly_summaries)
            .values(branch_id=branch_id, month=month, counts=[c.model_dump() for c in counts], issued_at=at)
            .on_conflict_do_nothing()
            .returning(monthly_summaries.c.month)
        )
        return inserted is not None
