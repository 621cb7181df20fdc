"""Believable demo data for one branch, loaded through the identify service's REST API.

`make run` starts every service on empty databases; this module fills the identify service
with the customers of branch BR001 and a morning's worth of lobby observations, so that the
lobby list, the ratings and the referral flow have something to show.

Everything is generated with `random.Random(seed)`: the same seed gives the same branch.
The wealth mix is skewed like a real branch (DOMAIN.md §1): most customers are ordinary,
a few are premium, a handful are premium-core candidates, and some are wealthy customers
who bank mainly elsewhere (to win). Personal data looks real but is invented; the PRC
resident ID numbers carry a correct ISO 7064 MOD 11-2 check character.

Public API:
- `STAFF`: the branch's staff, one or more per role (`DemoStaff`).
- `make_customers(count, seed, branch_id)`: bodies of `PUT /customers/{id}/facts`, plus
  `customer_id`.
- `make_observations(customers, count, seed)`: bodies of `POST /observations`.
- `seed_identify(identify_url, tokens, customers, progress=)`: loads both; skips if already
  loaded; tells `progress(done, total)` after each request (`make run`'s progress bar); says
  whose guidance called a wealth manager.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from branchflow_contracts import SignalCategory
from identify.domain.signals import SIGNAL_KINDS

BRANCH_ID = "BR001"
HEAD_OFFICE_ID = "HO"


# --- staff -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoStaff:
    staff_id: str
    name: str
    role: str
    branch_id: str = BRANCH_ID


STAFF: list[DemoStaff] = [
    DemoStaff("lm-001", "王芳", "lobby_manager"),
    DemoStaff("tl-001", "李娜", "teller"),
    DemoStaff("tl-002", "张伟", "teller"),
    DemoStaff("tl-003", "陈静", "teller"),
    DemoStaff("wm-001", "刘洋", "wealth_manager"),
    DemoStaff("wm-002", "杨敏", "wealth_manager"),
    DemoStaff("wm-003", "赵磊", "wealth_manager"),
    DemoStaff("mk-001", "黄婷", "marketing_manager"),
    DemoStaff("sq-001", "周强", "service_quality_officer"),
    DemoStaff("db-001", "吴建国", "deputy_branch_head"),
    DemoStaff("bh-001", "徐志明", "branch_head"),
    DemoStaff("ho-001", "孙丽华", "head_office", HEAD_OFFICE_ID),
    DemoStaff("op-001", "马超", "ops", HEAD_OFFICE_ID),
]

WEALTH_MANAGER_IDS: list[str] = [s.staff_id for s in STAFF if s.role == "wealth_manager"]


# --- vocabularies ------------------------------------------------------------------------

# fmt: off
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
)  # one surname per character
MALE_GIVEN_NAMES = (
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "斌", "鹏", "浩",
    "俊杰", "志强", "建华", "国栋", "海涛", "子轩", "宇航", "文博", "建国", "德明", "永刚", "天宇",
)
FEMALE_GIVEN_NAMES = (
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "慧", "玲",
    "佳怡", "欣怡", "雨桐", "秀英", "桂英", "淑珍", "晓燕", "梦琪", "丽华", "美玲", "思琪", "红梅",
)
# fmt: on

# Real county-level area codes (the first six digits of a resident ID).
AREA_CODES = (
    "310101",  # 上海 黄浦区
    "310104",  # 上海 徐汇区
    "310105",  # 上海 长宁区
    "310115",  # 上海 浦东新区
    "110101",  # 北京 东城区
    "110105",  # 北京 朝阳区
    "110108",  # 北京 海淀区
    "440103",  # 广州 荔湾区
    "440106",  # 广州 天河区
    "440304",  # 深圳 福田区
    "440305",  # 深圳 南山区
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
AS_OF = date(2026, 1, 1)  # ages are counted from here, so that the data does not age

# 13x, 15x (no 154) and 18x mobile number blocks
MOBILE_PREFIXES = [f"1{b}{d}" for b in "358" for d in range(10) if (b, d) != ("5", 4)]

# Shanghai districts and streets near the branch, ordinary and high-end compounds.
STREETS = {
    "浦东新区": ("世纪大道", "张杨路", "浦东南路", "东方路", "锦绣路", "花木路", "杨高中路"),
    "徐汇区": ("漕溪北路", "天钥桥路", "衡山路", "肇嘉浜路", "宜山路"),
    "长宁区": ("长宁路", "虹桥路", "天山路", "仙霞路", "延安西路"),
    "黄浦区": ("淮海中路", "南京东路", "西藏南路", "复兴中路", "陆家浜路"),
}
ORDINARY_COMPOUNDS = ("阳光花园", "金桥新村", "联洋小区", "康桥苑", "梅园新村", "锦华公寓", "东方城市花园")
HIGH_END_COMPOUNDS = ("滨江壹号", "翠湖天地", "世纪公馆", "仁和滨江园", "御景湾", "檀宫")

OCCUPATIONS_HIGH = ("entrepreneur", "executive", "doctor", "lawyer")
OCCUPATIONS_MIDDLE = ("professor", "civil_servant", "engineer", "doctor", "executive", "teacher")
OCCUPATIONS_GROWING = ("doctor", "lawyer", "executive", "professor", "engineer", "civil_servant")
OCCUPATIONS_ORDINARY = ("worker", "teacher", "engineer", "civil_servant", "retired", "student")

VISIT_PURPOSES_ORDINARY = ("small_cash", "bill_payment", "transfer", "account_inquiry", "other")
VISIT_PURPOSES_WEALTHY = ("investment", "large_cash", "complex_non_cash", "transfer")

# the identify service's own list, sorted: a frozenset's order changes from run to run
LARGE_BUSINESS_KINDS = tuple(sorted(SIGNAL_KINDS[SignalCategory.LARGE_BUSINESS]))
LUXURY_KINDS = (
    "luxury_car",
    "luxury_clothing",
    "luxury_watch",
    "luxury_jewellery",
    "high_end_phone",
)

# Share of each segment in a branch's customer base (DOMAIN.md §1 customer types); each segment's facts
# are drawn so that identify's rules (rating.toml) rate nearly all of them as that type.
SEGMENT_SHARES = {
    "ordinary": 0.65,
    "potential": 0.15,
    "premium": 0.10,
    "premium_core": 0.04,
    "to_win": 0.06,
}
# Customers holding at least this much with us have a wealth manager.
SIGNIFICANT_ASSETS = Decimal("300000")


# --- small generators --------------------------------------------------------------------


def money(value: float | Decimal) -> str:
    """CNY amount as the API wants it: a string with exactly two decimals."""
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def _log_uniform(rng: random.Random, low: float, high: float) -> Decimal:
    """An amount between low and high, most of them near the low end, as wealth is."""
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    return Decimal(int(value * 100)) / 100


def _maybe(rng: random.Random, probability: float, low: float, high: float) -> Decimal:
    return _log_uniform(rng, low, high) if rng.random() < probability else Decimal("0")


def _split(rng: random.Random, total: Decimal, parts: int, first_share: float) -> list[Decimal]:
    """Split total into parts (to the cent, summing exactly); the first part gets at least
    first_share of it."""
    others = [rng.random() for _ in range(parts - 1)]
    weights = [first_share / (1 - first_share) * (parts - 1), *others]
    cents = int(total * 100)
    amounts = [cents * w // sum(weights) for w in weights]
    amounts[0] += cents - sum(amounts)
    return [Decimal(int(a)) / 100 for a in amounts]


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a PRC resident ID."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def make_id_number(rng: random.Random, birth: date, male: bool) -> str:
    """18-character resident ID: area, birth date, sequence (odd for men), check."""
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def _birth_date(rng: random.Random, occupation: str | None) -> date:
    """A birth date giving an age (on AS_OF) that fits the occupation, within 20-80."""
    youngest, oldest = {"student": (20, 25), "retired": (60, 80)}.get(occupation, (24, 62))
    latest = AS_OF.replace(year=AS_OF.year - youngest)
    earliest = AS_OF.replace(year=AS_OF.year - oldest - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def _name(rng: random.Random, male: bool) -> str:
    given = MALE_GIVEN_NAMES if male else FEMALE_GIVEN_NAMES
    return rng.choice(SURNAMES) + rng.choice(given)


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _address(rng: random.Random, high_end: bool) -> str:
    district = rng.choice(list(STREETS))
    street = rng.choice(STREETS[district])
    compound = rng.choice(HIGH_END_COMPOUNDS if high_end else ORDINARY_COMPOUNDS)
    building = rng.randint(1, 30)
    floor = rng.randint(2, 33 if high_end else 18)
    return (
        f"上海市{district}{street}{rng.randint(1, 2000)}号{compound}"
        f"{building}号楼{floor}{rng.randint(1, 4):02d}室"
    )


# --- customer segments -------------------------------------------------------------------
# Each returns the wealth and personal facts of one segment, without identity data.


def _ordinary(rng: random.Random) -> dict[str, Any]:
    return {
        "deposits": _log_uniform(rng, 200, 45_000),
        "funds": _maybe(rng, 0.10, 1_000, 4_000),
        "insurance": _maybe(rng, 0.08, 500, 1_000),
        "wealth_products": Decimal("0"),
        "loans": _maybe(rng, 0.15, 10_000, 250_000),
        "occupation": rng.choice((*OCCUPATIONS_ORDINARY, None)),
        "address_area": rng.choice(("ordinary", "ordinary", None)),
        "family_high_income": False,
        "social_standing": rng.choice(("normal", None)),
    }


def _potential(rng: random.Random) -> dict[str, Any]:
    """Much business with us and signs of growth (DOMAIN.md §1: 现有潜质客户): a good salary in a
    growing profession, usually an investment product or a loan with us, and one more sign of
    wealth besides (a high-end workplace, a high-earning family, a reputation)."""
    extra_sign = rng.choice(("workplace", "family", "standing"))
    return {
        "deposits": _log_uniform(rng, 100_000, 300_000),
        "funds": _maybe(rng, 0.7, 20_000, 120_000),
        "insurance": _maybe(rng, 0.5, 10_000, 50_000),
        "wealth_products": Decimal("0"),
        "loans": _maybe(rng, 0.4, 100_000, 1_500_000),
        "occupation": rng.choice(OCCUPATIONS_GROWING),
        "address_area": "high_end_office" if extra_sign == "workplace" else rng.choice(("ordinary", None)),
        "family_high_income": extra_sign == "family",
        "social_standing": "high" if extra_sign == "standing" else "normal",
    }


def _premium(rng: random.Random, low: float, high: float, core: bool) -> dict[str, Any]:
    total = _log_uniform(rng, low, high)
    deposits, funds, insurance, wealth_products = _split(rng, total, 4, first_share=0.3)
    return {
        "deposits": deposits,
        "funds": funds,
        "insurance": insurance,
        "wealth_products": wealth_products,
        "loans": _maybe(rng, 0.3, 200_000, 3_000_000),
        "occupation": rng.choice(OCCUPATIONS_HIGH if core else (*OCCUPATIONS_HIGH, *OCCUPATIONS_MIDDLE)),
        "address_area": rng.choice(
            ("high_end_residential", "high_end_office") if core else ("high_end_residential", "ordinary")
        ),
        "family_high_income": rng.random() < (0.8 if core else 0.4),
        "social_standing": "high" if core or rng.random() < 0.3 else "normal",
        "own_bank_vip": True,
        "other_bank_vip": rng.random() < (0.5 if core else 0.2),
    }


def _to_win(rng: random.Random) -> dict[str, Any]:
    """Wealthy, but banking mainly elsewhere (待争取优质客户): little with us, a high-earning
    profession and address, another bank's VIP card, and a high-earning family or a reputation."""
    family_high_income = rng.random() < 0.7
    return {
        "deposits": _log_uniform(rng, 5_000, 150_000),
        "funds": _maybe(rng, 0.2, 10_000, 50_000),
        "insurance": Decimal("0"),
        "wealth_products": Decimal("0"),
        "loans": _maybe(rng, 0.2, 500_000, 3_000_000),
        "occupation": rng.choice(OCCUPATIONS_HIGH),
        "address_area": rng.choice(("high_end_residential", "high_end_office")),
        "family_high_income": family_high_income,
        "social_standing": "high" if not family_high_income or rng.random() < 0.5 else "normal",
        "other_bank_vip": True,
        "banks_mainly_elsewhere": True,
    }


SEGMENTS = {
    "ordinary": _ordinary,
    "potential": _potential,
    "premium": lambda rng: _premium(rng, 500_000, 2_000_000, core=False),
    "premium_core": lambda rng: _premium(rng, 2_000_000, 20_000_000, core=True),
    "to_win": _to_win,
}


def _segment_plan(rng: random.Random, count: int) -> list[str]:
    """count segment names in SEGMENT_SHARES proportions (largest remainder), shuffled."""
    exact = {name: share * count for name, share in SEGMENT_SHARES.items()}
    sizes = {name: int(value) for name, value in exact.items()}
    by_remainder = sorted(exact, key=lambda name: exact[name] - sizes[name], reverse=True)
    for name in by_remainder[: count - sum(sizes.values())]:
        sizes[name] += 1
    plan = [name for name, size in sizes.items() for _ in range(size)]
    rng.shuffle(plan)
    return plan


def assets_with_us(facts: dict[str, Any]) -> Decimal:
    """Assets with us: deposits + funds + insurance + wealth products."""
    return sum(
        (Decimal(facts[k]) for k in ("deposits", "funds", "insurance", "wealth_products")),
        Decimal("0"),
    )


def _customer(rng: random.Random, number: int, segment: str, branch_id: str) -> dict[str, Any]:
    facts = {
        "own_bank_vip": False,
        "other_bank_vip": False,
        "banks_mainly_elsewhere": False,
        **SEGMENTS[segment](rng),
    }
    male = rng.random() < 0.5
    aum = assets_with_us(facts)
    wealth_manager = rng.choice(WEALTH_MANAGER_IDS) if aum >= SIGNIFICANT_ASSETS else None
    amounts = {k: money(facts[k]) for k in ("deposits", "funds", "insurance", "wealth_products", "loans")}
    return {
        "customer_id": f"C{number:06d}",
        "branch_id": branch_id,
        **facts,
        **amounts,
        "wealth_manager_id": wealth_manager,
        "name": _name(rng, male),
        "id_number": make_id_number(rng, _birth_date(rng, facts["occupation"]), male),
        "phone": _phone(rng),
        "address": _address(rng, high_end=facts["address_area"] == "high_end_residential"),
    }


def make_customers(count: int = 300, seed: int = 7, branch_id: str = BRANCH_ID) -> list[dict]:
    """count customers of branch_id: the JSON body of `PUT /customers/{customer_id}/facts`
    plus a `customer_id` key (C000001, C000002, ...)."""
    rng = random.Random(seed)
    plan = _segment_plan(rng, count)
    return [_customer(rng, n, segment, branch_id) for n, segment in enumerate(plan, start=1)]


# --- observations ------------------------------------------------------------------------


def _wealth_level(facts: dict[str, Any]) -> int:
    """0 ordinary, 1 well-off, 2 wealthy, 3 very wealthy: how the customer looks in the lobby."""
    aum = assets_with_us(facts)
    if aum >= 2_000_000:
        return 3
    if aum >= 500_000 or facts.get("banks_mainly_elsewhere"):
        return 2
    return 1 if aum >= 100_000 else 0


def _pick_observed(rng: random.Random, customers: list[dict], count: int) -> list[dict]:
    """count distinct customers; the lobby notices wealthier ones more (weighted sampling
    without replacement, Efraimidis-Spirakis)."""
    weights = [1 + 2 * _wealth_level(c) for c in customers]
    keys = [rng.random() ** (1 / w) for w in weights]
    chosen = sorted(range(len(customers)), key=lambda i: keys[i], reverse=True)[:count]
    return [customers[i] for i in sorted(chosen)]


def _large_business(rng: random.Random, facts: dict[str, Any]) -> dict[str, str]:
    """One large transaction: a share of what the customer holds with us, or for a customer
    banking elsewhere, money brought in from the other bank. Rounded to hundreds."""
    kind = rng.choice(LARGE_BUSINESS_KINDS)
    if facts.get("banks_mainly_elsewhere"):
        amount = _log_uniform(rng, 100_000, 1_000_000)
    else:
        amount = max(assets_with_us(facts) * Decimal(str(rng.uniform(0.05, 0.4))), Decimal(10_000))
    hundreds = (amount / 100).to_integral_value()
    return {"category": "large_business", "kind": kind, "amount": money(hundreds * 100)}


def _appearance(rng: random.Random, facts: dict[str, Any], level: int) -> list[dict[str, str]]:
    """What the lobby sees: luxury more often the wealthier the customer, VIP cards shown."""
    kinds = [k for k in LUXURY_KINDS if rng.random() < 0.04 + 0.12 * level]
    if facts.get("own_bank_vip") and rng.random() < 0.6:
        kinds.append("own_bank_vip_card")
    if facts.get("other_bank_vip") and rng.random() < 0.7:
        kinds.append("other_bank_vip_card")
    if level >= 2 and rng.random() < 0.05:
        kinds.append(rng.choice(("foreign_national", "celebrity")))
    return [{"category": "appearance", "kind": k} for k in kinds]


def _information(rng: random.Random, facts: dict[str, Any]) -> list[dict[str, str]]:
    """What the customer lets slip in conversation; the lobby learns it about half the time."""
    known = {
        "high_end_residence": facts.get("address_area") == "high_end_residential",
        "high_end_workplace": facts.get("address_area") == "high_end_office",
        "high_income_profession": facts.get("occupation") in OCCUPATIONS_HIGH,
        "family_high_income": bool(facts.get("family_high_income")),
    }
    return [
        {"category": "information", "kind": k} for k, true in known.items() if true and rng.random() < 0.5
    ]


def _account_opening(rng: random.Random, purpose: str, level: int) -> list[dict[str, str]]:
    kinds = []
    if level >= 2 and rng.random() < 0.2:
        kinds.append("safe_deposit_box")
    if purpose == "investment" and rng.random() < 0.5:
        kinds.append("complex_investment_inquiry")
    return [{"category": "account_opening", "kind": k} for k in kinds]


def _observation(rng: random.Random, facts: dict[str, Any]) -> dict[str, Any]:
    level = _wealth_level(facts)
    wealthy_purpose = rng.random() < 0.2 + 0.25 * level
    purpose = rng.choice(VISIT_PURPOSES_WEALTHY if wealthy_purpose else VISIT_PURPOSES_ORDINARY)
    signals: list[dict[str, str]] = []
    if rng.random() < (0.05, 0.4, 0.6, 0.8)[level]:
        signals.append(_large_business(rng, facts))
    signals += _appearance(rng, facts, level)
    signals += _information(rng, facts)
    signals += _account_opening(rng, purpose, level)
    return {
        "customer_id": facts["customer_id"],
        "channel": "branch",
        "purpose": purpose,
        "signals": signals,
    }


def make_observations(customers: list[dict], count: int = 40, seed: int = 7) -> list[dict]:
    """Bodies of `POST /observations`: what the lobby and the counters noticed of count
    distinct customers (all of them if there are fewer)."""
    rng = random.Random(seed)
    observed = _pick_observed(rng, customers, min(count, len(customers)))
    return [_observation(rng, facts) for facts in observed]


# --- loading -----------------------------------------------------------------------------


async def send_request(
    client: httpx.AsyncClient,
    limit: asyncio.Semaphore,
    method: str,
    url: str,
    token: str,
    body: dict | None = None,
) -> httpx.Response:
    """One request; any transport error or non-2xx answer becomes a RuntimeError."""
    async with limit:
        try:
            response = await client.request(
                method, url, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:
            raise RuntimeError(f"demo data: {method} {url} failed: {exc!r}") from exc
    if not response.is_success:
        raise RuntimeError(f"demo data: {method} {url} answered {response.status_code}: {response.text}")
    return response


async def run_all(requests: Iterable[Awaitable[Any]]) -> None:
    """Run the requests concurrently; on the first failure cancel the rest and raise it."""
    try:
        async with asyncio.TaskGroup() as group:
            for request in requests:
                group.create_task(request)
    except ExceptionGroup as failures:
        raise failures.exceptions[0] from None


async def _already_seeded(client: httpx.AsyncClient, token: str) -> bool:
    """True if customer C000001 exists: the demo data was loaded by an earlier start."""
    url = "/customers/C000001/facts"
    try:
        response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as exc:
        raise RuntimeError(f"demo data: GET {url} failed: {exc!r}") from exc
    if response.status_code == 200:
        return True
    # the access policy answers a missing customer as it answers another branch's: 403
    if response.status_code in (403, 404):
        return False
    raise RuntimeError(f"demo data: GET {url} answered {response.status_code}: {response.text}")


def _facts_body(customer: dict) -> dict:
    return {k: v for k, v in customer.items() if k != "customer_id"}


async def seed_identify(
    identify_url: str,
    tokens: dict[str, str],
    customers: int = 300,
    *,
    progress: Callable[[int, int], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict:
    """Load the demo customers and observations into the identify service.

    tokens maps role to a bearer token of a BR001 staff member: "wealth_manager" writes the
    facts, "lobby_manager" and "teller" record half of the observations each. Returns the counts
    and the customers whose guidance called a wealth manager (the referral service suggests
    them to the lobby). Skips (and returns {"skipped": True}) when customer C000001 already
    exists. C000001 is written last of all customers, so that a run interrupted while writing
    facts is redone.
    progress(done, total) is told of each request answered, and first of the total.
    transport replaces the network in tests (httpx.MockTransport)."""
    limit = asyncio.Semaphore(16)
    client = httpx.AsyncClient(base_url=identify_url.rstrip("/"), timeout=30.0, transport=transport)
    async with client:
        if await _already_seeded(client, tokens["wealth_manager"]):
            return {"skipped": True}
        people = make_customers(customers)
        observations = make_observations(people)
        total, done = len(people) + len(observations), 0
        if progress:
            progress(0, total)

        calling: list[str] = []  # customers whose guidance called a wealth manager

        async def send(method: str, url: str, token: str, body: dict) -> None:
            nonlocal done
            response = await send_request(client, limit, method, url, token, body)
            if method == "POST" and response.json()["guidance"]["call_wealth_manager"]:
                calling.append(response.json()["customer_id"])
            done += 1
            if progress:
                progress(done, total)

        def put(customer: dict) -> Awaitable[None]:
            url = f"/customers/{customer['customer_id']}/facts"
            return send("PUT", url, tokens["wealth_manager"], _facts_body(customer))

        await run_all(put(c) for c in people[1:])
        await run_all(put(c) for c in people[:1])
        observers = (tokens["lobby_manager"], tokens["teller"])
        await run_all(
            send("POST", "/observations", observers[i % 2], body) for i, body in enumerate(observations)
        )
    return {
        "customers": len(people),
        "observations": len(observations),
        "called_wealth_manager": sorted(calling),
        "skipped": False,
    }
