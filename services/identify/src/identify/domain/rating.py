"""The comprehensive rating (综合评价): points for holdings, loans, intermediary business,
personal standing and observed signals; the customer type follows from rules the bank sets in a
file (``rating.toml``), never from code. What the code does decide is what each type *means*
(DOMAIN.md §1, seed pages 10–12):

- ``potential`` (现有潜质客户): much business with us, and signs of growth — a rule can ask for
  ``min_business_with_us`` and ``min_wealth_indicators``;
- ``to_win`` (待争取优质客户): wealthy, but banks mainly elsewhere — ``banks_mainly_elsewhere``
  is true on record (a fact), when the customer says so, shows another bank's VIP card, or is
  not our customer yet;
- one piece of evidence counts once, however many ways it was learnt: another bank's VIP card
  as a fact and as a signal, a high-end address as a fact and as information, are one each.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from branchflow_contracts import CustomerTier, SignalCategory
from identify.domain import signals as signal_memory
from identify.domain.facts import CustomerFacts
from identify.domain.signals import ObservedSignal
from identify.domain.texts import explain
from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding

ZERO = Decimal("0")


class Factor(StrEnum):
    """What a line of the explanation is about (``ScoreItem.factor``)."""

    HOLDINGS = "holdings"
    LOANS = "loans"
    INTERMEDIARY = "intermediary"
    PERSONAL = "personal"
    # an observed signal's category
    LARGE_BUSINESS = "large_business"
    ACCOUNT_OPENING = "account_opening"
    APPEARANCE = "appearance"
    INFORMATION = "information"
    TIER = "tier"  # why this type, why not the next one up


class ElsewhereEvidence(StrEnum):
    """The evidence that a customer banks mainly elsewhere, named in the tier lines."""

    OTHER_BANK_VIP = "other_bank_vip"
    BANKS_MAINLY_ELSEWHERE = "banks_mainly_elsewhere"
    NOT_OUR_CUSTOMER = "not_our_customer"


# What a piece of evidence shows, besides its points in the score.
WEALTH = "wealth"  # economic strength, wherever it is kept
BUSINESS_WITH_US = "business_with_us"  # the customer's business with this bank
BANKS_ELSEWHERE = "banks_elsewhere"  # the customer's main business is with another bank

_SHOWS_WEALTH = frozenset({WEALTH})
_SHOWS_BUSINESS = frozenset({BUSINESS_WITH_US})
_SHOWS_BOTH = frozenset({WEALTH, BUSINESS_WITH_US})
_SHOWS_ELSEWHERE = frozenset({BANKS_ELSEWHERE})

# Signals that are the same evidence as a fact (the key names that one piece of evidence).
SIGNAL_EVIDENCE: dict[str, str] = {
    "own_bank_vip_card": "own_bank_vip",
    "other_bank_vip_card": "other_bank_vip",
    "high_end_residence": "residence",
    "high_end_workplace": "workplace",
    "high_income_profession": "profession",
    "family_high_income": "family_income",
    "celebrity": "social_standing",
    "main_bank_elsewhere": "banks_mainly_elsewhere",
}
EVIDENCE_SHOWS: dict[str, frozenset[str]] = {
    "holdings": _SHOWS_BUSINESS,
    "loans": _SHOWS_BUSINESS,
    "intermediary": _SHOWS_BUSINESS,
    "own_bank_vip": _SHOWS_BOTH,
    "other_bank_vip": frozenset({WEALTH, BANKS_ELSEWHERE}),
    "banks_mainly_elsewhere": _SHOWS_ELSEWHERE,
    "not_our_customer": _SHOWS_ELSEWHERE,
    "safe_deposit_box": _SHOWS_BOTH,
}


def _shows(evidence: str, category: SignalCategory | None) -> frozenset[str]:
    if evidence in EVIDENCE_SHOWS:
        return EVIDENCE_SHOWS[evidence]
    if category is SignalCategory.LARGE_BUSINESS:  # large business done with us
        return _SHOWS_BOTH
    return _SHOWS_WEALTH


@dataclass(frozen=True)
class Band:
    at_least: Decimal
    points: Decimal


@dataclass(frozen=True)
class Condition:
    """One condition of a tier rule, evaluated: ``name.met`` / ``name.unmet`` in the texts."""

    name: str
    value: str
    threshold: str | None
    met: bool

    @property
    def code(self) -> str:
        return f"{self.name}.{'met' if self.met else 'unmet'}"

    def params(self) -> dict:
        return {"condition": self.name, "value": self.value, "threshold": self.threshold, "met": self.met}


@dataclass(frozen=True)
class Measures:
    """What the tier rules compare, from one customer's counted evidence."""

    aum: Decimal
    score: Decimal
    business_with_us: Decimal
    wealth_indicators: Decimal
    elsewhere_evidence: tuple[str, ...]  # the evidence that the main bank is another


@dataclass(frozen=True)
class TierRule:
    tier: CustomerTier
    min_aum: Decimal | None = None
    max_aum: Decimal | None = None
    min_score: Decimal | None = None
    min_business_with_us: Decimal | None = None
    min_wealth_indicators: Decimal | None = None
    banks_mainly_elsewhere: bool | None = None  # True: required; False: excluded

    def conditions(self, m: Measures) -> list[Condition]:
        out = []
        for name, value in (
            ("min_aum", m.aum),
            ("min_score", m.score),
            ("min_business_with_us", m.business_with_us),
            ("min_wealth_indicators", m.wealth_indicators),
        ):
            threshold = getattr(self, name)
            if threshold is not None:
                out.append(Condition(name, str(value), str(threshold), value >= threshold))
        if self.max_aum is not None:
            out.append(Condition("max_aum", str(m.aum), str(self.max_aum), m.aum < self.max_aum))
        if self.banks_mainly_elsewhere is not None:
            elsewhere = bool(m.elsewhere_evidence)
            name = "banks_mainly_elsewhere" if self.banks_mainly_elsewhere else "not_banks_mainly_elsewhere"
            out.append(
                Condition(
                    name, ", ".join(m.elsewhere_evidence), None, elsewhere == self.banks_mainly_elsewhere
                )
            )
        return out


@dataclass(frozen=True)
class RatingRules:
    version: str
    aum_bands: tuple[Band, ...]  # highest first
    loan_bands: tuple[Band, ...]
    points_per_intermediary_product: Decimal
    occupation_points: dict[Occupation, Decimal]
    address_points: dict[AddressArea, Decimal]
    family_high_income_points: Decimal
    social_standing_points: dict[SocialStanding, Decimal]
    own_bank_vip_points: Decimal
    other_bank_vip_points: Decimal
    signal_points: dict[str, Decimal]
    large_business_min_amount: dict[str, Decimal]
    signal_lifetimes: dict[str, timedelta]
    tiers: tuple[TierRule, ...]
    system_mining_min_amount: dict[str, Decimal]
    score_cap: Decimal = Decimal("100")


@dataclass(frozen=True)
class ScoreItem:
    """One line of a rating's explanation: a code and its parameters (for the catalogues), the
    English ``detail``, and the points it adds (0 for the lines that say why this type)."""

    factor: str  # holdings | loans | intermediary | personal | <signal category> | tier
    code: str
    points: Decimal
    params: dict = field(default_factory=dict)
    evidence: str = ""  # the piece of evidence; one line per piece
    shows: frozenset[str] = frozenset()  # what the evidence shows besides points

    @property
    def detail(self) -> str:
        return explain(self.code, self.params)


@dataclass(frozen=True)
class Rating:
    tier: CustomerTier
    score: Decimal
    explanation: tuple[ScoreItem, ...]
    rules_version: str
    decided_by: str  # which tier rule matched, in words
    business_with_us: Decimal = ZERO
    wealth_indicators: Decimal = ZERO
    next_expiry: datetime | None = None  # when a counted signal stops counting

    def explanation_dicts(self) -> list[dict]:
        return [
            {
                "factor": i.factor,
                "code": i.code,
                "params": i.params,
                "detail": i.detail,
                "points": str(i.points),
            }
            for i in self.explanation
        ]


def _band(bands: tuple[Band, ...], amount: Decimal) -> Band | None:
    return next((band for band in bands if amount >= band.at_least), None)


def _line(
    factor: str,
    code: str,
    points: Decimal,
    params: dict,
    evidence: str,
    category: SignalCategory | None = None,
) -> ScoreItem:
    return ScoreItem(factor, code, points, params, evidence, _shows(evidence, category))


def _fact_items(facts: CustomerFacts, rules: RatingRules) -> list[ScoreItem]:
    items = []
    if band := _band(rules.aum_bands, facts.aum):
        items.append(
            _line("holdings", "holdings.assets", band.points, {"at_least": str(band.at_least)}, "holdings")
        )
    if band := _band(rules.loan_bands, facts.loans):
        items.append(_line("loans", "loans.amount", band.points, {"at_least": str(band.at_least)}, "loans"))
    if products := facts.intermediary_products:
        points = rules.points_per_intermediary_product * len(products)
        items.append(
            _line("intermediary", "intermediary.products", points, {"products": products}, "intermediary")
        )
    if facts.occupation and (points := rules.occupation_points.get(facts.occupation)):
        params = {"occupation": str(facts.occupation)}
        items.append(_line("personal", "personal.occupation", points, params, "profession"))
    if facts.social_standing and (points := rules.social_standing_points.get(facts.social_standing)):
        params = {"social_standing": str(facts.social_standing)}
        items.append(_line("personal", "personal.social_standing", points, params, "social_standing"))
    if facts.address_area and (points := rules.address_points.get(facts.address_area)):
        evidence = "workplace" if facts.address_area is AddressArea.HIGH_END_OFFICE else "residence"
        params = {"address_area": str(facts.address_area)}
        items.append(_line("personal", "personal.address_area", points, params, evidence))
    flags = [
        (facts.family_high_income, "personal.family_high_income", rules.family_high_income_points,
         "family_income"),
        (facts.own_bank_vip, "personal.own_bank_vip", rules.own_bank_vip_points, "own_bank_vip"),
        (facts.other_bank_vip, "personal.other_bank_vip", rules.other_bank_vip_points, "other_bank_vip"),
        (facts.banks_mainly_elsewhere, "personal.banks_mainly_elsewhere", ZERO, "banks_mainly_elsewhere"),
        (not facts.our_customer, "personal.not_our_customer", ZERO, "not_our_customer"),
    ]  # fmt: skip
    items.extend(
        _line("personal", code, points, {}, evidence) for held, code, points, evidence in flags if held
    )
    return items


def _signal_items(counting: dict[str, ObservedSignal], rules: RatingRules) -> list[ScoreItem]:
    items = []
    for kind, signal in sorted(counting.items()):
        params = {"kind": kind, "observed_on": signal.observed_at.date().isoformat()}
        code = "signal.observed"
        if signal.category is SignalCategory.LARGE_BUSINESS:
            minimum = rules.large_business_min_amount.get(kind)
            if minimum is None or signal.amount < minimum:
                continue
            params["min_amount"] = str(minimum)
            code = "signal.large_business"
            if c := signal.conversion:
                code = "signal.large_business_converted"
                params |= {
                    "currency": c.currency,
                    "original_amount": str(c.amount),
                    "cny_per_unit": str(c.cny_per_unit),
                    "rates_as_of": c.rates_as_of,
                }
        line = _line(str(signal.category), code, rules.signal_points.get(kind, ZERO), params,
                     SIGNAL_EVIDENCE.get(kind, kind), signal.category)  # fmt: skip
        if line.points or BANKS_ELSEWHERE in line.shows:  # evidence of banking elsewhere scores 0
            items.append(line)
    return items


def _once_per_evidence(items: list[ScoreItem]) -> list[ScoreItem]:
    """One line per piece of evidence: the way of knowing it that scores most, the others named."""
    by_evidence: dict[str, list[ScoreItem]] = {}
    for item in items:
        by_evidence.setdefault(item.evidence, []).append(item)
    counted = []
    for group in by_evidence.values():
        best = max(group, key=lambda i: i.points)  # first of the highest: facts before signals
        others = [i for i in group if i is not best]
        if others:
            also = [{"code": i.code, "params": i.params} for i in others]
            best = replace(best, params={**best.params, "also": also})
        counted.append(best)
    return counted


def measure(facts: CustomerFacts, items: list[ScoreItem], rules: RatingRules) -> Measures:
    def total(shown: str) -> Decimal:
        return sum((i.points for i in items if shown in i.shows), ZERO)

    elsewhere = tuple(i.evidence for i in items if BANKS_ELSEWHERE in i.shows)
    return Measures(
        aum=facts.aum,
        score=min(sum((i.points for i in items), ZERO), rules.score_cap),
        business_with_us=total(BUSINESS_WITH_US),
        wealth_indicators=total(WEALTH),
        elsewhere_evidence=elsewhere,
    )


def rate(
    facts: CustomerFacts, remembered: tuple[ObservedSignal, ...] | list, rules: RatingRules, now: datetime
) -> Rating:
    """Rate on the facts and the signals that still count at ``now``."""
    counting = signal_memory.current(tuple(remembered), rules.signal_lifetimes, now)
    items = _once_per_evidence([*_fact_items(facts, rules), *_signal_items(counting, rules)])
    m = measure(facts, items, rules)
    matched = next((r for r in rules.tiers if all(c.met for c in r.conditions(m))), None)
    tier = matched.tier if matched else CustomerTier.ORDINARY
    lines = [*items, *_why_this_type(matched, m, rules)]
    return Rating(
        tier=tier,
        score=m.score,
        explanation=tuple(lines),
        rules_version=rules.version,
        decided_by=lines[len(items)].detail,
        business_with_us=m.business_with_us,
        wealth_indicators=m.wealth_indicators,
        next_expiry=signal_memory.next_expiry(tuple(counting.values()), rules.signal_lifetimes, now),
    )


def _why_this_type(matched: TierRule | None, m: Measures, rules: RatingRules) -> list[ScoreItem]:
    """A line that says why this type, and one that says why not the next type up (the type of
    the rules just before, in the file's order)."""
    if matched is None:
        lines = [ScoreItem("tier", "tier.no_rule", ZERO, {"tier": str(CustomerTier.ORDINARY)})]
        position = len(rules.tiers)
    else:
        conditions = matched.conditions(m)
        params = {"tier": str(matched.tier), "conditions": [c.params() for c in conditions]}
        lines = [ScoreItem("tier", "tier.matched", ZERO, params)]
        position = rules.tiers.index(matched)
    higher = [r for r in rules.tiers[:position] if matched is None or r.tier != matched.tier]
    if higher:
        next_tier = higher[-1].tier
        unmet = [[c for c in r.conditions(m) if not c.met] for r in higher if r.tier == next_tier]
        params = {"next_tier": str(next_tier), "unmet": [[c.params() for c in rule] for rule in unmet]}
        lines.append(ScoreItem("tier", "tier.not_next", ZERO, params))
    return lines
