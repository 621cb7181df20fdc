"""Loading and saving identification state. ``SqlIdentifyRepository`` is the real one; unit
tests use a fake with the same methods."""

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

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


@dataclass(frozen=True)
class StoredRating:
    tier: CustomerTier
    rules_version: str
    rated_at: datetime


class IdentifyRepository(Protocol):
    async def get_customer(self, customer_id: str) -> StoredCustomer | None: ...
    async def save_customer(self, facts: CustomerFacts, signals: tuple[ObservedSignal, ...]) -> None: ...
    async def get_rating(self, customer_id: str) -> StoredRating | None: ...
    async def save_rating(self, facts: CustomerFacts, rating: Rating, rated_at: datetime) -> None: ...
    async def add_identification(self, identification: Identification) -> None: ...
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


class SqlIdentifyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_customer(self, customer_id: str) -> StoredCustomer | None:
        row = (
            await self.session.execute(
                sa.select(customers).where(customers.c.customer_id == customer_id).with_for_update()
            )
        ).first()
        if row is None:
            return None
        return StoredCustomer(facts_from_row(row), signals_from_json(row.signals))

    async def save_customer(self, facts: CustomerFacts, signals: tuple[ObservedSignal, ...]) -> None:
        row = facts_to_row(facts) | {
            "signals": signals_to_json(signals),
            "updated_at": sa.func.now(),
        }
        stmt = insert(customers).values(**row)
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[customers.c.customer_id],
                set_={k: stmt.excluded[k] for k in row if k != "customer_id"},
            )
        )

    async def get_rating(self, customer_id: str) -> StoredRating | None:
        row = (
            await self.session.execute(
                sa.select(ratings.c.tier, ratings.c.rules_version, ratings.c.rated_at).where(
                    ratings.c.customer_id == customer_id
                )
            )
        ).first()
        return None if row is None else StoredRating(CustomerTier(row.tier), row.rules_version, row.rated_at)

    async def save_rating(self, facts: CustomerFacts, rating: Rating, rated_at: datetime) -> None:
        row = {
            "customer_id": facts.customer_id,
            "branch_id": facts.branch_id,
            "tier": str(rating.tier),
            "score": rating.score,
            "explanation": rating.explanation_dicts(),
            "decided_by": rating.decided_by,
            "rules_version": rating.rules_version,
            "rated_at": rated_at,
        }
        stmt = insert(ratings).values(**row)
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[ratings.c.customer_id],
                set_={k: stmt.excluded[k] for k in row if k != "customer_id"},
            )
        )

    async def add_identification(self, identification: Identification) -> None:
        i = identification
        await self.session.execute(
            identifications.insert().values(
                identification_id=i.identification_id,
                customer_id=i.customer_id,
                branch_id=i.branch_id,
                channel=str(i.channel),
                tier=str(i.rating.tier),
                previous_tier=None if i.previous_tier is None else str(i.previous_tier),
                score=i.rating.score,
                explanation=i.rating.explanation_dicts(),
                signals=[
                    {
                        "category": str(s.category),
                        "kind": s.kind,
                        "amount": None if s.amount is None else str(s.amount),
                    }
                    for s in i.signals
                ],
                guidance=i.guidance.model_dump(mode="json"),
                reason=i.reason,
                identified_by=i.identified_by,
                identified_at=i.identified_at,
                trace_id=i.trace_id,
            )
        )

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
