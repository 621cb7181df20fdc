"""Words shared by the events and the services (DOMAIN.md §1)."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class CustomerTier(StrEnum):
    PREMIUM_CORE = "premium_core"  # 核心优质客户
    PREMIUM = "premium"  # 普通优质客户
    POTENTIAL = "potential"  # 现有潜质客户
    TO_WIN = "to_win"  # 待争取优质客户
    ORDINARY = "ordinary"  # 个人普通客户


# How tiers rank, for "a higher tier" (a wealth manager's not-premium verdict gives way to one, in
# the referral service and in identify's guidance alike): potential and to-win customers are both
# not premium yet.
TIER_RANK: dict[CustomerTier, int] = {
    CustomerTier.ORDINARY: 0,
    CustomerTier.POTENTIAL: 1,
    CustomerTier.TO_WIN: 1,
    CustomerTier.PREMIUM: 2,
    CustomerTier.PREMIUM_CORE: 3,
}


def is_higher_tier(previous: CustomerTier | None, tier: CustomerTier) -> bool:
    """Whether ``tier`` ranks above the previous one (a first rating is not a rise)."""
    return previous is not None and TIER_RANK[tier] > TIER_RANK[previous]


class Channel(StrEnum):
    BRANCH = "branch"  # 理财中心识别: lobby manager or teller
    SYSTEM = "system"  # 系统挖掘: mined from account data
    EBANKING = "ebanking"  # 电子银行挖掘
    EXTERNAL = "external"  # 外部挖掘: field visits, introductions, seminars


class RerateCause(StrEnum):
    """Why a customer's rating changed without anyone identifying them (a re-rating)."""

    FACTS_CHANGED = "facts_changed"  # a wealth manager or the core system changed the facts
    SIGNALS_EXPIRED = "signals_expired"  # an observed signal outlived its lifetime
    RULES_CHANGED = "rules_changed"  # the bank changed the rating rules
    PERIODIC_REVIEW = "periodic_review"  # the periodic re-evaluation (动态评价)
    PROSPECT_LINKED = "prospect_linked"  # a walk-in prospect opened an account: their signals joined


class SignalCategory(StrEnum):
    LARGE_BUSINESS = "large_business"  # 大额业务
    ACCOUNT_OPENING = "account_opening"  # 开户
    APPEARANCE = "appearance"  # 外观
    INFORMATION = "information"  # 信息分析


class VisitPurpose(StrEnum):
    """What the customer came for, as the lobby or the counter sees it: the guidance follows it."""

    SMALL_CASH = "small_cash"  # 小额存取
    BILL_PAYMENT = "bill_payment"  # 缴费
    TRANSFER = "transfer"  # 转账汇款
    ACCOUNT_INQUIRY = "account_inquiry"  # 查询
    COMPLEX_NON_CASH = "complex_non_cash"  # 较复杂的非现金业务
    LARGE_CASH = "large_cash"  # 大额存取
    INVESTMENT = "investment"  # 理财投资
    OTHER = "other"


class GuidanceAction(StrEnum):
    """Where the lobby sends a customer (引导/分流). Never names a tier."""

    MEET_WEALTH_MANAGER = "meet_wealth_manager"
    PRIORITY_COUNTER = "priority_counter"  # VIP counter / green channel
    FAST_E_CHANNEL = "fast_e_channel"
    SELF_SERVICE = "self_service"
    E_BANKING = "e_banking"
    NON_CASH_COUNTER = "non_cash_counter"
    CASH_COUNTER = "cash_counter"


class GuidanceScript(StrEnum):
    """The line the lobby says with a guidance (``Guidance.script_code``). Its words, in Chinese
    and English, are its label (``labels.py``): whoever shows a guidance — identify's API, the
    gateway's live lobby, a head-office consumer — words it from the code in its reader's
    language. Never names a tier or an amount."""

    MEET_WEALTH_MANAGER_NOW = "meet_wealth_manager_now"
    MEET_WEALTH_MANAGER_OR_CARD = "meet_wealth_manager_or_card"
    PRIORITY_COUNTER_FIRST = "priority_counter_first"
    FAST_E_CHANNEL_FIRST = "fast_e_channel_first"
    CARD_AND_CONTACT_TIME = "card_and_contact_time"
    # priority service alone: a wealth manager already followed the customer up
    PRIORITY_COUNTER = "priority_counter"
    FAST_E_CHANNEL = "fast_e_channel"
    # today's business where it is best done, by what the customer came for (VisitPurpose)
    DIVERT_SMALL_CASH = "divert.small_cash"
    DIVERT_BILL_PAYMENT = "divert.bill_payment"
    DIVERT_TRANSFER = "divert.transfer"
    DIVERT_ACCOUNT_INQUIRY = "divert.account_inquiry"
    DIVERT_COMPLEX_NON_CASH = "divert.complex_non_cash"
    DIVERT_LARGE_CASH = "divert.large_cash"
    DIVERT_INVESTMENT = "divert.investment"
    DIVERT_OTHER = "divert.other"
    # second diversion (二次分流): someone queuing for what needs the counter
    QUEUE_KEEP_TICKET = "queue.keep_ticket"


class HandlingOutcome(StrEnum):
    """What became of a guidance (the lobby records it)."""

    REFERRED = "referred"  # handed to a wealth manager
    GUIDED = "guided"  # taken where the guidance said
    LEFT = "left"  # the customer left


class IdentificationReason(StrEnum):
    """Why a customer was identified (``CustomerIdentified.reason``)."""

    OBSERVATION = "observation"  # staff observed them (lobby, counter, field)
    SYSTEM_MINING = "system_mining"  # a large posted transaction


class Guidance(BaseModel):
    """What a lobby or counter screen is given: an action and a line to say, no tier, no amount.
    ``script_code`` names the line (a ``GuidanceScript``: its label is the line in the reader's
    language); ``script`` is its English text, kept for v1 clients and head office."""

    model_config = ConfigDict(frozen=True)

    action: GuidanceAction
    call_wealth_manager: bool
    alternatives: tuple[GuidanceAction, ...] = ()
    script: str
    script_code: str | None = None
    # hand over a wealth manager's card and agree a contact time (when not meeting one now)
    offer_wealth_manager_card: bool = False
