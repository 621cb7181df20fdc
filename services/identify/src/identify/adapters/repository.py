"""Loading and saving identification state. ``SqlIdentifyRepository`` is the real one; unit
tests use a fake with the same methods."""

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from branchflow_contracts import CustomerTier, SignalCategory
from identify.adapters.tables import customers, identifications, ratings
from identify.domain.facts import CustomerFacts
from identify.domain.identification import Identification
from identify.domain.rating import Rating
from identify.domain.signals import ObservedSignal

PERSONAL_FIELDS = ("name", "id_number", "phone", "address")
MONEY_FIELDS = ("deposits", "funds", "insurance", "wealth_products", "loans")


@dataclass(frozen=True)
class StoredCustomer:
    facts: CustomerFacts
    signals: tuple[ObservedSignal, ...]
    tier: CustomerTier | None = None  # of the current rating; None before the first one


class IdentifyRepository(Protocol):
    """Lists in, so that one transaction can carry many customers (group commit, sweeps)."""

    async def get_customers(self, customer_ids: list[str]) -> dict[str, StoredCustomer]: ...
    async def save_customers(self, customers: list[StoredCustomer]) -> None: ...
    async def save_ratings(self, ratings: list[tuple[CustomerFacts, Rating, datetime]]) -> None: ...
    async def add_identifications(self, identifications: list[Identification]) -> None: ...
    async def customers_due(self, rules_version: str, rated_before: datetime, limit: int) -> list[str]: ...


def facts_to_row(facts: CustomerFacts) -> dict:
    data = asdict(facts)
    personal = {name: data.pop(name) for name in PERSONAL_FIELDS}
    for name in MONEY_FIELDS:
        data[name] = str(data[name])
    return {
        "customer_id": data.pop("customer_id"),
        "branch_id": data.pop("branch_id"),
        "wealth_manager_id": data.pop("wealth_manager_id"),
        "facts": data,
        "personal_data": personal,
    }


def facts_from_row(row) -> CustomerFacts:
    known = {f.name for f in fields(CustomerFacts)}
    data = {k: v for k, v in row.facts.items() if k in known}
    for name in MONEY_FIELDS:
        if name in data:
            data[name] = Decimal(data[name])
    return CustomerFacts(
        customer_id=row.customer_id,
        branch_id=row.branch_id,
        wealth_manager_id=row.wealth_manager_id,
        **data,
        **{k: v for k, v in row.personal_data.items() if k in PERSONAL_FIELDS},
    )


def signals_to_json(signals: tuple[ObservedSignal, ...]) -> dict:
    return {
        s.kind: {"category": str(s.category), "amount": None if s.amount is None else str(s.amount)}
        for s in signals
    }


def signals_from_json(raw: dict) -> tuple[ObservedSignal, ...]:
    return tuple(
        ObservedSignal(
            SignalCategory(v["category"]),
            kind,
            None if v["amount"] is None else Decimal(v["amount"]),
        )
        for kind, v in raw.items()
    )


def _upsert(table: sa.Table, key: str) -> sa.TextClause:
    """INSERT … ON CONFLICT (key) DO UPDATE every other column, as SQL text: SQLAlchemy cannot
    cache the compiled form of its own ON CONFLICT construct, and compiling it on every call
    was the largest cost of an observation."""
    names = [c.name for c in table.columns]
    updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in names if n != key)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
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
_INSERT_IDENTIFICATION = identifications.insert()


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
            )
            for row in rows
        }

    async def save_customers(self, stored: list[StoredCustomer]) -> None:
        now = datetime.now(UTC)
        rows = [
            facts_to_row(s.facts) | {"signals": signals_to_json(s.signals), "updated_at": now} for s in stored
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
            }
            for facts, rating, rated_at in ratings_
        ]
        if rows:
            await self.session.execute(_UPSERT_RATING, rows)

    async def add_identifications(self, identifications_: list[Identification]) -> None:
        rows = [_identification_row(i) for i in identifications_]
        if rows:
            await self.session.execute(_INSERT_IDENTIFICATION, rows)

    async def customers_due(self, rules_version: str, rated_before: datetime, limit: int) -> list[str]:
        result = await self.session.execute(
            sa.select(customers.c.customer_id)
            .select_from(customers.outerjoin(ratings, ratings.c.customer_id == customers.c.customer_id))
            .where(
                sa.or_(
                    ratings.c.customer_id.is_(None),
                    ratings.c.rules_version != rules_version,
                    ratings.c.rated_at < rated_before,
                )
            )
            .order_by(customers.c.customer_id)
            .limit(limit)
            .with_for_update(of=customers, skip_locked=True)
        )
        return [row.customer_id for row in result]


def _identification_row(i: Identification) -> dict:
    return {
        "identification_id": i.identification_id,
        "customer_id": i.customer_id,
        "branch_id": i.branch_id,
        "channel": str(i.channel),
        "tier": str(i.rating.tier),
        "previous_tier": None if i.previous_tier is None else str(i.previous_tier),
        "score": i.rating.score,
        "explanation": i.rating.explanation_dicts(),
        "signals": [
            {
                "category": str(s.category),
                "kind": s.kind,
                "amount": None if s.amount is None else str(s.amount),
            }
            for s in i.signals
        ],
        "guidance": i.guidance.model_dump(mode="json"),
        "reason": i.reason,
        "identified_by": i.identified_by,
        "identified_at": i.identified_at,
        "trace_id": i.trace_id,
    }
