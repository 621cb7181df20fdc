"""In-memory fakes of the repository and the unit of work, with the real one's semantics:
objects are copied in and out (what a handler changes is only kept when saved), staged events
are kept only when committed."""

import copy
from datetime import date

from referral.domain.counts import CountedForm
from referral.domain.filing import FilingState
from referral.domain.follow_up import CLOSED_STATUSES


class FakeRepository:
    def __init__(self) -> None:
        self.prospects: dict[str, str] = {}  # phone → prospect id
        self.links: dict[str, str] = {}  # prospect id → customer id
        self.referrals: dict[str, object] = {}
        self.suggestions: dict[str, object] = {}
        self.days: dict[tuple[str, date], object] = {}
        self.blocks: dict[str, object] = {}
        self.entries: dict[str, object] = {}
        self.planned: dict[str, object] = {}
        self.attempts: list = []
        self.appointments: list = []
        self.reads: list = []
        self.activities: dict[str, object] = {}
        self.summaries: dict[tuple[str, str], list] = {}

    async def lock_person(self, person_key):
        pass

    async def prospect_id_for(self, prospect):
        return self.prospects.setdefault(prospect.phone, prospect.prospect_id)

    async def customer_linked_to(self, prospect_id):
        return self.links.get(prospect_id)

    async def add_link(self, prospect_id, customer_id, branch_id, by, at):
        if prospect_id in self.links:
            return False
        self.links[prospect_id] = customer_id
        return True

    async def move_person(self, prospect_id, customer_id):
        for held in (self.referrals, self.entries):
            for thing in held.values():
                if thing.subject.key == prospect_id:
                    thing.subject = thing.subject.linked_to(customer_id)
        taken = {
            (s.branch_id, s.business_day) for s in self.suggestions.values() if s.customer_id == customer_id
        }
        for s in self.suggestions.values():
            if s.customer_id == prospect_id and (s.branch_id, s.business_day) not in taken:
                s.customer_id = customer_id
        for activity in self.activities.values():
            for p in activity.participants:
                if p.subject.prospect_id == prospect_id:
                    p.subject = p.subject.linked_to(customer_id)

    async def delete_block(self, person_key):
        self.blocks.pop(person_key, None)

    async def get_referral(self, referral_id):
        return copy.deepcopy(self.referrals.get(referral_id))

    async def state_for_filing(self, referrals):
        keys = {r.subject.key for r in referrals}
        return FilingState(
            existing={
                r.referral_id: copy.deepcopy(self.referrals[r.referral_id])
                for r in referrals
                if r.referral_id in self.referrals
            },
            days={
                (r.branch_id, r.business_day): await self._day(r.branch_id, r.business_day) for r in referrals
            },
            blocks={k: await self.get_block(k) for k in keys if k in self.blocks},
            open_forms={k: form for k in keys if (form := await self.open_referral_of(k)) is not None},
            followed_up={k for k in keys if await self.active_entry_of(k) is not None},
        )

    async def add_referrals(self, referrals):
        for referral in referrals:
            assert referral.referral_id not in self.referrals
            self.referrals[referral.referral_id] = copy.deepcopy(referral)

    async def save_referral(self, referral):
        assert referral.referral_id in self.referrals
        self.referrals[referral.referral_id] = copy.deepcopy(referral)

    async def open_referral_of(self, person_key):
        for r in self.referrals.values():
            if r.subject.key == person_key and r.is_open:
                return copy.deepcopy(r)
        return None

    async def referrals_of_day(self, branch_id, day):
        found = [r for r in self.referrals.values() if r.branch_id == branch_id and r.business_day == day]
        return copy.deepcopy(sorted(found, key=lambda r: r.referred_at))

    async def suggestion_for(self, branch_id, day, customer_id):
        for s in self.suggestions.values():
            if (s.branch_id, s.business_day, s.customer_id) == (branch_id, day, customer_id):
                return copy.deepcopy(s)
        return None

    async def get_suggestion(self, suggestion_id):
        return copy.deepcopy(self.suggestions.get(suggestion_id))

    async def add_suggestion(self, suggestion):
        self.suggestions[suggestion.suggestion_id] = copy.deepcopy(suggestion)

    async def save_suggestions(self, suggestions):
        for s in suggestions:
            self.suggestions[s.suggestion_id] = copy.deepcopy(s)

    async def suggestions_of_day(self, branch_id, day):
        return copy.deepcopy(
            [s for s in self.suggestions.values() if (s.branch_id, s.business_day) == (branch_id, day)]
        )

    async def _day(self, branch_id, day):
        from referral.domain.business_day import BusinessDay

        return copy.deepcopy(self.days.setdefault((branch_id, day), BusinessDay(branch_id, day)))

    day_for_closing = _day

    async def save_day(self, business_day):
        self.days[(business_day.branch_id, business_day.day)] = copy.deepcopy(business_day)

    async def get_block(self, person_key):
        return copy.deepcopy(self.blocks.get(person_key))

    async def save_block(self, block):
        self.blocks[block.subject_key] = copy.deepcopy(block)

    async def get_entry(self, entry_id):
        return copy.deepcopy(self.entries.get(entry_id))

    async def active_entry_of(self, person_key):
        for e in self.entries.values():
            if e.subject.key == person_key and e.status not in CLOSED_STATUSES:
                return copy.deepcopy(e)
        return None

    async def add_entry(self, entry):
        assert all(e.referral_id != entry.referral_id for e in self.entries.values())
        self.entries[entry.entry_id] = copy.deepcopy(entry)

    async def save_entry(self, entry):
        self.entries[entry.entry_id] = copy.deepcopy(entry)

    async def add_planned_contact(self, contact):
        self.planned[contact.contact_id] = contact

    async def planned_contact_of(self, entry_id, contact_id):
        contact = self.planned.get(contact_id)
        return contact if contact is not None and contact.entry_id == entry_id else None

    async def add_attempt(self, attempt):
        self.attempts.append(attempt)

    async def add_appointment(self, appointment, made_at):
        self.appointments.append(appointment)

    async def record_reads(self, entries, reader, at, via):
        self.reads += [(entry_id, reader.staff_id, via) for entry_id, _ in entries]

    async def add_activity(self, activity):
        self.activities[activity.activity_id] = copy.deepcopy(activity)

    async def get_activity(self, activity_id):
        return copy.deepcopy(self.activities.get(activity_id))

    async def save_activity(self, activity):
        self.activities[activity.activity_id] = copy.deepcopy(activity)

    async def branches_with_referrals(self):
        return sorted({r.branch_id for r in self.referrals.values()})

    async def counted_forms(self, branch_id, first_day, last_day):
        return [
            CountedForm.of(r)
            for r in self.referrals.values()
            if (branch_id is None or r.branch_id == branch_id) and first_day <= r.business_day <= last_day
        ]

    async def summarized_branches(self, month):
        return {branch for branch, m in self.summaries if m == month}

    async def add_summary(self, branch_id, month, counts, at):
        if (branch_id, month) in self.summaries:
            return False
        self.summaries[(branch_id, month)] = counts
        return True


class FakeUnitOfWork:
    """Commits swap in the changed repository; leaving without commit drops the changes."""

    def __init__(self, repo: FakeRepository | None = None) -> None:
        self.committed = repo or FakeRepository()
        self.published: list[tuple[object, str]] = []
        self.trace_carriers: list[dict | None] = []  # of the published events, in order
        self.seen: set[str] = set()
        self.commits = 0

    async def __aenter__(self):
        self.repo = copy.deepcopy(self.committed)
        self._staged: list = []
        self._carriers: list = []
        self._seen = set(self.seen)
        return self

    async def __aexit__(self, *exc):
        self._staged = []

    def emit(self, event, key, trace_carrier=None):
        self._staged.append((event, key))
        self._carriers.append(trace_carrier)

    async def first_delivery(self, event_id, topic):
        if event_id in self._seen:
            return False
        self._seen.add(event_id)
        return True

    async def commit(self):
        self.committed = self.repo
        self.seen = self._seen
        self.published.extend(self._staged)
        self.trace_carriers.extend(self._carriers)
        self._staged, self._carriers = [], []
        self.commits += 1

    def events(self, kind=None) -> list:
        return [e for e, _ in self.published if kind is None or isinstance(e, kind)]
