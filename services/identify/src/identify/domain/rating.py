"""The comprehensive rating (综合评价): points for holdings, loans, intermediary business,
personal standing and observed signals; the tier follows from rules the bank sets in a file
(``rating.toml``), never from code."""

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from branchflow_contracts import CustomerTier, SignalCategory
from identify.domain.facts import CustomerFacts
from identify.domain.signals import ObservedSignal

# Points from these factors show wealth that need not be with us (what makes a "to win").
WEALTH_INDICATOR_FACTORS = frozenset({"appearance", "information", "large_business", "personal"})


@dataclass(frozen=True)
class Band:
    at_least: Decimal
    points: Decimal


@dataclass(frozen=True)
class TierRule:
    tier: CustomerTier
    min_aum: Decimal | None = None
    max_aum: Decimal | None = None
    min_score: Decimal | None = None
    min_wealth_indicators: Decimal | None = None

    def matches(self, aum: Decimal, score: Decimal, wealth_indicators: Decimal) -> bool:
        return (
            (self.min_aum is None or aum >= self.min_aum)
            and (self.max_aum is None or aum < self.max_aum)
            and (self.min_score is None or score >= self.min_score)
            and (self.min_wealth_indicators is None or wealth_indicators >= self.min_wealth_indicators)
        )


@dataclass(frozen=True)
class RatingRules:
    version: str
    aum_bands: tuple[Band, ...]
    loan_bands: tuple[Band, ...]
    points_per_intermediary_product: Decimal
    occupation_points: dict[str, Decimal]
    address_points: dict[str, Decimal]
    family_high_income_points: Decimal
    social_standing_points: dict[str, Decimal]
    own_bank_vip_points: Decimal
    other_bank_vip_points: Decimal
    signal_points: dict[str, Decimal]
    large_business_min_amount: dict[str, Decimal]
    tiers: tuple[TierRule, ...]
    system_mining_min_amount: dict[str, Decimal]
    score_cap: Decimal = Decimal("100")

    @classmethod
    def from_toml(cls, path: Path) -> "RatingRules":
        with open(path, "rb") as fh:
            return cls.from_dict(tomllib.load(fh))

    @classmethod
    def from_dict(cls, raw: dict) -> "RatingRules":
        def dec(value) -> Decimal:
            return Decimal(str(value))

        def bands(items) -> tuple[Band, ...]:
            parsed = [Band(dec(b["at_least"]), dec(b["points"])) for b in items]
            return tuple(sorted(parsed, key=lambda b: b.at_least, reverse=True))

        def table(items: dict) -> dict[str, Decimal]:
            return {k: dec(v) for k, v in items.items()}

        personal = raw["personal"]
        return cls(
            version=str(raw["version"]),
            aum_bands=bands(raw["holdings"]["aum_bands"]),
            loan_bands=bands(raw["holdings"]["loan_bands"]),
            points_per_intermediary_product=dec(raw["holdings"]["points_per_intermediary_product"]),
            occupation_points=table(personal["occupation"]),
            address_points=table(personal["address_area"]),
            family_high_income_points=dec(personal["family_high_income"]),
            social_standing_points=table(personal["social_standing"]),
            own_bank_vip_points=dec(personal["own_bank_vip"]),
            other_bank_vip_points=dec(personal["other_bank_vip"]),
            signal_points=table(raw["signals"]["points"]),
            large_business_min_amount=table(raw["signals"]["large_business_min_amount"]),
            tiers=tuple(
                TierRule(
                    tier=CustomerTier(rule["tier"]),
                    min_aum=dec(rule["min_aum"]) if "min_aum" in rule else None,
                    max_aum=dec(rule["max_aum"]) if "max_aum" in rule else None,
                    min_score=dec(rule["min_score"]) if "min_score" in rule else None,
                    min_wealth_indicators=(
                        dec(rule["min_wealth_indicators"]) if "min_wealth_indicators" in rule else None
                    ),
                )
                for rule in raw["tiers"]
            ),
            system_mining_min_amount=table(raw["system_mining"]["min_amount"]),
            score_cap=dec(raw.get("score_cap", 100)),
        )


@dataclass(frozen=True)
class ScoreItem:
    factor: str  # holdings | loans | intermediary | personal | appearance | information | …
    detail: str
    points: Decimal


@dataclass(frozen=True)
class Rating:
    tier: CustomerTier
    score: Decimal
    explanation: tuple[ScoreItem, ...]
    rules_version: str
    decided_by: str  # which tier rule matched, in words

    def explanation_dicts(self) -> list[dict]:
        return [{"factor": i.factor, "detail": i.detail, "points": str(i.points)} for i in self.explanation]


def _band_points(bands: tuple[Band, ...], amount: Decimal) -> Band | None:
    return next((band for band in bands if amount >= band.at_least), None)


def _holding_items(facts: CustomerFacts, rules: RatingRules) -> list[ScoreItem]:
    items = []
    if band := _band_points(rules.aum_bands, facts.aum):
        items.append(ScoreItem("holdings", f"assets with us ≥ {band.at_least:,} CNY", band.points))
    if band := _band_points(rules.loan_bands, facts.loans):
        items.append(ScoreItem("loans", f"loans ≥ {band.at_least:,} CNY", band.points))
    if products := facts.intermediary_products:
        points = rules.points_per_intermediary_product * len(products)
        items.append(ScoreItem("intermediary", f"holds {', '.join(products)}", points))
    return items


def _personal_items(facts: CustomerFacts, rules: RatingRules) -> list[ScoreItem]:
    items = []
    if facts.occupation and (p := rules.occupation_points.get(facts.occupation)):
        items.append(ScoreItem("personal", f"occupation: {facts.occupation}", p))
    if facts.address_area and (p := rules.address_points.get(facts.address_area)):
        items.append(ScoreItem("personal", f"address area: {facts.address_area}", p))
    if facts.family_high_income:
        items.append(ScoreItem("personal", "family with high income", rules.family_high_income_points))
    if facts.social_standing and (p := rules.social_standing_points.get(facts.social_standing)):
        items.append(ScoreItem("personal", f"social standing: {facts.social_standing}", p))
    if facts.own_bank_vip:
        items.append(ScoreItem("personal", "holds our VIP card", rules.own_bank_vip_points))
    if facts.other_bank_vip:
        items.append(ScoreItem("personal", "holds another bank's VIP card", rules.other_bank_vip_points))
    return items


def _signal_items(signals: list[ObservedSignal], rules: RatingRules) -> list[ScoreItem]:
    items, seen = [], set()
    for signal in signals:
        if signal.kind in seen:  # the same signal twice counts once
            continue
        if signal.category is SignalCategory.LARGE_BUSINESS:
            minimum = rules.large_business_min_amount.get(signal.kind)
            if minimum is None or signal.amount < minimum:
                continue
            detail = f"{signal.kind} ≥ {minimum:,} CNY"
        else:
            detail = signal.kind
        points = rules.signal_points.get(signal.kind, Decimal("0"))
        if points:
            seen.add(signal.kind)
            items.append(ScoreItem(str(signal.category), detail, points))
    return items


def rate(facts: CustomerFacts, signals: list[ObservedSignal], rules: RatingRules) -> Rating:
    explanation = [
        *_holding_items(facts, rules),
        *_personal_items(facts, rules),
        *_signal_items(signals, rules),
    ]
    score = min(sum((i.points for i in explanation), Decimal("0")), rules.score_cap)
    wealth_indicators = sum(
        (i.points for i in explanation if i.factor in WEALTH_INDICATOR_FACTORS), Decimal("0")
    )
    for rule in rules.tiers:
        if rule.matches(facts.aum, score, wealth_indicators):
            return Rating(rule.tier, score, tuple(explanation), rules.version, _describe(rule))
    return Rating(CustomerTier.ORDINARY, score, tuple(explanation), rules.version, "no premium rule matched")


def _describe(rule: TierRule) -> str:
    parts = []
    if rule.min_aum is not None:
        parts.append(f"assets ≥ {rule.min_aum:,}")
    if rule.max_aum is not None:
        parts.append(f"assets < {rule.max_aum:,}")
    if rule.min_score is not None:
        parts.append(f"score ≥ {rule.min_score}")
    if rule.min_wealth_indicators is not None:
        parts.append(f"wealth indicators ≥ {rule.min_wealth_indicators}")
    return f"{rule.tier}: " + " and ".join(parts)
