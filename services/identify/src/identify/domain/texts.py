"""Every staff-facing text of the identify service, one table per concern, keyed by the code that
travels on the wire beside it. Each text is marked for identify's gettext catalogue (``N_``:
``make i18n`` extracts it); the English here is the msgid. (The guidance scripts are shared
vocabulary: ``branchflow_contracts.GuidanceScript``.)

A text is said by a ``Wording``. This module's is English with codes as they are: what is stored
with a rating and logged. ``identify.labels.CALLERS`` says the same texts in the caller's
language, with codes as their labels. Parameters are named in braces; amounts are passed as plain
decimal strings and shown with thousands separators."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation


def N_(message: str) -> str:
    """Marks a text for identify's catalogue; it is translated where it is shown. The domain
    imports no framework, so the marker is this one."""
    return message


def NC_(context: str, message: str) -> str:
    """``N_`` with a context."""
    return message


# Lines of a rating's explanation (ScoreItem.code → ScoreItem.detail).
EXPLANATION_TEXTS: dict[str, str] = {
    "holdings.assets": N_("assets with us ≥ {at_least} CNY"),
    "loans.amount": N_("loans ≥ {at_least} CNY"),
    "intermediary.products": N_("holds {products}"),
    "personal.occupation": N_("occupation: {occupation}"),
    "personal.address_area": N_("address area: {address_area}"),
    "personal.family_high_income": N_("family with high income"),
    "personal.social_standing": N_("social standing: {social_standing}"),
    "personal.own_bank_vip": N_("holds our VIP card"),
    "personal.other_bank_vip": N_("holds another bank's VIP card"),
    "personal.banks_mainly_elsewhere": N_("banks mainly elsewhere (on record)"),
    "personal.not_our_customer": N_("not our customer yet (walk-in prospect)"),
    "signal.observed": N_("{kind}, seen {observed_on}"),
    "signal.large_business": N_("{kind} ≥ {min_amount} CNY, {observed_on}"),
    "signal.large_business_converted": N_(
        "{kind} ≥ {min_amount} CNY ({currency} {original_amount} at {cny_per_unit}, rates of "
        "{rates_as_of}), {observed_on}"
    ),
    "evidence.counted_once": N_("{line} — also known as {also}; counted once"),
    "tier.matched": N_("{tier}: {conditions}"),
    "tier.no_rule": N_("{tier}: no rule for another type matched"),
    "tier.not_next": N_("not {next_tier}: {unmet}"),
}

# One condition of a tier rule, met or not (used inside the tier lines).
CONDITION_TEXTS: dict[str, str] = {
    "min_aum.met": N_("assets with us {value} ≥ {threshold} CNY"),
    "min_aum.unmet": N_("assets with us {value} < {threshold} CNY"),
    "max_aum.met": N_("assets with us {value} < {threshold} CNY"),
    "max_aum.unmet": N_("assets with us {value} ≥ {threshold} CNY"),
    "min_score.met": N_("score {value} ≥ {threshold}"),
    "min_score.unmet": N_("score {value} < {threshold}"),
    "min_business_with_us.met": N_("business with us {value} ≥ {threshold} points"),
    "min_business_with_us.unmet": N_("business with us {value} < {threshold} points"),
    "min_wealth_indicators.met": N_("signs of wealth {value} ≥ {threshold} points"),
    "min_wealth_indicators.unmet": N_("signs of wealth {value} < {threshold} points"),
    "banks_mainly_elsewhere.met": N_("banks mainly elsewhere ({evidence})"),
    "banks_mainly_elsewhere.unmet": N_("no sign of banking mainly elsewhere"),
    "not_banks_mainly_elsewhere.met": N_("no sign of banking mainly elsewhere"),
    "not_banks_mainly_elsewhere.unmet": N_("banks mainly elsewhere ({evidence})"),
}
# the conditions whose value is the evidence of banking elsewhere (codes, comma-separated)
EVIDENCE_CONDITIONS = frozenset({"banks_mainly_elsewhere", "not_banks_mainly_elsewhere"})

# Why something was refused (error codes → messages).
REFUSAL_TEXTS: dict[str, str] = {
    "vocabulary.unknown_term": N_(
        "'{value}' is not a known {field}; use one of {known} (or its Chinese name)"
    ),
    "money.no_exchange_rate": N_(
        "no exchange rate for {currency} in the rates of {rates_as_of}; amounts in it are not "
        "compared with CNY thresholds"
    ),
    "observation.channel_not_for_role": N_("channel {channel} is not for role {role}; use {allowed}"),
    "prospect.not_found": N_("no prospect {prospect_id}"),
    "prospect.already_linked": N_("prospect {prospect_id} is already linked to customer {customer_id}"),
    "prospect.is_customer": N_(
        "this walk-in is our customer {customer_id} (prospect {prospect_id} was linked): record an "
        "observation of the customer"
    ),
    "prospect.other_branch_customer": N_(
        "customer {customer_id} belongs to branch {customer_branch}, not the prospect's branch {branch_id}"
    ),
    "signal.kind_not_in_category": N_(
        "'{kind}' is not a signal of category {category}; expected one of {expected}"
    ),
    "signal.amount_required": N_("large business signal '{kind}' needs an amount"),
    "signal.amount_not_positive": N_("the amount of '{kind}' must be positive"),
    "signal.amount_not_allowed": N_("{category} signal '{kind}' carries no amount"),
    "signal.time_without_zone": N_("the observation time of '{kind}' must carry a time zone"),
}

# How the explanation's pieces are put together.
CLAUSES = NC_("separator", "; ")  # the conditions of one rule, the other ways evidence was known
RULES = NC_("separator", " / ")  # the rules of the next type up, when there are several

# parameters that hold amounts, shown with thousands separators
AMOUNT_PARAMS = frozenset({"at_least", "min_amount", "original_amount", "value", "threshold"})


class Wording:
    """How texts are said: in English, with codes as they are. A subclass translates the
    templates and separators and says codes as labels."""

    def template(self, text: str) -> str:
        return text

    def separator(self, text: str) -> str:
        return text

    def items(self, name: str, values: Iterable[str]) -> str:
        """A parameter that holds several codes."""
        return ", ".join(str(v) for v in values)

    def term(self, name: str, value: str) -> str:
        """A parameter that holds one code (a tier, a signal kind, an occupation…)."""
        return value

    def value(self, name: str, value) -> object:
        if isinstance(value, list | tuple):
            return self.items(name, value)
        if name in AMOUNT_PARAMS and isinstance(value, str):
            try:
                return f"{Decimal(value):,}"
            except InvalidOperation:
                pass
        return self.term(name, value) if isinstance(value, str) else value


ENGLISH = Wording()


def render(table: dict[str, str], code: str, params: dict | None = None, wording: Wording = ENGLISH) -> str:
    """The text of ``code`` with its parameters, as ``wording`` says it."""
    shown = {name: wording.value(name, value) for name, value in (params or {}).items()}
    return wording.template(table[code]).format(**shown)


def explain(code: str, params: dict, wording: Wording = ENGLISH) -> str:
    """The text of an explanation line from its code and parameters: the conditions of a tier
    line and the other ways a piece of evidence was known are said in place."""
    shown = dict(params)
    clauses = wording.separator(CLAUSES)
    if "conditions" in shown:
        shown["conditions"] = clauses.join(condition(c, wording) for c in shown["conditions"])
    if "unmet" in shown:
        rules = (clauses.join(condition(c, wording) for c in rule) for rule in shown["unmet"])
        shown["unmet"] = wording.separator(RULES).join(rules)
    also = shown.pop("also", None)
    text = _said(EXPLANATION_TEXTS, code, shown, wording)
    if also:
        others = clauses.join(explain(a["code"], a["params"], wording) for a in also)
        text = _said(EXPLANATION_TEXTS, "evidence.counted_once", {"line": text, "also": others}, wording)
    return text


def condition(c: dict, wording: Wording = ENGLISH) -> str:
    """One condition of a tier rule (``Condition.params()``), met or not."""
    code = f"{c['condition']}.{'met' if c['met'] else 'unmet'}"
    if c["condition"] in EVIDENCE_CONDITIONS:
        evidence = [e for e in str(c["value"] or "").split(", ") if e]
        return render(CONDITION_TEXTS, code, {"evidence": evidence}, wording)
    return render(CONDITION_TEXTS, code, {"value": c["value"], "threshold": c["threshold"]}, wording)


_NESTED = frozenset({"conditions", "unmet", "line", "also"})  # texts already said


def _said(table: dict[str, str], code: str, shown: dict, wording: Wording) -> str:
    said = {k: v if k in _NESTED else wording.value(k, v) for k, v in shown.items()}
    return wording.template(table[code]).format(**said)
