"""Guidance (引导/分流): where the lobby sends the customer. It is all a lobby or counter screen
gets: an action and what to say (a script code — its words in the reader's language are the
code's label, ``branchflow_contracts.labels`` — and its English text), never the tier or an
amount. Never show an ordinary customer that service differs (切忌向普通客户明确表达客户服务差异性).

It follows the visit (seed pages 17, 35–38) and what a wealth manager already found:
- a premium customer who shows our VIP card, only wants a quick errand, or has no time is taken
  to priority service first (VIP counter / green channel, or the fast e-channel) and offered the
  wealth manager's card and a contact time; one with time meets a wealth manager now;
- a customer to win meets a wealth manager now if there is time, else gets the card;
- a potential customer gets the card and a contact time, and today's business as usual;
- everyone else is diverted by what they came for: small cash and bills to self-service,
  transfers and inquiries to e-banking, complex business to the non-cash counter; in the queue
  (second diversion, 二次分流) the simple ones are moved out and the rest keep their ticket;
- a customer a wealth manager has followed up and judged not premium is not sent to one again
  (告知大堂经理或柜员，避免重复引导): today's route, or priority service for a customer the rating
  still calls premium, with no wealth manager called and no card offered. The guidance looks like
  any other: it never tells the lobby there was a verdict.
"""

from dataclasses import dataclass

from branchflow_contracts import CustomerTier, Guidance, GuidanceAction, GuidanceScript, VisitPurpose
from branchflow_contracts.labels import LABELS

SCRIPTS = LABELS[GuidanceScript]  # each script's English words

# errands a customer wants done quickly: a premium customer gets priority service first
QUICK_ERRANDS = frozenset(
    {
        VisitPurpose.SMALL_CASH,
        VisitPurpose.LARGE_CASH,
        VisitPurpose.BILL_PAYMENT,
        VisitPurpose.TRANSFER,
        VisitPurpose.ACCOUNT_INQUIRY,
    }
)
# what self-service or e-banking can do: diverted on arrival and out of the queue
_SIMPLE_ROUTES: dict[VisitPurpose, GuidanceAction] = {
    VisitPurpose.SMALL_CASH: GuidanceAction.SELF_SERVICE,
    VisitPurpose.BILL_PAYMENT: GuidanceAction.SELF_SERVICE,
    VisitPurpose.TRANSFER: GuidanceAction.E_BANKING,
    VisitPurpose.ACCOUNT_INQUIRY: GuidanceAction.E_BANKING,
}
_COUNTER_ROUTES: dict[VisitPurpose, GuidanceAction] = {
    VisitPurpose.COMPLEX_NON_CASH: GuidanceAction.NON_CASH_COUNTER,
    VisitPurpose.LARGE_CASH: GuidanceAction.CASH_COUNTER,
    VisitPurpose.INVESTMENT: GuidanceAction.NON_CASH_COUNTER,
    VisitPurpose.OTHER: GuidanceAction.NON_CASH_COUNTER,
}
_FAST_E_CHANNEL_ERRANDS = frozenset(
    {VisitPurpose.TRANSFER, VisitPurpose.ACCOUNT_INQUIRY, VisitPurpose.BILL_PAYMENT}
)
PREMIUM = frozenset({CustomerTier.PREMIUM_CORE, CustomerTier.PREMIUM})


@dataclass(frozen=True)
class Visit:
    """This visit, as the lobby manager or teller sees it."""

    purpose: VisitPurpose = VisitPurpose.OTHER
    vip_card_shown: bool = False  # the customer showed our VIP card (理财账户贵宾卡)
    has_time: bool | None = None  # for a wealth manager now, if asked; None: not asked
    in_queue: bool = False  # already queuing with a ticket (second diversion)


def _guidance(
    action: GuidanceAction, script: GuidanceScript, *, call: bool = False, card: bool = False, alternatives=()
) -> Guidance:
    return Guidance(
        action=action,
        call_wealth_manager=call,
        alternatives=tuple(alternatives),
        script=SCRIPTS[script],
        script_code=script.value,
        offer_wealth_manager_card=card,
    )


def _diverted(purpose: VisitPurpose) -> GuidanceScript:
    return GuidanceScript(f"divert.{purpose}")


def todays_route(visit: Visit) -> Guidance:
    """Today's business, where it is best done: what anyone is told."""
    if visit.purpose in _SIMPLE_ROUTES:
        return _guidance(_SIMPLE_ROUTES[visit.purpose], _diverted(visit.purpose))
    if visit.in_queue:
        return _guidance(_COUNTER_ROUTES[visit.purpose], GuidanceScript.QUEUE_KEEP_TICKET)
    return _guidance(_COUNTER_ROUTES[visit.purpose], _diverted(visit.purpose))


def _priority_first(visit: Visit) -> Guidance:
    if visit.purpose in _FAST_E_CHANNEL_ERRANDS:
        action, script = GuidanceAction.FAST_E_CHANNEL, GuidanceScript.FAST_E_CHANNEL_FIRST
    else:
        action, script = GuidanceAction.PRIORITY_COUNTER, GuidanceScript.PRIORITY_COUNTER_FIRST
    return _guidance(action, script, card=True, alternatives=(GuidanceAction.MEET_WEALTH_MANAGER,))


def _priority_only(visit: Visit) -> Guidance:
    """Priority service without a wealth manager: one already followed the customer up."""
    if visit.purpose in _FAST_E_CHANNEL_ERRANDS:
        return _guidance(GuidanceAction.FAST_E_CHANNEL, GuidanceScript.FAST_E_CHANNEL)
    return _guidance(GuidanceAction.PRIORITY_COUNTER, GuidanceScript.PRIORITY_COUNTER)


def guide(
    tier: CustomerTier, visit: Visit | None = None, *, wealth_manager_followed_up: bool = False
) -> Guidance:
    """``wealth_manager_followed_up``: a wealth manager has already followed the customer up and
    judged them not premium; nobody calls a wealth manager for them again for a while."""
    visit = visit or Visit()
    if tier in PREMIUM and wealth_manager_followed_up:
        return _priority_only(visit)
    if tier in PREMIUM:
        in_a_hurry = visit.vip_card_shown or visit.purpose in QUICK_ERRANDS
        if visit.has_time is False or (visit.has_time is None and in_a_hurry):
            return _priority_first(visit)
        priority = _priority_first(visit).action
        script = GuidanceScript.MEET_WEALTH_MANAGER_NOW
        return _guidance(GuidanceAction.MEET_WEALTH_MANAGER, script, call=True, alternatives=(priority,))
    route = todays_route(visit)
    if wealth_manager_followed_up or tier not in (CustomerTier.TO_WIN, CustomerTier.POTENTIAL):
        return route
    if tier is CustomerTier.TO_WIN and visit.has_time is not False:
        script = GuidanceScript.MEET_WEALTH_MANAGER_OR_CARD
        return _guidance(GuidanceAction.MEET_WEALTH_MANAGER, script, call=True, card=True,
                         alternatives=(route.action,))  # fmt: skip
    return _guidance(route.action, GuidanceScript.CARD_AND_CONTACT_TIME, card=True)
