"""A fake repository and unit of work with the real ones' methods: no database, no broker."""

from dataclasses import replace

from identify.adapters.repository import RatingState, StoredCustomer


class FakeRepository:
    def __init__(self) -> None:
        self.customers: dict[str, StoredCustomer] = {}
        self.ratings: dict[str, tuple] = {}  # customer id → (rating, rated at)
        self.identifications = []
        self.reratings = []
        self.prospects: dict[str, tuple] = {}  # prospect id → (prospect, tier)
        self.queue_checks = []
        self.handling: dict[str, tuple] = {}
        self.verdicts: dict = {}  # customer id → NotPremiumVerdict

    async def get_customers(self, customer_ids):
        found = {}
        for cid in customer_ids:
            if cid in self.customers:
                rating = self.ratings.get(cid)
                found[cid] = replace(self.customers[cid], tier=rating[0].tier if rating else None)
        return found

    async def save_customers(self, stored):
        for s in stored:
            self.customers[s.facts.customer_id] = s

    async def save_ratings(self, ratings):
        for facts, rating, rated_at in ratings:
            self.ratings[facts.customer_id] = (rating, rated_at)

    async def add_identifications(self, identifications):
        self.identifications.extend(identifications)

    async def add_reratings(self, reratings):
        self.reratings.extend(reratings)

    async def customers_due(self, rules_version, rated_before, now, limit):
        due = {}
        for cid in self.customers:
            if cid not in self.ratings:
                due[cid] = None
                continue
            rating, rated_at = self.ratings[cid]
            expiry = rating.next_expiry
            if rating.rules_version != rules_version or rated_at < rated_before or (expiry and expiry <= now):
                due[cid] = RatingState(rating.rules_version, rated_at, expiry)
        return dict(list(due.items())[:limit])

    async def lock_prospect(self, prospect_id):
        pass

    async def get_prospect(self, prospect_id):
        held = self.prospects.get(prospect_id)
        return held[0] if held else None

    async def save_prospect(self, prospect, tier):
        self.prospects[prospect.prospect_id] = (prospect, tier)

    async def move_prospect_identifications(self, prospect_id, customer_id):
        moved = []
        for n, i in enumerate(self.identifications):
            if i.prospect_id == prospect_id and i.customer_id is None:
                self.identifications[n] = replace(i, customer_id=customer_id)
                moved.append(_row(self.identifications[n]))
        return moved

    async def set_handling(self, identification_id, outcome, by, at):
        for i in self.identifications:
            if i.identification_id == identification_id:
                self.handling[identification_id] = (outcome, by, at)
                return {**_row(i), "handling": outcome, "handled_by": by, "handled_at": at}
        return None

    async def mark_handled_unless_recorded(self, identification_id, outcome, by, at):
        known = any(i.identification_id == identification_id for i in self.identifications)
        if not known or identification_id in self.handling:
            return False
        self.handling[identification_id] = (outcome, by, at)
        return True

    async def add_queue_check(self, check):
        self.queue_checks.append(check)

    async def get_verdicts(self, customer_ids):
        return {cid: self.verdicts[cid] for cid in customer_ids if cid in self.verdicts}

    async def save_verdict(self, verdict):
        current = self.verdicts.get(verdict.customer_id)
        if current is None or current.judged_at < verdict.judged_at:  # as the SQL upsert
            self.verdicts[verdict.customer_id] = verdict


def _row(i) -> dict:
    from identify.adapters.repository import _identification_row

    return _identification_row(i)


class FakeUnitOfWork:
    def __init__(self, repo: FakeRepository | None = None) -> None:
        self.repo = repo or FakeRepository()
        self.published: list = []
        self.seen: set[str] = set()
        self._staged: list = []
        self._seen_staged: set[str] = set()
        self.commits = 0

    async def __aenter__(self):
        self._staged, self._seen_staged = [], set()
        return self

    async def __aexit__(self, *exc):
        self._staged, self._seen_staged = [], set()  # rollback of what was not committed

    def emit(self, event, key, trace_carrier=None):
        self._staged.append((event, key))

    async def first_delivery(self, event_id, topic):
        if event_id in self.seen or event_id in self._seen_staged:
            return False
        self._seen_staged.add(event_id)
        return True

    async def commit(self):
        self.published.extend(self._staged)
        self.seen |= self._seen_staged
        self._staged, self._seen_staged = [], set()
        self.commits += 1

    def events(self, kind) -> list:
        return [e for e, _ in self.published if isinstance(e, kind)]
