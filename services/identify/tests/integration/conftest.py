"""The identify service running in-process against the real broker and a real PostgreSQL
database of its own, started once per test session (the consumer-group join takes seconds)."""

import asyncio
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from branchflow_contracts import CustomerTier
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.i18n import LOCALES, label
from branchflow_runtime.settings import DEV_JWT_SECRET
from identify.bootstrap import create_app
from identify.config import IdentifySettings

# the tests' own rules and rates: what a test expects follows from them, not from the bank's files
RULES_DIR = Path(__file__).parent.parent / "rules"
TEST_FILES = {
    "rating_rules_path": RULES_DIR / "rating.toml",
    "exchange_rates_path": RULES_DIR / "exchange_rates.toml",
}


def token(role: Role, staff_id: str | None = None, branch: str = "BR001") -> str:
    return mint_token(staff_id or f"{role.value}-1", role, branch, secret=DEV_JWT_SECRET)


def auth(role: Role, staff_id: str | None = None, branch: str = "BR001") -> dict:
    return {"Authorization": f"Bearer {token(role, staff_id, branch)}"}


# What gives a customer's standing away on a lobby or counter screen (切忌向普通客户明确表达客户服务
# 差异性): a tier — its code, its label in either language, the words the labels are made of — or
# an amount, however it is written.
TIER_WORDS = sorted(
    {t.value for t in CustomerTier}
    | {label(t, locale) for t in CustomerTier for locale in LOCALES}
    | {"优质", "潜质", "潜力", "核心", "待争取", "普通客户", "贵宾", "premium", "potential", "vip"}
)
CURRENCY_WORDS = ["CNY", "RMB", "¥", "￥", "人民币", "万元", "元整"]
# each amount the tests use, as figures, with separators, in 万 and in Chinese numerals (小写, 大写)
AMOUNT_FORMS = {
    900_000: ["900000", "900,000", "900 000", "90万", "90.00万", "九十万", "玖拾万"],
    1_200_000: ["1200000", "1,200,000", "1 200 000", "120万", "120.00万", "一百二十万", "壹佰贰拾万"],
    3_000_000: ["3000000", "3,000,000", "3 000 000", "300万", "300.00万", "三百万", "叁佰万"],
    1_500_000: ["1500000", "1,500,000", "1 500 000", "150万", "150.00万", "一百五十万", "壹佰伍拾万"],
    500_000: ["500000", "500,000", "500 000", "50万", "50.00万", "五十万", "伍拾万"],
}


def gives_away(text: str, *amounts: int) -> list[str]:
    """What of a tier or of ``amounts`` (yuan) ``text`` shows: empty when nothing."""
    words = TIER_WORDS + CURRENCY_WORDS + [form for amount in amounts for form in AMOUNT_FORMS[amount]]
    return [word for word in words if word.lower() in text.lower()]


@pytest.fixture(scope="session")
async def identify_running(kafka_broker, database_factory):
    """The service's app (``app.state.container`` holds its engine) and what serves it."""
    settings = IdentifySettings(
        database_url=await database_factory("identify"),
        kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
        kafka_group_id="identify-tests",
        start_sweeper=False,
        relay_idle_poll_seconds=0.2,
        **TEST_FILES,
    )
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        # the consumers join in the background; the system-mining tests need them following
        await asyncio.wait_for(app.state.container.consumers_ready.wait(), 60)
        yield app, manager.app


@pytest.fixture(scope="session")
def identify_app(identify_running):
    return identify_running[1]


@pytest.fixture(scope="session")
def identify_container(identify_running):
    return identify_running[0].state.container


@pytest.fixture(scope="session")
async def client(identify_app):
    transport = httpx.ASGITransport(app=identify_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identify") as http:
        yield http
