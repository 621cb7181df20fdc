"""Loading and saving identification state. ``SqlIdentifyRepository`` is the real one; unit
tests use a fake with the same methods."""

import uuid
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from branchflow_contracts import CustomerTier, Guidance, SignalCategory
from identify.adapters.tables import (
    customers,
    identifications,
    not_premium_verdicts,
    prospects,
    queue_checks,
    ratings,
    reratings,
)
from identify.domain.facts import CustomerFacts
from identify.domain.identification import Identification, Rerating
from identify.domain.prospect import Prospect
from identify.domain.rating import Rating
from identify.domain.signals import Conversion, ObservedSignal
from identify.domain.verdict import NotPremiumVerdict
from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding, UnknownTerm, parse_term

PERSONAL_FIELDS = ("name", "id_number", "phone", "address")
MONEY_FIELDS = ("deposits", "funds", "insurance", "wealth_products", "loans")
TERM_FIELDS = {"occupation": Occupation, "social_standing": SocialStanding, "address_area": AddressArea}


@dataclass(frozen=True)
class StoredCustomer:
    facts: CustomerFacts
    signals: tuple[ObservedSignal, ...]
    tier: CustomerTier | None = None  # of the current rating; None before the first one
    tier_raised_at: datetime | None = None  # when the tier last rose


@dataclass(frozen=True)
class RatingState:
    """What the sweep needs to know of a customer's current rating (None: never rated)."""

    rules_version: str
    rated_at: datetime
    next_expiry_at: datetime | None


@dataclass(frozen=True)
class QueueCheck:
    branch_id: str
    ticket: str | None
    customer_id: str | None
    purpose: str
    guidance: Guidance
    checked_by: str
    checked_at: datetime
    check_id: str = field(default_factory=lambda: str(uuid.uuid4()))


class IdentifyRepository(Protocol):
    """Lists in, so that one transaction can carry many customers (group commit, sweeps)."""

    async def get_customers(self, customer_ids: list[str]) -> dict[str, StoredCustomer]: ...
    async def save_customers(self, customers: list[StoredCustomer]) -> None: ...
    async def save_ratings(self, ratings: list[tuple[CustomerFacts, Rating, datetime]]) -> None: ...
    async def add_identifications(self, identifications: list[Identification]) -> None: ...
    async def add_reratings(self, reratings: list[Rerating]) -> None: ...
    async def customers_due(
        self, rules_version: str, rated_before: datetime, now: datetime, limit: int
    ) -> dict[str, RatingState | None]: ...
    async def lock_prospect(self, prospect_id: str) -> None: ...
    async def get_prospect(self, prospect_id: str) -> Prospect | None: ...
    async def save_prospect(self, prospect: Prospect, tier: CustomerTier) -> None: ...
    async def move_prospect_identifications(self, prospect_id: str, customer_id: str) -> list[dict]: ...
    async def set_handling(
        self, identification_id: str, outcome: str, by: str, at: datetime
    ) -> dict | None: ...
    async def mark_handled_unless_recorded(
        self, identification_id: str, outcome: str, by: str, at: datetime
    ) -> bool: ...
    async def add_queue_check(self, check: QueueCheck) -> None: ...
    async def get_verdicts(self, customer_ids: list[str]) -> dict[str, NotPremiumVerdict]: ...
    async def save_verdict(self, verdict: NotPremiumVerdict) -> None: ...


def facts_to_row(facts: CustomerFacts) -> dict:
    data = asdict(facts)
    personal = {name: data.pop(name) for name in PERSONAL_FIELDS}
    for name in MONEY_FIELDS:
        data[name] = str(data[name])
    for name in TERM_FIELDS:
        data[name] = None if data[name] is None else str(data[name])
    data.pop("our_customer")  # a stored customer is ours
    return {
        "customer_id": data.pop("customer_id"),
        "branch_id": data.pop("branch_id"),
        "wealth_manager_id": data.pop("wealth_manager_id"),
        "facts": data,
        "personal_data": personal,
    }


def _term(name: str, value, extra: dict):
    """A stored term as its code. Facts stored before terms were codes may hold free text: read
    it through the vocabulary; what matches nothing is kept aside in ``extra``, not scored."""
    if value is None:
        return None
    try:
        return parse_term(TERM_FIELDS[name], value)
    except UnknownTerm:
        extra[f"unmatched_{name}"] = value
        return None


def facts_from_row(row) -> CustomerFacts:
    known = {f.name for f in fields(CustomerFacts)}
    data = {k: v for k, v in row.facts.items() if k in known}
    data["extra"] = dict(data.get("extra") or {})
    for name in MONEY_FIELDS:
        if name in data:
            data[name] = Decimal(data[name])
    for name in TERM_FIELDS:
        if name in data:
            data[name] = _term(name, data[name], data["extra"])
    return CustomerFacts(
        customer_id=row.customer_id,
        branch_id=row.branch_id,
        wealth_manager_id=row.wealth_manager_id,
        **data,
        **{k: v for k, v in row.personal_data.items() if k in PERSONAL_FIELDS},
    )


def _signal_to_json(s: ObservedSignal) -> dict:
    return {
        "category": str(s.category),
        "amount": None if s.amount is None else str(s.amount),
        "observed_at": s.observed_at.isoformat(),
        "conversion": None if s.conversion is None else {k: str(v) for k, v in asdict(s.conversion).items()},
    }


def _signal_from_json(kind: str, v: dict) -> ObservedSignal:
    conversion = v.get("conversion")
    return ObservedSignal(
        SignalCategory(v["category"]),
        kind,
        None if v["amount"] is None else Decimal(v["amount"]),
        observed_at=datetime.fromisoformat(v["observed_at"]),
        conversion=None
        if conversion is None
        else Conversion(
            conversion["currency"],
            Decimal(conversion["amount"]),
            Decimal(conversion["cny_per_unit"]),
            conversion["rates_as_of"],
        ),
    )


def signals_to_json(signals: tuple[ObservedSignal, ...]) -> dict:
    """By kind, each kind a list (a smaller later large business is kept beside a larger one)."""
    out: dict[str, list] = {}
    for s in signals:
        out.setdefault(s.kind, []).append(_signal_to_json(s))
    return out


def signals_from_json(raw: dict) -> tuple[ObservedSignal, ...]:
    return tuple(_signal_from_json(kind, v) for kind, items in raw.items() for v in items)


def observed_to_json(signals: tuple[ObservedSignal, ...]) -> list[dict]:
    """The signals of one identification, as stored with it."""
    return [{"kind": s.kind, **_signal_to_json(s)} for s in signals]


def observed_from_json(raw: list[dict]) -> tuple[ObservedSignal, ...]:
    return tuple(_signal_from_json(v["kind"], v) for v in raw)


def _upsert(table: sa.Table, key: str, where: str = "") -> sa.TextClause:
    """INSERT … ON CONFLICT (key) DO UPDATE every other column (``where`` this holds), as SQL
    text: SQLAlchemy cannot cache the compiled form of its own ON CONFLICT construct, and
    compiling it on every call was the largest cost of an observation."""
    names = [c.name for c in table.columns]
    updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in names if n != key)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}" + (f" WHERE {where}" if where else "")
    )
    return sa.text(sql).bindparams(*(sa.bindparam(c.name, type_=c.type) for c in table.columns))


_CUSTOMERS_WITH_TIER = (
    sa.select(customers, ratings.c.tier.label("rated_tier"))
    .select_from(customers.outerjoin(ratings, ratings.c.customer_id == customers.c.customer_id))
    .where(customers.c.customer_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(customers.c.customer_id)  # one lock order for every transaction: no deadlocks
    .with_for_update(of=customers)
)
_UPSERT_CUSTOMER = _upsert(customers, "customer_id")
_UPSERT_RATING = _upsert(ratings, "customer_id")
_UPSERT_PROSPECT = _upsert(prospects, "prospect_id")
_LOCK_PROSPECT = sa.text("SELECT pg_advisory_xact_lock(hashtext('identify-prospect:' || :prospect_id))")
_INSERT_IDENTIFICATION = identifications.insert()
_VERDICTS = sa.select(not_premium_verdicts).where(
    not_premium_verdicts.c.customer_id.in_(sa.bindparam("ids", expanding=True))
)
_UPSERT_VERDICT = _upsert(
    not_premium_verdicts, "customer_id", where="not_premium_verdicts.judged_at < EXCLUDED.judged_at"
)
_INSERT_RERATING = reratings.insert()


class SqlIdentifyRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self.session = connection

    async def get_customers(self, customer_ids: list[str]) -> dict[str, StoredCustomer]:
        """The customers that exist among ``customer_ids``, locked for this transaction
        (concurrent observations of one customer queue up)."""
        if not customer_ids:
            return {}
        rows = await self.session.execute(_CUSTOMERS_WITH_TIER, {"ids": list(customer_ids)})
        return {
            row.customer_id: StoredCustomer(
                facts_from_row(row),
                signals_from_json(row.signals),
                CustomerTier(row.rated_tier) if row.rated_tier else None,
                row.tier_raised_at,
            )
            for row in rows
        }

    async def save_customers(self, stored: list[StoredCustomer]) -> None:
        now = datetime.now(UTC)
        rows = [
            facts_to_row(s.facts)
            | {
                "signals": signals_to_json(s.signals),
                "tier_raised_at": s.tier_raised_at,
                "updated_at": now,
            }
            for s in stored
        ]
        if rows:
            await self.session.execute(_UPSERT_CUSTOMER, rows)

    async def save_ratings(self, ratings_: list[tuple[CustomerFacts, Rating, datetime]]) -> None:
        rows = [
            {
                "customer_id": facts.customer_id,
                "branch_id": facts.branch_id,
                "tier": str(rating.tier),
                "score": rating.score,
                "explanation": rating.explanation_dicts(),
                "decided_by": rating.decided_by,
                "rules_version": rating.rules_version,
                "rated_at": rated_at,
                "next_expiry_at": rating.next_expiry,
            }
            for facts, rating, rated_at in ratings_
        ]
        if rows:
            await self.session.execute(_UPSERT_RATING, rows)

    async def add_identifications(self, identifications_: list[Identification]) -> None:
        rows = [_identification_row(i) for i in identifications_]
        if rows:
            await self.session.execute(_INSERT_IDENTIFICATION, rows)

    async def add_reratings(self, reratings_: list[Rerating]) -> None:
        rows = [_rerating_row(r) for r in reratings_]
        if rows:
            await self.session.execute(_INSERT_RERATING, rows)

    async def customers_due(
        self, rules_version: str, rated_before: datetime, now: datetime, limit: int
    ) -> dict[str, RatingState | None]:
        """Customers to re-rate: never rated, rated under other rules, with a signal run out, or
        rated before ``rated_before``. Locked, skipping those another sweeper holds."""
        result = await self.session.execute(
            sa.select(
                customers.c.customer_id, ratings.c.rules_version, ratings.c.rated_at, ratings.c.next_expiry_at
            )
            .select_from(customers.outerjoin(ratings, ratings.c.customer_id == customers.c.customer_id))
            .where(
                sa.or_(
                    ratings.c.customer_id.is_(None),
                    ratings.c.rules_version != rules_version,
                    ratings.c.next_expiry_at <= now,
                    ratings.c.rated_at < rated_before,
                )
            )
            .order_by(customers.c.customer_id)
            .limit(limit)
            .with_for_update(of=customers, skip_locked=True)
        )
        return {
            row.customer_id: None
            if row.rules_version is None
            else RatingState(row.rules_version, row.rated_at, row.next_expiry_at)
            for row in result
        }

    async def lock_prospect(self, prospect_id: str) -> None:
        """Serialize the transactions about one walk-in (the same phone at two desks at once),
        whether or not the prospect exists yet."""
        await self.session.execute(_LOCK_PROSPECT, {"prospect_id": prospect_id})

    async def get_prospect(self, prospect_id: str) -> Prospect | None:
        row = (
            await self.session.execute(
                sa.select(prospects).where(prospects.c.prospect_id == prospect_id).with_for_update()
            )
        ).first()
        return None if row is None else prospect_from_row(row)

    async def save_prospect(self, prospect: Prospect, tier: CustomerTier) -> None:
        await self.session.execute(_UPSERT_PROSPECT, [prospect_to_row(prospect, tier)])

    async def move_prospect_identifications(self, prospect_id: str, customer_id: str) -> list[dict]:
        """The prospect's identifications become the customer's; returned, oldest first."""
        result = await self.session.execute(
            identifications.update()
            .where(identifications.c.prospect_id == prospect_id, identifications.c.customer_id.is_(None))
            .values(customer_id=customer_id)
            .returning(*identifications.c)
        )
        return sorted((dict(row._mapping) for row in result), key=lambda r: r["identified_at"])

    async def set_handling(self, identification_id: str, outcome: str, by: str, at: datetime) -> dict | None:
        result = await self.session.execute(
            identifications.update()
            .where(identifications.c.identification_id == identification_id)
            .values(handling=outcome, handled_by=by, handled_at=at)
            .returning(*identifications.c)
        )
        row = result.first()
        return None if row is None else dict(row._mapping)

    async def mark_handled_unless_recorded(
        self, identification_id: str, outcome: str, by: str, at: datetime
    ) -> bool:
        """What the lobby recorded by hand stands; True when this marked the identification."""
        result = await self.session.execute(
            identifications.update()
            .where(
                identifications.c.identification_id == identification_id, identifications.c.handling.is_(None)
            )
            .values(handling=outcome, handled_by=by, handled_at=at)
        )
        return result.rowcount == 1

    async def add_queue_check(self, check: QueueCheck) -> None:
        await self.session.execute(
            queue_checks.insert(), [asdict(check) | {"guidance": check.guidance.model_dump(mode="json")}]
        )

    async def get_verdicts(self, customer_ids: list[str]) -> dict[str, NotPremiumVerdict]:
        """The latest not-premium verdict of each of these customers that has one."""
        if not customer_ids:
            return {}
        rows = await self.session.execute(_VERDICTS, {"ids": list(customer_ids)})
        return {
            row.customer_id: NotPremiumVerdict(
                customer_id=row.customer_id,
                branch_id=row.branch_id,
                judged_at=row.judged_at,
                until=row.until,
                judged_by=row.judged_by,
                referral_id=row.referral_id,
            )
            for row in rows
        }

    async def save_verdict(self, verdict: NotPremiumVerdict) -> None:
        """Kept unless a later verdict is there already (the handler checks the same; this keeps
        it true should two verdicts on one customer ever be applied side by side)."""
        await self.session.execute(_UPSERT_VERDICT, asdict(verdict) | {"recorded_at": datetime.now(UTC)})


def prospect_to_row(p: Prospect, tier: CustomerTier) -> dict:
    return {
        "prospect_id": p.prospect_id,
        "branch_id": p.branch_id,
        "name": p.name,
        "phone": p.phone,
        "signals": signals_to_json(p.signals),
        "tier": str(tier),
        "recorded_by": p.recorded_by,
        "recorded_at": p.recorded_at,
        "customer_id": p.customer_id,
        "linked_by": p.linked_by,
        "linked_at": p.linked_at,
    }


def prospect_from_row(row) -> Prospect:
    return Prospect(
        branch_id=row.branch_id,
        name=row.name,
        phone=row.phone,
        recorded_by=row.recorded_by,
        signals=signals_from_json(row.signals),
        customer_id=row.customer_id,
        linked_by=row.linked_by,
        linked_at=row.linked_at,
        prospect_id=str(row.prospect_id),
        recorded_at=row.recorded_at,
    )


def _identification_row(i: Identification) -> dict:
    return {
        "identification_id": i.identification_id,
        "customer_id": i.customer_id,
        "prospect_id": i.prospect_id,
        "branch_id": i.branch_id,
        "channel": str(i.channel),
        "tier": str(i.rating.tier),
        "previous_tier": None if i.previous_tier is None else str(i.previous_tier),
        "score": i.rating.score,
        "explanation": i.rating.explanation_dicts(),
        "signals": observed_to_json(i.signals),
        "guidance": i.guidance.model_dump(mode="json"),
        "reason": i.reason,
        "purpose": i.purpose,
        "identified_by": i.identified_by,
        "observer_role": i.observer_role,
        "identified_at": i.identified_at,
        "trace_id": i.trace_id,
        "handling": None,
        "handled_by": None,
        "handled_at": None,
    }


def _rerating_row(r: Rerating) -> dict:
    return {
        "rerating_id": r.rerating_id,
        "customer_id": r.customer_id,
        "branch_id": r.branch_id,
        "cause": str(r.cause),
        "previous_tier": None if r.previous_tier is None else str(r.previous_tier),
        "tier": str(r.rating.tier),
        "score": r.rating.score,
        "explanation": r.rating.explanation_dicts(),
        "rules_version": r.rating.rules_version,
        "rerated_by": r.rerated_by,
        "rerated_at": r.rerated_at,
        "trace_id": r.trace_id,
    }
