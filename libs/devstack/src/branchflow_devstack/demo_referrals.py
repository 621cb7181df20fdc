"""A day of referrals in the demo branch, loaded through the referral service's REST API.

What a branch's day looks like at the close of business (DOMAIN.md §2): forms from the lobby
manager, the tellers and a wealth manager, some `referred` (handed over on the spot), some
`pending` (the card handed, a contact agreed); the wealth managers have confirmed some, copied
others into their follow-up register and worked on it — an analysis, planned contacts in the
diary, attempts, one agreed meeting that is an appointment on the next working day, one customer
after three failed calls whom the register proposes to abandon; one customer judged not premium.
The lobby manager has filed one of the day's suggested referrals (identifications whose guidance
called a wealth manager), turned down others with a reason and left one never acted on. The
marketing manager held a seminar; an attendee brought a friend, who is handed over to a wealth
manager at the end.

The people are the identify demo's customers (those nobody observed today, without a wealth
manager yet, so none of them is also a suggestion) and invented walk-ins. Form ids are derived
from a fixed name (uuid5), so a retried filing is the same form. Everything happens on the day it
is loaded; contacts and the appointment fall on the next working day.

Public API:
- `seed_referral(referral_url, tokens, identifications=, progress=)`: tokens maps a staff id of
  `demo_data.STAFF` to its bearer token. Skips when loaded already: the seminar's handover is
  written last and looked for first.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from branchflow_devstack.demo_data import (
    BRANCH_ID,
    assets_with_us,
    make_customers,
    make_observations,
    run_all,
    send_request,
)
from branchflow_runtime.workdays import WorkingCalendar

BRANCH_ZONE = ZoneInfo("Asia/Shanghai")
# the demo's form ids: uuid5 of this namespace and the form's name
FORM_IDS = uuid.UUID("6f2b6c1e-5d0a-4c55-9d3f-2f1b7e0a9c42")
SUGGESTION_WAIT_SECONDS = 45.0
DISMISSAL_REASONS = ("客户表示今天没有时间，改日再来", "客户只办理缴费业务，不愿与理财经理面谈")


def form_id(name: str) -> str:
    return str(uuid.uuid5(FORM_IDS, name))


HANDOVER_ID = form_id("seminar-handover")  # written last: the marker of a complete load


# --- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoForm:
    """A form as filed, and what its wealth manager did with it by the evening."""

    name: str
    filed_by: str
    person: dict[str, Any]  # {"customer_id": …} or {"prospect": {"name": …, "phone": …}}
    status: str  # referred | pending
    wealth_manager: str
    note: str
    source: str | None = None  # the filer's own unless given
    contact: tuple[time, str] | None = None  # pending: time on the next working day, way
    confirmed: tuple[bool, str] | None = None  # met, result
    copied: bool = False
    register: str | None = None  # the work done on its register entry: a key of REGISTER_WORK


@dataclass(frozen=True)
class DemoDay:
    today: date
    next_working_day: date
    forms: list[DemoForm]
    seminar_attendees: list[str]  # customer ids; the first brought a friend
    friend: dict[str, str]
    friend_handed_to: str


def _people_to_refer(customers: list[dict], observed: set[str]) -> tuple[list[str], list[str]]:
    """Customers worth referring (some wealth, no wealth manager yet) and premium customers with
    their own wealth manager (seminar attendees), none of them observed today."""
    unobserved = [c for c in customers if c["customer_id"] not in observed]
    to_refer = [
        c["customer_id"]
        for c in unobserved
        if c["wealth_manager_id"] is None
        and (c["banks_mainly_elsewhere"] or assets_with_us(c) >= Decimal(100_000))
    ]
    premium = [c["customer_id"] for c in unobserved if assets_with_us(c) >= Decimal(500_000)]
    return to_refer, premium


def plan_day(today: date, calendar: WorkingCalendar | None = None) -> DemoDay:
    """The day's forms, register work and seminar (the same every day but for the dates)."""
    customers = make_customers()
    observed = {o["customer_id"] for o in make_observations(customers)}
    refer, premium = _people_to_refer(customers, observed)
    if len(refer) < 6 or len(premium) < 2:
        raise RuntimeError("demo data: too few customers to refer in the demo branch")
    walk_in = {"name": "周建华", "phone": "139 1762 3480"}
    forms = [
        DemoForm("lobby-sold", "lm-001", {"customer_id": refer[0]}, "referred", "wm-001",
                 "客户咨询大额存单，理财经理当场接待", confirmed=(True, "sold")),
        DemoForm("lobby-not-premium", "lm-001", {"customer_id": refer[1]}, "referred", "wm-003",
                 "客户办理大额取款时询问理财产品", confirmed=(True, "not_premium")),
        DemoForm("lobby-walk-in", "lm-001", {"prospect": walk_in}, "pending", "wm-002",
                 "客户赶时间，已递理财经理名片", contact=(time(10, 0), "phone"), copied=True,
                 register="appointment"),
        DemoForm("counter-waiting", "tl-001", {"customer_id": refer[2]}, "referred", "wm-001",
                 "柜台办理外汇业务，已引导至理财室"),
        DemoForm("counter-unreachable", "tl-002", {"customer_id": refer[3]}, "pending", "wm-003",
                 "客户办理大额汇款，约定电话回访", contact=(time(15, 0), "phone"), copied=True,
                 register="unreachable"),
        DemoForm("counter-follow-up", "tl-003", {"customer_id": refer[4]}, "referred", "wm-002",
                 "客户购买基金，对养老规划感兴趣", confirmed=(True, "follow_up"), register="analysis"),
        DemoForm("counter-to-copy", "tl-001", {"prospect": {"name": "吴丽娟", "phone": "137 2456 8812"}},
                 "pending", "wm-001", "客户开立保管箱，留下了联系方式", contact=(time(11, 0), "phone")),
        DemoForm("introduction", "wm-003", {"prospect": {"name": "郑国栋", "phone": "186 0213 5547"}},
                 "pending", "wm-003", f"客户{refer[5]}介绍的朋友，经营外贸公司", source="introduction",
                 contact=(time(16, 0), "visit")),
    ]  # fmt: skip
    calendar = calendar or WorkingCalendar()
    return DemoDay(
        today=today,
        next_working_day=calendar.next_working_day(today),
        forms=forms,
        seminar_attendees=premium[:2],
        friend={"name": "冯雪梅", "phone": "135 6482 1907"},
        friend_handed_to="wm-002",
    )


def at_local(day: date, clock: time) -> str:
    """An aware timestamp of the branch's clock, as the API wants it."""
    return datetime.combine(day, clock, tzinfo=BRANCH_ZONE).isoformat()


# --- loading -----------------------------------------------------------------------------


class ReferralApi:
    """Requests as one member of staff or another; each answered request moves the progress."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        tokens: dict[str, str],
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.client = client
        self.tokens = tokens
        self.limit = asyncio.Semaphore(8)
        self.progress = progress
        self.done = 0
        self.total = 0

    def expect(self, more: int) -> None:
        self.total += more
        self._tell()

    def _tell(self) -> None:
        if self.progress:
            self.progress(self.done, self.total)

    async def send(self, staff: str, method: str, path: str, body: dict | None = None) -> Any:
        response = await send_request(self.client, self.limit, method, path, self.tokens[staff], body)
        self.done += 1
        self._tell()
        return response.json()

    async def get(self, staff: str, path: str) -> httpx.Response:
        try:
            return await self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[staff]}"})
        except httpx.HTTPError as exc:
            raise RuntimeError(f"demo data: GET {path} failed: {exc!r}") from exc


REGISTER_STEPS = {None: 0, "appointment": 4, "unreachable": 3, "analysis": 2}


def _steps(form: DemoForm) -> int:
    return 1 + bool(form.confirmed) + form.copied + REGISTER_STEPS[form.register]


async def _file(api: ReferralApi, day: DemoDay, form: DemoForm) -> None:
    body: dict[str, Any] = {
        "referral_id": form_id(form.name),
        **form.person,
        "status": form.status,
        "wealth_manager_id": form.wealth_manager,
        "note": form.note,
    }
    if form.source:
        body["source"] = form.source
    if form.contact:
        clock, way = form.contact
        body["contact"] = {"at": at_local(day.next_working_day, clock), "way": way}
    referral = await api.send(form.filed_by, "POST", "/referrals", body)
    path = f"/referrals/{referral['referral_id']}"
    if form.confirmed:
        met, result = form.confirmed
        body = {"met": met, "result": result}
        referral = await api.send(form.wealth_manager, "POST", f"{path}/confirmation", body)
    if form.copied:
        referral = await api.send(form.wealth_manager, "POST", f"{path}/register-copy")
    if form.register:
        await REGISTER_WORK[form.register](api, day, form.wealth_manager, referral["entry_id"])


async def _appointment(api: ReferralApi, day: DemoDay, manager: str, entry: str) -> None:
    """A walk-in who had to leave: analysed, called back today, a meeting agreed on the next working day."""
    path = f"/follow-ups/{entry}"
    await api.send(
        manager,
        "PUT",
        f"{path}/analysis",
        {
            "means": "私营企业主，名下有两套住房，他行有大额定期存款",
            "character": "做事干脆，时间观念强，喜欢高尔夫",
            "likely_needs": "企业主家庭资产配置，子女出国留学的外汇需求",
        },
    )
    planned = await api.send(
        manager,
        "POST",
        f"{path}/planned-contacts",
        {
            "day": day.today.isoformat(),
            "way": "phone",
            "at_time": "16:00:00",
            "purpose": "电话回访，约面谈时间",
        },
    )
    await api.send(
        manager,
        "POST",
        f"{path}/attempts",
        {
            "way": "phone",
            "result": "no_answer",
            "note": "客户在开会，未接听",
            "next_step": "一小时后再打",
        },
    )
    await api.send(
        manager,
        "POST",
        f"{path}/attempts",
        {
            "way": "phone",
            "result": "meeting_agreed",
            "planned_contact_id": planned["contact_id"],
            "note": "客户同意来行面谈",
            "next_step": "准备资产配置建议书",
            "meeting": {
                "meets_at": at_local(day.next_working_day, time(14, 30)),
                "place": "支行贵宾理财室",
                "note": "带上外汇理财产品资料",
            },
        },
    )


async def _unreachable(api: ReferralApi, day: DemoDay, manager: str, entry: str) -> None:
    """Three failed calls in a row: the register proposes to abandon; the manager has not decided."""
    path = f"/follow-ups/{entry}/attempts"
    failures = (("no_answer", "无人接听"), ("unreachable", "电话关机"), ("no_answer", "再次无人接听"))
    for result, note in failures:
        await api.send(manager, "POST", path, {"way": "phone", "result": result, "note": note})


async def _analysis(api: ReferralApi, day: DemoDay, manager: str, entry: str) -> None:
    """Met today, to follow up: the manager's analysis and a call planned for the next working day."""
    path = f"/follow-ups/{entry}"
    await api.send(
        manager,
        "PUT",
        f"{path}/analysis",
        {
            "means": "夫妻双职工，有稳定储蓄和少量基金",
            "character": "稳健谨慎，重视保障",
            "likely_needs": "养老规划，子女教育金",
        },
    )
    await api.send(
        manager,
        "POST",
        f"{path}/planned-contacts",
        {
            "day": day.next_working_day.isoformat(),
            "way": "phone",
            "at_time": "10:30:00",
            "purpose": "介绍养老目标基金",
        },
    )


REGISTER_WORK = {"appointment": _appointment, "unreachable": _unreachable, "analysis": _analysis}


async def _suggestions_of_today(api: ReferralApi, day: DemoDay) -> list[dict]:
    response = await api.get("lm-001", f"/branches/{BRANCH_ID}/suggestions?day={day.today.isoformat()}")
    if not response.is_success:
        raise RuntimeError(f"demo data: suggestions answered {response.status_code}: {response.text}")
    return response.json()


async def _arrived_suggestions(
    api: ReferralApi, day: DemoDay, expected: list[str], timeout: float
) -> list[dict]:
    """The day's suggestions once one has arrived for each customer whose identification called
    a wealth manager: the referral service reads them from Kafka once its consumer group has
    settled. After ``timeout``, those that came."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        arrived = await _suggestions_of_today(api, day)
        if set(expected) <= {s["customer_id"] for s in arrived}:
            return arrived
        if asyncio.get_running_loop().time() > deadline:
            if arrived:
                return arrived
            raise RuntimeError(
                f"demo data: no suggested referral reached the referral service within {timeout:.0f} s "
                "(it reads customer.identified from Kafka: see var/log/referral.log)"
            )
        await asyncio.sleep(0.3)


async def _handle_suggestions(
    api: ReferralApi, day: DemoDay, expected: list[str], timeout: float
) -> dict[str, int]:
    """The lobby manager files the day's first suggestion, turns down those in between with a
    reason, and never acts on the last one."""
    arrived = await _arrived_suggestions(api, day, expected, timeout)
    suggestions = sorted(arrived, key=lambda s: s["identified_at"])
    open_ = [s for s in suggestions if s["status"] == "open"]
    if len(open_) < 2:
        return {"suggestions": len(suggestions), "filed": 0, "dismissed": 0}
    first, *between, _never_acted_on = open_
    api.expect(1 + len(between))
    await api.send(
        "lm-001",
        "POST",
        f"/suggestions/{first['suggestion_id']}/referral",
        {
            "referral_id": form_id("lobby-suggestion"),
            "status": "referred",
            "wealth_manager_id": "wm-001",
            "note": "大堂识别后当场引荐给理财经理",
        },
    )
    await run_all(
        api.send(
            "lm-001",
            "POST",
            f"/suggestions/{s['suggestion_id']}/dismissal",
            {"reason": DISMISSAL_REASONS[n % len(DISMISSAL_REASONS)]},
        )
        for n, s in enumerate(between)
    )
    return {"suggestions": len(suggestions), "filed": 1, "dismissed": len(between)}


async def _seminar(api: ReferralApi, day: DemoDay) -> None:
    """The marketing manager's seminar; the friend an attendee brought is handed over last."""
    first, *others = day.seminar_attendees
    seminar = await api.send(
        "mk-001",
        "POST",
        "/seminars",
        {
            "kind": "seminar",
            "day": day.today.isoformat(),
            "topic": "家庭资产配置与养老规划讲座",
            "place": "支行三楼多功能厅",
            "attendees": [
                {"customer_id": first, "friends": [{"prospect": day.friend}]},
                *({"customer_id": c} for c in others),
            ],
        },
    )
    guest = next(p for p in seminar["participants"] if p["role"] == "guest")
    path = f"/marketing-activities/{seminar['activity_id']}/participants/{guest['person_id']}/handover"
    await api.send(
        "mk-001",
        "POST",
        path,
        {
            "referral_id": HANDOVER_ID,
            "wealth_manager_id": day.friend_handed_to,
            "contact": {"at": at_local(day.next_working_day, time(10, 30)), "way": "phone"},
            "note": "经营服装外贸公司，关注子女教育金和外汇理财；讲座后留下联系方式",
        },
    )


async def _already_seeded(api: ReferralApi) -> bool:
    """True when the seminar's handover, written last, exists (the branch head may read it)."""
    response = await api.get("bh-001", f"/referrals/{HANDOVER_ID}")
    if response.status_code == 200:
        return True
    # a form that does not exist is refused as another branch's would be, outside head office
    if response.status_code in (403, 404):
        return False
    raise RuntimeError(
        f"demo data: GET /referrals/{HANDOVER_ID} answered {response.status_code}: {response.text}"
    )


async def _nobody_identified() -> list[str]:
    return []


async def seed_referral(
    referral_url: str,
    tokens: dict[str, str],
    *,
    identifications: Awaitable[list[str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    today: date | None = None,
    suggestion_wait: float = SUGGESTION_WAIT_SECONDS,
) -> dict:
    """Load the day of referrals; returns what was loaded, or {"skipped": True}.

    identifications resolves once identify's demo data is in, to the customers whose
    identification just now called a wealth manager: a suggestion arrives for each, to be filed
    or turned down (identify loading alongside is why this is an awaitable).
    progress(done, total) as in seed_identify; transport replaces the network in tests."""
    client = httpx.AsyncClient(base_url=referral_url.rstrip("/"), timeout=30.0, transport=transport)
    async with client:
        api = ReferralApi(client, tokens, progress)
        if await _already_seeded(api):
            if inspect.iscoroutine(identifications):
                identifications.close()  # not needed: unawaited by design, not by mistake
            return {"skipped": True}
        day = plan_day(today or datetime.now(UTC).astimezone(BRANCH_ZONE).date())
        api.expect(sum(_steps(f) for f in day.forms) + 2)  # + the seminar and its handover
        await run_all(_file(api, day, form) for form in day.forms)
        suggestions = {"suggestions": 0, "filed": 0, "dismissed": 0}
        if expected := await (identifications or _nobody_identified()):
            suggestions = await _handle_suggestions(api, day, expected, suggestion_wait)
        await _seminar(api, day)
    return {
        "forms": len(day.forms) + suggestions["filed"] + 1,
        "entries": sum(f.register is not None for f in day.forms) + 1,  # + the handover's
        **suggestions,
        "skipped": False,
    }
