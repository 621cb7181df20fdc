"""Guidance (引导/分流): where the lobby sends the customer. It is all a lobby or counter screen
gets: an action and what to say, never the tier or an amount. Never show an ordinary customer
that service differs (切忌向普通客户明确表达客户服务差异性)."""

from enum import StrEnum

from branchflow_contracts import CustomerTier, Guidance, GuidanceAction


class VisitPurpose(StrEnum):
    """What the customer came for, as the lobby sees it; drives the diversion of everyone
    who is not sent to a wealth manager."""

    SMALL_CASH = "small_cash"
    BILL_PAYMENT = "bill_payment"
    TRANSFER = "transfer"
    ACCOUNT_INQUIRY = "account_inquiry"
    COMPLEX_NON_CASH = "complex_non_cash"
    LARGE_CASH = "large_cash"
    INVESTMENT = "investment"
    OTHER = "other"


_ORDINARY_ROUTES: dict[VisitPurpose, tuple[GuidanceAction, str]] = {
    VisitPurpose.SMALL_CASH: (
        GuidanceAction.SELF_SERVICE,
        "Walk the customer to the self-service machines and help with the first step.",
    ),
    VisitPurpose.BILL_PAYMENT: (
        GuidanceAction.SELF_SERVICE,
        "Show the bill-payment machine; offer to set up mobile-banking payments.",
    ),
    VisitPurpose.TRANSFER: (
        GuidanceAction.E_BANKING,
        "Offer to do it together on mobile banking; a counter ticket if they prefer.",
    ),
    VisitPurpose.ACCOUNT_INQUIRY: (
        GuidanceAction.E_BANKING,
        "Show the inquiry on mobile banking or the self-service terminal.",
    ),
    VisitPurpose.COMPLEX_NON_CASH: (
        GuidanceAction.NON_CASH_COUNTER,
        "Give a non-cash counter ticket and check the documents while they wait.",
    ),
    VisitPurpose.LARGE_CASH: (
        GuidanceAction.CASH_COUNTER,
        "Give a cash counter ticket.",
    ),
    VisitPurpose.INVESTMENT: (
        GuidanceAction.NON_CASH_COUNTER,
        "Give a non-cash counter ticket; product leaflets are on the stand.",
    ),
    VisitPurpose.OTHER: (
        GuidanceAction.NON_CASH_COUNTER,
        "Ask what they need and give the matching ticket.",
    ),
}


def guide(tier: CustomerTier, purpose: VisitPurpose = VisitPurpose.OTHER) -> Guidance:
    if tier in (CustomerTier.PREMIUM_CORE, CustomerTier.PREMIUM, CustomerTier.TO_WIN):
        return Guidance(
            action=GuidanceAction.MEET_WEALTH_MANAGER,
            call_wealth_manager=True,
            alternatives=(GuidanceAction.PRIORITY_COUNTER, GuidanceAction.FAST_E_CHANNEL),
            script="Invite the customer to meet a wealth manager now; if they are in a hurry, "
            "take them to the priority counter and agree a contact time.",
        )
    if tier is CustomerTier.POTENTIAL:
        return Guidance(
            action=GuidanceAction.MEET_WEALTH_MANAGER,
            call_wealth_manager=False,
            alternatives=(_ORDINARY_ROUTES[purpose][0],),
            script="Hand over a wealth manager's card and agree a time for a call; "
            "then serve today's business as usual.",
        )
    action, script = _ORDINARY_ROUTES[purpose]
    return Guidance(action=action, call_wealth_manager=False, script=script)
