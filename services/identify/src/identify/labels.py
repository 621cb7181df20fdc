"""identify's texts in the caller's language: the labels of its own codes and its message
catalogue (``locale/``; ``make i18n``). The codes it shares with the events (tiers, channels,
guidance actions and scripts, re-rating causes…) are labelled in ``branchflow_contracts.labels``.

``CALLERS`` is the ``Wording`` of the request being served: the domain's texts translated, codes
said as their labels. The REST answers keep every code and put its label beside it
(``<field>_label``); texts (scripts, explanations, refusals) are worded in the caller's language
when the answer is made, from the code and parameters stored — so a rating stored in one language
reads in any."""

from collections.abc import Iterable
from enum import StrEnum

from babel.lists import format_list
from pydantic_core import PydanticCustomError

from branchflow_contracts import Channel, CustomerTier, Guidance, GuidanceScript, SignalCategory
from branchflow_runtime.auth import Role
from branchflow_runtime.i18n import NC_, Catalogue, current_locale, label, label_of, register_labels
from identify.domain.facts import Product
from identify.domain.rating import ElsewhereEvidence, Factor
from identify.domain.refusals import Refused
from identify.domain.signals import SignalKind
from identify.domain.texts import EXPLANATION_TEXTS, REFUSAL_TEXTS, Wording, explain, render
from identify.domain.vocabulary import AddressArea, Occupation, SocialStanding

CATALOGUE = Catalogue("identify")
_ = CATALOGUE.gettext

# Each label of Occupation, SocialStanding and AddressArea, in either language, is also a name
# staff may type for it (``vocabulary``): a refusal lists them as what to type.
LABELS = {
    Occupation: {
        Occupation.ENTREPRENEUR: NC_("Occupation", "Business owner"),
        Occupation.EXECUTIVE: NC_("Occupation", "Executive"),
        Occupation.DOCTOR: NC_("Occupation", "Doctor"),
        Occupation.LAWYER: NC_("Occupation", "Lawyer"),
        Occupation.PROFESSOR: NC_("Occupation", "Professor"),
        Occupation.CIVIL_SERVANT: NC_("Occupation", "Civil servant"),
        Occupation.ENGINEER: NC_("Occupation", "Engineer"),
        Occupation.TEACHER: NC_("Occupation", "Teacher"),
        Occupation.FINANCE_PROFESSIONAL: NC_("Occupation", "Finance professional"),
        Occupation.SELF_EMPLOYED: NC_("Occupation", "Self-employed"),
        Occupation.OFFICE_WORKER: NC_("Occupation", "Office worker"),
        Occupation.WORKER: NC_("Occupation", "Worker"),
        Occupation.FARMER: NC_("Occupation", "Farmer"),
        Occupation.RETIRED: NC_("Occupation", "Retired"),
        Occupation.STUDENT: NC_("Occupation", "Student"),
        Occupation.OTHER: NC_("Occupation", "Other"),
    },
    SocialStanding: {
        SocialStanding.HIGH: NC_("SocialStanding", "High"),
        SocialStanding.NORMAL: NC_("SocialStanding", "Normal"),
    },
    AddressArea: {
        AddressArea.HIGH_END_RESIDENTIAL: NC_("AddressArea", "High-end residential area"),
        AddressArea.HIGH_END_OFFICE: NC_("AddressArea", "High-end office area"),
        AddressArea.ORDINARY: NC_("AddressArea", "Ordinary area"),
    },
    SignalKind: {
        SignalKind.CASH_DEPOSIT: NC_("SignalKind", "Large cash deposit"),
        SignalKind.CASH_WITHDRAWAL: NC_("SignalKind", "Large cash withdrawal"),
        SignalKind.REMITTANCE: NC_("SignalKind", "Large remittance"),
        SignalKind.FOREIGN_EXCHANGE: NC_("SignalKind", "Large foreign exchange"),
        SignalKind.LOAN_REPAYMENT: NC_("SignalKind", "Large loan repayment"),
        SignalKind.LOAN_PREPAYMENT: NC_("SignalKind", "Loan prepayment"),
        SignalKind.DEPOSIT_CERTIFICATE: NC_("SignalKind", "Large deposit certificate"),
        SignalKind.LARGE_CD_LOSS_REPORT: NC_("SignalKind", "Large CD reported lost"),
        SignalKind.BOND_PURCHASE: NC_("SignalKind", "Bond purchase"),
        SignalKind.FUND_PURCHASE: NC_("SignalKind", "Fund purchase"),
        SignalKind.INSURANCE_PURCHASE: NC_("SignalKind", "Insurance purchase"),
        SignalKind.WEALTH_PRODUCT_PURCHASE: NC_("SignalKind", "Wealth product purchase"),
        SignalKind.SAFE_DEPOSIT_BOX: NC_("SignalKind", "Safe-deposit box"),
        SignalKind.COMPLEX_INVESTMENT_INQUIRY: NC_("SignalKind", "Asks about complex investments"),
        SignalKind.LUXURY_CAR: NC_("SignalKind", "Arrives in a luxury car"),
        SignalKind.OWN_BANK_VIP_CARD: NC_("SignalKind", "Shows our VIP card"),
        SignalKind.OTHER_BANK_VIP_CARD: NC_("SignalKind", "Shows another bank's VIP card"),
        SignalKind.LUXURY_CLOTHING: NC_("SignalKind", "Luxury clothing"),
        SignalKind.LUXURY_WATCH: NC_("SignalKind", "Luxury watch"),
        SignalKind.LUXURY_JEWELLERY: NC_("SignalKind", "Luxury jewellery"),
        SignalKind.FOREIGN_NATIONAL: NC_("SignalKind", "Foreign national"),
        SignalKind.HIGH_END_PHONE: NC_("SignalKind", "High-end phone"),
        SignalKind.CELEBRITY: NC_("SignalKind", "Celebrity or public figure"),
        SignalKind.HIGH_END_RESIDENCE: NC_("SignalKind", "Lives in a high-end residential area"),
        SignalKind.HIGH_END_WORKPLACE: NC_("SignalKind", "Works in a high-end office area"),
        SignalKind.HIGH_INCOME_PROFESSION: NC_("SignalKind", "High-income profession in the family"),
        SignalKind.FAMILY_HIGH_INCOME: NC_("SignalKind", "Family with high income"),
        SignalKind.MAIN_BANK_ELSEWHERE: NC_("SignalKind", "Banks mainly elsewhere"),
    },
    Factor: {
        Factor.HOLDINGS: NC_("Factor", "Assets with us"),
        Factor.LOANS: NC_("Factor", "Loans"),
        Factor.INTERMEDIARY: NC_("Factor", "Intermediary business"),
        Factor.PERSONAL: NC_("Factor", "Family, occupation and standing"),
        Factor.LARGE_BUSINESS: NC_("Factor", "Large business"),
        Factor.ACCOUNT_OPENING: NC_("Factor", "Account opening"),
        Factor.APPEARANCE: NC_("Factor", "Appearance"),
        Factor.INFORMATION: NC_("Factor", "Information analysis"),
        Factor.TIER: NC_("Factor", "Customer type"),
    },
    # said inside explanation lines, hence in lower case
    Product: {
        Product.FUNDS: NC_("Product", "investment funds"),
        Product.INSURANCE: NC_("Product", "insurance policies"),
        Product.WEALTH_PRODUCTS: NC_("Product", "wealth products"),
    },
    ElsewhereEvidence: {
        ElsewhereEvidence.OTHER_BANK_VIP: NC_("ElsewhereEvidence", "another bank's VIP card"),
        ElsewhereEvidence.BANKS_MAINLY_ELSEWHERE: NC_(
            "ElsewhereEvidence", "on record or said by the customer"
        ),
        ElsewhereEvidence.NOT_OUR_CUSTOMER: NC_("ElsewhereEvidence", "no account with us yet"),
    },
}
register_labels(CATALOGUE, LABELS)

# the fields a refusal names (vocabulary.UnknownTerm's ``field``)
FIELD_NAMES = {
    "occupation": NC_("field", "occupation"),
    "social_standing": NC_("field", "social standing"),
    "address_area": NC_("field", "address area"),
}
_VOCABULARIES = (Occupation, SocialStanding, AddressArea)

# what kind of code a parameter of a text holds (a list of them, for "products", "evidence"…)
_CODE_OF_PARAM: dict[str, type[StrEnum]] = {
    "tier": CustomerTier,
    "next_tier": CustomerTier,
    "kind": SignalKind,
    "category": SignalCategory,
    "occupation": Occupation,
    "social_standing": SocialStanding,
    "address_area": AddressArea,
    "role": Role,
    "channel": Channel,
    "allowed": Channel,
    "products": Product,
    "evidence": ElsewhereEvidence,
}

_CHOICES = frozenset({"known", "allowed", "expected"})  # parameters that list what to choose from


class CallersWording(Wording):
    """The domain's texts in the request's language, codes as their labels."""

    def template(self, text: str) -> str:
        return _(text)

    def separator(self, text: str) -> str:
        return CATALOGUE.pgettext("separator", text)

    def items(self, name: str, values: Iterable[str]) -> str:
        values = [str(v) for v in values]
        if name == "known":  # a vocabulary's codes: said as the names to type
            enum = next((e for e in _VOCABULARIES if all(v in e._value2member_map_ for v in values)), None)
        else:
            enum = _CODE_OF_PARAM.get(name)
        shown = [label_of(enum, v) for v in values] if enum else values
        style = "or" if name in _CHOICES else "standard"
        return format_list(shown, style=style, locale=current_locale()) if shown else ""

    def term(self, name: str, value: str) -> str:
        if name == "field" and value in FIELD_NAMES:
            return CATALOGUE.pgettext("field", FIELD_NAMES[value])
        enum = _CODE_OF_PARAM.get(name)
        return label_of(enum, value) if enum else value


CALLERS = CallersWording()


def said(refused: Refused) -> str:
    """A refusal in the caller's language."""
    return render(REFUSAL_TEXTS, refused.code, refused.params, CALLERS)


def as_validation_error(refused: Refused) -> PydanticCustomError:
    """A refusal raised while a body is validated: a 422 entry whose ``type`` is the refusal's
    code, ``msg`` its text in the caller's language and ``ctx`` its parameters."""
    message = said(refused).replace("{", "(").replace("}", ")")  # pydantic fills braces from ctx
    return PydanticCustomError(refused.code, message, dict(refused.params))


def explanation(items: list[dict]) -> list[dict]:
    """The lines of a stored explanation, each worded in the caller's language and its factor
    labelled (lines stored before they had codes keep their English)."""
    return [
        {
            **item,
            "factor_label": label_of(Factor, item.get("factor")),
            "detail": explain(item["code"], item.get("params") or {}, CALLERS)
            if item.get("code") in EXPLANATION_TEXTS
            else item["detail"],
        }
        for item in items
    ]


def decided_by(lines: list[dict], stored: str) -> str:
    """Which tier rule matched: the first line of factor ``tier``, as ``explanation`` words it."""
    return next((line["detail"] for line in lines if line.get("factor") == Factor.TIER), stored)


def guidance(value: Guidance | dict) -> dict:
    """A guidance with its script in the caller's language and its actions labelled (a script
    stored without a code it has now keeps its English)."""
    g = value if isinstance(value, Guidance) else Guidance.model_validate(value)
    script = GuidanceScript._value2member_map_.get(g.script_code or "")
    return {
        **g.model_dump(mode="json"),
        "script": g.script if script is None else label(script),
        "action_label": label(g.action),
        "alternative_labels": [label(a) for a in g.alternatives],
    }
