"""The demo data: believable, deterministic, and acceptable to the identify API."""

import asyncio
import json
import re
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from branchflow_devstack.demo_data import (
    STAFF,
    make_customers,
    make_observations,
    seed_identify,
)

ROLES = {
    "lobby_manager",
    "teller",
    "wealth_manager",
    "marketing_manager",
    "service_quality_officer",
    "deputy_branch_head",
    "branch_head",
    "head_office",
    "ops",
}
AMOUNT_FIELDS = ("deposits", "funds", "insurance", "wealth_products", "loans")
SIGNAL_KINDS = {
    "large_business": {
        "cash_deposit", "cash_withdrawal", "remittance", "foreign_exchange", "loan_repayment",
        "loan_prepayment", "deposit_certificate", "large_cd_loss_report", "bond_purchase",
        "fund_purchase", "insurance_purchase", "wealth_product_purchase",
    },
    "account_opening": {"safe_deposit_box", "complex_investment_inquiry"},
    "appearance": {
        "luxury_car", "own_bank_vip_card", "other_bank_vip_card", "luxury_clothing", "luxury_watch",
        "luxury_jewellery", "foreign_national", "high_end_phone", "celebrity",
    },
    "information": {
        "high_end_residence", "high_end_workplace", "high_income_profession", "family_high_income",
    },
}  # fmt: skip
PURPOSES = {
    "small_cash", "bill_payment", "transfer", "account_inquiry", "complex_non_cash",
    "large_cash", "investment", "other",
}  # fmt: skip
PHONE = re.compile(r"^\+?[0-9 -]{7,20}$")
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")


def mod11_2_check(first17: str) -> str:
    """ISO 7064 MOD 11-2, as GB 11643 defines the resident ID's last character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


@pytest.fixture(scope="module")
def customers() -> list[dict]:
    return make_customers()


@pytest.fixture(scope="module")
def observations(customers) -> list[dict]:
    return make_observations(customers)


def aum(customer: dict) -> Decimal:
    return sum(Decimal(customer[k]) for k in ("deposits", "funds", "insurance", "wealth_products"))


# --- staff -------------------------------------------------------------------------------


def test_staff_cover_every_role():
    assert {s.role for s in STAFF} == ROLES
    assert [s.staff_id for s in STAFF if s.role == "teller"] == ["tl-001", "tl-002", "tl-003"]
    assert len([s for s in STAFF if s.role == "wealth_manager"]) == 3


def test_staff_ids_unique_and_branches_right():
    assert len({s.staff_id for s in STAFF}) == len(STAFF)
    for s in STAFF:
        assert s.branch_id == ("HO" if s.role in {"head_office", "ops"} else "BR001")
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", s.name)


# --- customers ---------------------------------------------------------------------------


def test_customer_ids_unique_and_readable(customers):
    ids = [c["customer_id"] for c in customers]
    assert len(ids) == 300
    assert len(set(ids)) == 300
    assert ids[0] == "C000001"
    assert all(re.fullmatch(r"C\d{6}", i) for i in ids)


def test_deterministic_per_seed():
    assert make_customers(50, seed=7) == make_customers(50, seed=7)
    assert make_customers(50, seed=7) != make_customers(50, seed=8)
    people = make_customers(50, seed=7)
    assert make_observations(people, seed=3) == make_observations(people, seed=3)
    assert make_observations(people, seed=3) != make_observations(people, seed=4)


def test_customers_belong_to_the_branch():
    assert {c["branch_id"] for c in make_customers(20, branch_id="BR002")} == {"BR002"}


def test_id_numbers_have_valid_check_character_and_birth_date(customers):
    for c in customers:
        number = c["id_number"]
        assert ID_NUMBER.match(number), number
        assert number[17] == mod11_2_check(number[:17]), number
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))  # raises if invalid
        on = date(2026, 1, 1)  # the module counts ages from here
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        assert 20 <= age <= 80, number


def test_check_function_agrees_with_a_published_example():
    # The sample number of GB 11643-1999's annex.
    assert mod11_2_check("11010519491231002") == "X"


def test_amounts_are_non_negative_with_two_decimals(customers):
    for c in customers:
        for field in AMOUNT_FIELDS:
            amount = Decimal(c[field])
            assert amount >= 0, (c["customer_id"], field)
            assert amount.as_tuple().exponent >= -2, (c["customer_id"], field)
            assert re.fullmatch(r"\d+\.\d{2}", c[field]), c[field]


def test_wealth_mix_is_skewed_like_a_branch(customers):
    share_premium = sum(aum(c) >= 500_000 for c in customers) / len(customers)
    assert 0.08 <= share_premium <= 0.25
    share_small = sum(Decimal(c["deposits"]) < 50_000 for c in customers) / len(customers)
    assert share_small >= 0.6
    assert any(aum(c) >= 2_000_000 for c in customers)
    to_win = [c for c in customers if c["banks_mainly_elsewhere"]]
    assert to_win
    assert all(aum(c) < 500_000 and c["other_bank_vip"] for c in to_win)


def test_identify_rates_the_branch_like_a_real_one(customers, observations):
    """The tiers identify gives the demo branch under the rules `make run` rates with (its own
    rating.toml), facts and the lobby's observations together: most customers ordinary, some
    potential and to win, a few premium and premium core. Rating is identify's, not guessed here:
    when the bank's rules change what a type means, this test says the demo branch no longer
    looks like one."""
    config = pytest.importorskip("identify.config")
    from identify.adapters.rules_file import load_exchange_rates, load_rules
    from identify.domain.facts import CustomerFacts
    from identify.domain.rating import rate
    from identify.entrypoints.schemas import FactsIn, ObservationIn, signals_to_domain

    rules = load_rules(config.DEFAULT_RULES)
    rates = load_exchange_rates(config.DEFAULT_EXCHANGE_RATES)
    seen = {o["customer_id"]: ObservationIn.model_validate(o) for o in observations}
    now = datetime.now(UTC)
    tiers = Counter()
    for c in customers:
        body = FactsIn.model_validate({k: v for k, v in c.items() if k != "customer_id"})
        facts = CustomerFacts(customer_id=c["customer_id"], **body.model_dump())
        observed = seen.get(c["customer_id"])
        signals = signals_to_domain(observed.signals, rates) if observed else ()
        tiers[rate(facts, signals, rules, now).tier.value] += 1
    share = {tier: count / len(customers) for tier, count in tiers.items()}
    assert 0.55 <= share["ordinary"] <= 0.75, tiers
    assert 0.10 <= share["potential"] <= 0.20, tiers
    assert 0.03 <= share["to_win"] <= 0.10, tiers
    assert 0.08 <= share["premium"] + share["premium_core"] <= 0.20, tiers
    assert 0.02 <= share["premium_core"] < share["premium"], tiers


def test_wealth_managers_own_the_wealthy(customers):
    managers = {s.staff_id for s in STAFF if s.role == "wealth_manager"}
    for c in customers:
        if aum(c) >= 500_000:
            assert c["wealth_manager_id"] in managers
        if aum(c) < 50_000:
            assert c["wealth_manager_id"] is None


def test_personal_data_looks_real(customers):
    for c in customers:
        assert PHONE.match(c["phone"])
        assert re.fullmatch(r"1[358]\d{9}", c["phone"])
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", c["name"])
        assert c["address"].startswith("上海市") and len(c["address"]) <= 256
        assert c["occupation"] in {
            "entrepreneur", "executive", "doctor", "lawyer", "professor", "civil_servant",
            "engineer", "teacher", "worker", "retired", "student", None,
        }  # fmt: skip
        assert c["address_area"] in {"high_end_residential", "high_end_office", "ordinary", None}
        assert c["social_standing"] in {"high", "normal", None}


def test_customers_are_json(customers):
    assert json.loads(json.dumps(customers, ensure_ascii=False)) == customers


# --- observations ------------------------------------------------------------------------


def test_observations_shape(customers, observations):
    known = {c["customer_id"] for c in customers}
    assert len(observations) == 40
    assert len({o["customer_id"] for o in observations}) == 40
    for o in observations:
        assert o["customer_id"] in known
        assert o["channel"] == "branch"
        assert o["purpose"] in PURPOSES


def test_signals_belong_to_their_category_and_only_large_business_has_amounts(observations):
    signals = [s for o in observations for s in o["signals"]]
    assert signals
    for s in signals:
        assert s["kind"] in SIGNAL_KINDS[s["category"]], s
        if s["category"] == "large_business":
            assert Decimal(s["amount"]) > 0
            assert Decimal(s["amount"]).as_tuple().exponent >= -2
        else:
            assert "amount" not in s, s


def test_richer_customers_show_more_signals():
    people = make_customers(1000, seed=11)
    by_id = {c["customer_id"]: c for c in people}
    observed = make_observations(people, count=400, seed=11)

    def luxury_or_large(o):
        return sum(s["category"] in {"large_business", "appearance"} for s in o["signals"])

    rich = [luxury_or_large(o) for o in observed if aum(by_id[o["customer_id"]]) >= 500_000]
    poor = [luxury_or_large(o) for o in observed if aum(by_id[o["customer_id"]]) < 50_000]
    assert rich and poor
    assert sum(rich) / len(rich) > 2 * sum(poor) / len(poor)


def test_fewer_customers_than_observations():
    assert len(make_observations(make_customers(5), count=40)) == 5


def test_bodies_pass_the_identify_api_schemas(customers, observations):
    schemas = pytest.importorskip("identify.entrypoints.schemas")
    for c in customers:
        schemas.FactsIn.model_validate({k: v for k, v in c.items() if k != "customer_id"})
    for o in observations:
        schemas.ObservationIn.model_validate(o)


# --- seeding -----------------------------------------------------------------------------

TOKENS = {"wealth_manager": "wm-token", "lobby_manager": "lm-token", "teller": "tl-token"}


class FakeIdentify:
    """Records the requests; answers like the identify service would."""

    def __init__(self, seeded: bool = False, fail_on: str | None = None):
        self.seeded = seeded
        self.fail_on = fail_on
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "GET":
            return httpx.Response(200 if self.seeded else 404, json={})
        if self.fail_on and request.url.path == self.fail_on:
            return httpx.Response(422, json={"detail": "bad amount"})
        if request.method == "POST":  # the guidance: here, a wealth manager for large business
            body = json.loads(request.content)
            calls = any(s["category"] == "large_business" for s in body["signals"])
            guidance = {"action": "meet_wealth_manager", "call_wealth_manager": calls}
            return httpx.Response(201, json={"customer_id": body["customer_id"], "guidance": guidance})
        return httpx.Response(200, json={})


def seed(fake: FakeIdentify, customers: int = 30, progress=None) -> dict:
    transport = httpx.MockTransport(fake)
    return asyncio.run(
        seed_identify("http://identify/", TOKENS, customers, progress=progress, transport=transport)
    )


def test_seed_puts_facts_then_posts_observations():
    fake = FakeIdentify()
    result = seed(fake)
    assert (result["customers"], result["observations"], result["skipped"]) == (30, 30, False)
    observed = make_observations(make_customers(30))
    large = [
        o["customer_id"] for o in observed if any(s["category"] == "large_business" for s in o["signals"])
    ]
    assert large and result["called_wealth_manager"] == sorted(large)  # whom the lobby will be suggested
    puts = [r for r in fake.requests if r.method == "PUT"]
    posts = [r for r in fake.requests if r.method == "POST"]
    assert len(puts) == 30
    assert len(posts) == 30
    assert puts[-1].url.path == "/customers/C000001/facts"  # the marker goes last
    assert fake.requests.index(posts[0]) > fake.requests.index(puts[-1])
    assert {r.headers["Authorization"] for r in puts} == {"Bearer wm-token"}
    observers = [r.headers["Authorization"] for r in posts]
    assert observers.count("Bearer lm-token") == observers.count("Bearer tl-token") == 15
    assert "customer_id" not in json.loads(puts[0].content)


def test_seed_tells_its_progress_request_by_request():
    fake = FakeIdentify()
    told: list[tuple[int, int]] = []
    seed(fake, progress=lambda done, total: told.append((done, total)))
    writes = [r for r in fake.requests if r.method != "GET"]
    assert told == [(n, 60) for n in range(61)]  # the total first, then each answer
    assert len(writes) == 60


def test_seed_loads_when_the_marker_customer_is_refused_as_missing():
    """identify answers a customer that does not exist yet with the same 403 as another branch's."""

    class RefusingIdentify(FakeIdentify):
        def __call__(self, request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                self.requests.append(request)
                return httpx.Response(403, json={"detail": "outside your branch"})
            return super().__call__(request)

    assert seed(RefusingIdentify())["skipped"] is False


def test_seed_skips_when_already_loaded():
    fake = FakeIdentify(seeded=True)
    assert seed(fake) == {"skipped": True}
    assert [r.method for r in fake.requests] == ["GET"]


def test_seed_raises_with_status_and_body():
    fake = FakeIdentify(fail_on="/customers/C000007/facts")
    with pytest.raises(RuntimeError, match=r"C000007/facts answered 422: .*bad amount"):
        seed(fake)
