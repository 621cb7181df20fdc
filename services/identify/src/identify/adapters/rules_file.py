"""The bank's files, read and checked at start: the rating rules (``rating.toml``) and the
exchange rates (``exchange_rates.toml``). A mistake (an unknown key, a signal kind or occupation
that does not exist, a kind without points or lifetime) stops the service with the path of the
mistake in the file, rather than rating customers on a rule nobody meant."""

import tomllib
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from branchflow_contracts import CustomerTier, SignalCategory
from identify.domain.money import ExchangeRates
from identify.domain.rating import Band, RatingRules, TierRule
from identify.domain.signals import CATEGORY_OF_KIND, SIGNAL_KINDS
from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding

Points = Annotated[Decimal, Field(ge=0)]
Amount = Annotated[Decimal, Field(ge=0)]
LARGE_BUSINESS = SIGNAL_KINDS[SignalCategory.LARGE_BUSINESS]


class RulesFileError(ValueError):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Band(_Strict):
    at_least: Amount
    points: Points


class _Holdings(_Strict):
    points_per_intermediary_product: Points
    aum_bands: list[_Band]
    loan_bands: list[_Band]


class _Personal(_Strict):
    family_high_income: Points
    own_bank_vip: Points
    other_bank_vip: Points
    occupation: dict[Occupation, Points]
    address_area: dict[AddressArea, Points]
    social_standing: dict[SocialStanding, Points]


def _known_kinds(table: dict[str, object], allowed: frozenset[str] | set[str]) -> dict:
    unknown = sorted(set(table) - set(allowed) - {"default"})
    if unknown:
        raise ValueError(f"unknown signal kinds {unknown}; known: {sorted(allowed)}")
    return table


class _Signals(_Strict):
    large_business_min_amount: dict[str, Amount]
    points: dict[str, Points]
    lifetime_days: dict[str, Annotated[float, Field(gt=0)]]

    # a kind not listed scores 0; a large-business kind without a minimum amount never counts
    @field_validator("large_business_min_amount")
    @classmethod
    def _large_business(cls, table: dict) -> dict:
        return _known_kinds(table, LARGE_BUSINESS)

    @field_validator("points")
    @classmethod
    def _points(cls, table: dict) -> dict:
        return _known_kinds(table, CATEGORY_OF_KIND.keys())

    @field_validator("lifetime_days")
    @classmethod
    def _lifetimes(cls, table: dict) -> dict:
        _known_kinds(table, CATEGORY_OF_KIND.keys())
        if "default" not in table and (missing := sorted(set(CATEGORY_OF_KIND) - set(table))):
            raise ValueError(f"no lifetime for {missing} and no default")
        return table


class _Tier(_Strict):
    tier: CustomerTier
    min_aum: Amount | None = None
    max_aum: Amount | None = None
    min_score: Points | None = None
    min_business_with_us: Points | None = None
    min_wealth_indicators: Points | None = None
    banks_mainly_elsewhere: bool | None = None

    @model_validator(mode="after")
    def _not_ordinary(self) -> "_Tier":
        if self.tier is CustomerTier.ORDINARY:
            raise ValueError("ordinary is what no rule matched; it has no rule")
        return self


class _SystemMining(_Strict):
    min_amount: dict[str, Amount]


class _RulesFile(_Strict):
    version: str = Field(min_length=1)
    score_cap: Points = Decimal("100")
    holdings: _Holdings
    personal: _Personal
    signals: _Signals
    tiers: list[_Tier] = Field(min_length=1)
    system_mining: _SystemMining


def rules_from_dict(raw: dict) -> RatingRules:
    try:
        f = _RulesFile.model_validate(raw)
    except ValidationError as exc:
        raise RulesFileError(_errors(exc)) from None

    def bands(items: list[_Band]) -> tuple[Band, ...]:
        return tuple(
            sorted((Band(b.at_least, b.points) for b in items), key=lambda b: b.at_least, reverse=True)
        )

    days = f.signals.lifetime_days
    return RatingRules(
        version=f.version,
        aum_bands=bands(f.holdings.aum_bands),
        loan_bands=bands(f.holdings.loan_bands),
        points_per_intermediary_product=f.holdings.points_per_intermediary_product,
        occupation_points=dict(f.personal.occupation),
        address_points=dict(f.personal.address_area),
        family_high_income_points=f.personal.family_high_income,
        social_standing_points=dict(f.personal.social_standing),
        own_bank_vip_points=f.personal.own_bank_vip,
        other_bank_vip_points=f.personal.other_bank_vip,
        signal_points=dict(f.signals.points),
        large_business_min_amount=dict(f.signals.large_business_min_amount),
        signal_lifetimes={
            kind: timedelta(days=days.get(kind, days.get("default", 0))) for kind in CATEGORY_OF_KIND
        },
        tiers=tuple(TierRule(**t.model_dump()) for t in f.tiers),
        system_mining_min_amount=dict(f.system_mining.min_amount),
        score_cap=f.score_cap,
    )


def load_rules(path: Path) -> RatingRules:
    try:
        return rules_from_dict(_read(path))
    except RulesFileError as exc:
        raise RulesFileError(f"{path}: {exc}") from None


class _RatesFile(_Strict):
    as_of: date | str
    cny_per_unit: dict[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], Annotated[Decimal, Field(gt=0)]]


def rates_from_dict(raw: dict) -> ExchangeRates:
    try:
        f = _RatesFile.model_validate(raw)
    except ValidationError as exc:
        raise RulesFileError(_errors(exc)) from None
    return ExchangeRates(as_of=str(f.as_of), cny_per_unit=dict(f.cny_per_unit))


def load_exchange_rates(path: Path) -> ExchangeRates:
    try:
        return rates_from_dict(_read(path))
    except RulesFileError as exc:
        raise RulesFileError(f"{path}: {exc}") from None


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesFileError(str(exc)) from None


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
