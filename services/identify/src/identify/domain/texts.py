"""Every staff-facing English text of the identify service, one table per concern, keyed by the
code that travels on the wire beside it. These tables are the source for the zh-CN/English
catalogues: a client shows the catalogue's text for the code and its parameters; the English
text here is what v1 clients get in ``script`` and ``detail``.

Parameters are named in braces; amounts are passed as plain decimal strings and shown here
with thousands separators."""

from decimal import Decimal, InvalidOperation

# What the lobby says and does (Guidance.script_code → Guidance.script).
GUIDANCE_SCRIPTS: dict[str, str] = {
    "meet_wealth_manager_now": "Invite the customer to meet a wealth manager now; the wealth manager "
    "also sees that today's business is served first.",
    "meet_wealth_manager_or_card": "Invite the customer to meet a wealth manager now; if they are in a "
    "hurry, hand over the wealth manager's card and agree a contact time.",
    "priority_counter_first": "Take the customer to the priority counter (green channel) first; then "
    "hand over the wealth manager's card and agree a contact time.",
    "fast_e_channel_first": "Help the customer through the fast e-channel first; then hand over the "
    "wealth manager's card and agree a contact time.",
    "priority_counter": "Take the customer to the priority counter (green channel).",
    "fast_e_channel": "Help the customer through the fast e-channel.",
    "card_and_contact_time": "Hand over a wealth manager's card and agree a time for a call; then serve "
    "today's business as usual.",
    "divert.small_cash": "Walk the customer to the self-service machines and help with the first step.",
    "divert.bill_payment": "Show the bill-payment machine; offer to set up mobile-banking payments.",
    "divert.transfer": "Offer to do it together on mobile banking; a counter ticket if they prefer.",
    "divert.account_inquiry": "Show the inquiry on mobile banking or the self-service terminal.",
    "divert.complex_non_cash": "Give a non-cash counter ticket and check the documents while they wait.",
    "divert.large_cash": "Give a cash counter ticket.",
    "divert.investment": "Give a non-cash counter ticket; product leaflets are on the stand.",
    "divert.other": "Ask what they need and give the matching ticket.",
    "queue.keep_ticket": "Keep the ticket: this needs the counter. Check the documents while they wait.",
}

# Lines of a rating's explanation (ScoreItem.code → ScoreItem.detail).
EXPLANATION_TEXTS: dict[str, str] = {
    "holdings.assets": "assets with us ≥ {at_least} CNY",
    "loans.amount": "loans ≥ {at_least} CNY",
    "intermediary.products": "holds {products}",
    "personal.occupation": "occupation: {occupation}",
    "personal.address_area": "address area: {address_area}",
    "personal.family_high_income": "family with high income",
    "personal.social_standing": "social standing: {social_standing}",
    "personal.own_bank_vip": "holds our VIP card",
    "personal.other_bank_vip": "holds another bank's VIP card",
    "personal.banks_mainly_elsewhere": "banks mainly elsewhere (on record)",
    "personal.not_our_customer": "not our customer yet (walk-in prospect)",
    "signal.observed": "{kind}, seen {observed_on}",
    "signal.large_business": "{kind} ≥ {min_amount} CNY, {observed_on}",
    "signal.large_business_converted": "{kind} ≥ {min_amount} CNY ({currency} {original_amount} at "
    "{cny_per_unit}, rates of {rates_as_of}), {observed_on}",
    "evidence.counted_once": "{line} — also known as {also}; counted once",
    "tier.matched": "{tier}: {conditions}",
    "tier.no_rule": "{tier}: no rule for another type matched",
    "tier.not_next": "not {next_tier}: {unmet}",
}

# One condition of a tier rule, met or not (used inside the tier lines).
CONDITION_TEXTS: dict[str, str] = {
    "min_aum.met": "assets with us {value} ≥ {threshold} CNY",
    "min_aum.unmet": "assets with us {value} < {threshold} CNY",
    "max_aum.met": "assets with us {value} < {threshold} CNY",
    "max_aum.unmet": "assets with us {value} ≥ {threshold} CNY",
    "min_score.met": "score {value} ≥ {threshold}",
    "min_score.unmet": "score {value} < {threshold}",
    "min_business_with_us.met": "business with us {value} ≥ {threshold} points",
    "min_business_with_us.unmet": "business with us {value} < {threshold} points",
    "min_wealth_indicators.met": "signs of wealth {value} ≥ {threshold} points",
    "min_wealth_indicators.unmet": "signs of wealth {value} < {threshold} points",
    "banks_mainly_elsewhere.met": "banks mainly elsewhere ({value})",
    "banks_mainly_elsewhere.unmet": "no sign of banking mainly elsewhere",
    "not_banks_mainly_elsewhere.met": "no sign of banking mainly elsewhere",
    "not_banks_mainly_elsewhere.unmet": "banks mainly elsewhere ({value})",
}

# Why something was refused (error codes → messages).
REFUSAL_TEXTS: dict[str, str] = {
    "vocabulary.unknown_term": "{value!r} is not a known {field}; use one of {known} (or its Chinese name)",
    "money.no_exchange_rate": "no exchange rate for {currency} in the rates of {rates_as_of}; amounts in "
    "it are not compared with CNY thresholds",
    "observation.channel_not_for_role": "channel {channel} is not for role {role}; use {allowed}",
    "prospect.not_found": "no prospect {prospect_id}",
    "prospect.already_linked": "prospect {prospect_id} is already linked to customer {customer_id}",
    "prospect.other_branch_customer": "customer {customer_id} belongs to branch {customer_branch}, "
    "not the prospect's branch {branch_id}",
}


# parameters that hold amounts, shown with thousands separators
AMOUNT_PARAMS = frozenset({"at_least", "min_amount", "original_amount", "value", "threshold"})


def _shown(name: str, value):
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if name in AMOUNT_PARAMS and isinstance(value, str):
        try:
            return f"{Decimal(value):,}"
        except InvalidOperation:
            return value
    return value


def render(table: dict[str, str], code: str, params: dict | None = None) -> str:
    """The English text of ``code`` with its parameters, amounts with thousands separators."""
    return table[code].format(**{k: _shown(k, v) for k, v in (params or {}).items()})
