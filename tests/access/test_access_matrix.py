"""One access policy, obeyed everywhere. For every role, what each service's REST API gives and
what the role's GraphQL schema can show are exactly what the policy grants
(``branchflow_runtime.access``) — no more, no less. A new service adds its probes here."""

import httpx
import pytest
from asgi_lifespan import LifespanManager

from branchflow_gateway import access as gateway_access
from branchflow_gateway.config import GatewaySettings
from branchflow_gateway.schemas import OPERATIONS, SHOWS, build_schemas
from branchflow_runtime import access
from branchflow_runtime.access import Action, Data
from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.settings import DEV_JWT_SECRET
from identify.bootstrap import create_app as create_identify
from identify.config import IdentifySettings
from identify.entrypoints.api import OBSERVATION_CHANNELS
from referral.access import FILING_SOURCES
from referral.bootstrap import create_app as create_referral
from referral.config import ReferralSettings

pytestmark = pytest.mark.connected

BRANCH = "BR001"
# what each service holds: its REST API is probed for these
IDENTIFY_DATA = frozenset(
    {
        Data.GUIDANCE,
        Data.IDENTIFICATION,
        Data.COUNTS,
        Data.TRACE,
        Data.TIER,
        Data.SCORE,
        Data.EXPLANATION,
        Data.AMOUNTS,
        Data.FACTS,
        Data.PERSONAL_DATA,
    }
)
IDENTIFY_ACTIONS = frozenset({Action.RECORD_OBSERVATION, Action.WRITE_FACTS})
REFERRAL_DATA = frozenset(
    {
        Data.REFERRALS,
        Data.REFERRAL_DAY,
        Data.REFERRAL_COUNTS,
        Data.APPRAISAL,
        Data.REGISTER,
        Data.REGISTER_ACCESS_LOG,
        Data.MARKETING,
    }
)
# handling a suggestion needs an identification event first: referral's own tests cover it
REFERRAL_ACTIONS = frozenset(access.Action) - IDENTIFY_ACTIONS - {Action.HANDLE_SUGGESTIONS}
assert frozenset(Data) == IDENTIFY_DATA | REFERRAL_DATA, "a kind of data no service is probed for"
TRACEPARENT = "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def staff_id(role: Role) -> str:
    return f"{role.value}-probe"


def headers(role: Role) -> dict:
    branch = "HO" if access.reaches_every_branch_role(role) else BRANCH
    return {"Authorization": f"Bearer {mint_token(staff_id(role), role, branch, secret=DEV_JWT_SECRET)}"}


def customer(role: Role) -> str:
    """Each role probes a customer of its own whose wealth manager it is: ownership is the most
    the policy can grant, so what is still withheld is withheld by role."""
    return f"PROBE{list(Role).index(role):02d}"


@pytest.fixture(scope="module")
async def identify(kafka_broker, database_factory):
    settings = IdentifySettings(
        database_url=await database_factory("access_matrix"),
        kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
        start_consumers=False,
        start_sweeper=False,
    )
    app = create_identify(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://identify"
        ) as client,
    ):
        writer = headers(Role.HEAD_OFFICE)
        identifications = {}
        for role in Role:
            facts = {
                "branch_id": BRANCH,
                "deposits": "900000.00",
                "wealth_manager_id": staff_id(role),
                "name": "王芳",
                "phone": "13812345678",
            }
            assert (
                await client.put(f"/customers/{customer(role)}/facts", json=facts, headers=writer)
            ).is_success
            observed = await client.post(
                "/observations",
                json={"customer_id": customer(role)},
                headers={**headers(Role.LOBBY_MANAGER), "traceparent": TRACEPARENT},
            )
            identifications[role] = observed.json()["identification_id"]
        yield client, identifications


async def rest_reads(client: httpx.AsyncClient, role: Role, identification_id: str) -> set[Data]:
    """What identify's REST API shows this role of its own branch's records."""
    shown: set[Data] = set()
    auth = headers(role)
    rows = await client.get(f"/branches/{BRANCH}/identifications", headers=auth)
    if rows.status_code == 200 and rows.json():
        shown.add(Data.IDENTIFICATION)
        shown |= _row_data(rows.json())
    one = await client.get(f"/identifications/{identification_id}", headers=auth)
    if one.status_code == 200:
        shown.add(Data.IDENTIFICATION)
        shown |= _row_data([one.json()])
        if one.json()["trace_id"]:
            shown.add(Data.TRACE)
    rating = await client.get(f"/customers/{customer(role)}/rating", headers=auth)
    if rating.status_code == 200:
        shown |= {Data.TIER, Data.SCORE} | ({Data.EXPLANATION} if rating.json()["explanation"] else set())
    facts = await client.get(f"/customers/{customer(role)}/facts", headers=auth)
    if facts.status_code == 200:
        body = facts.json()
        shown.add(Data.FACTS)
        if "deposits" in body["facts"]:
            shown.add(Data.AMOUNTS)
        if body["personal_data"].get("name"):
            shown.add(Data.PERSONAL_DATA)
    counts = await client.get(f"/branches/{BRANCH}/identification-counts", headers=auth)
    if counts.status_code == 200:
        shown.add(Data.COUNTS)
    return shown


def _row_data(rows: list[dict]) -> set[Data]:
    shown = set()
    for row in rows:
        if row.get("name"):  # the lobby's list names whom it serves, masked
            shown.add(Data.PERSONAL_DATA)
        if row.get("guidance"):
            shown.add(Data.GUIDANCE)
        if row.get("tier"):
            shown.add(Data.TIER)
        if row.get("score") is not None:
            shown.add(Data.SCORE)
    return shown


async def rest_actions(client: httpx.AsyncClient, role: Role) -> set[Action]:
    done: set[Action] = set()
    auth = headers(role)
    channel = sorted(OBSERVATION_CHANNELS.get(role, {"branch"}))[0]
    observed = await client.post(
        "/observations", json={"customer_id": customer(role), "channel": channel}, headers=auth
    )
    if observed.status_code == 201:
        done.add(Action.RECORD_OBSERVATION)
    facts = {"branch_id": BRANCH, "deposits": "900000.00", "wealth_manager_id": staff_id(role)}
    if (await client.put(f"/customers/{customer(role)}/facts", json=facts, headers=auth)).status_code == 200:
        done.add(Action.WRITE_FACTS)
    return done


@pytest.mark.parametrize("role", list(Role), ids=str)
async def test_identify_rest_api_gives_each_role_what_the_policy_grants(identify, role):
    client, identifications = identify
    assert await rest_reads(client, role, identifications[role]) == access.readable(role) & IDENTIFY_DATA
    assert await rest_actions(client, role) == access.permitted(role) & IDENTIFY_ACTIONS


WM = Role.WEALTH_MANAGER
DAY = "2026-11-02"  # a Monday; its forms are the probes'


def _form(customer_id: str, *, role: Role, wealth_manager: str, status: str = "referred") -> dict:
    body = {
        "customer_id": customer_id,
        "status": status,
        "wealth_manager_id": wealth_manager,
        "source": sorted(FILING_SOURCES[role])[0],
    }
    if status == "pending":
        body["contact"] = {"at": "2026-11-30T02:00:00Z", "way": "phone"}
    return body


@pytest.fixture(scope="module")
async def referral(kafka_broker, database_factory):
    settings = ReferralSettings(
        database_url=await database_factory("access_matrix_referral"),
        kafka_bootstrap_servers=kafka_broker.bootstrap_servers,
        start_consumers=False,
        start_summary_job=False,
    )
    app = create_referral(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=60) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://referral"
        ) as client,
    ):

        async def file(role: Role, customer_id: str, **kw) -> str:
            response = await client.post(
                "/referrals", json=_form(customer_id, role=role, **kw), headers=headers(role)
            )
            assert response.status_code == 201, response.text
            return response.json()["referral_id"]

        wm = staff_id(WM)
        forms = {
            Role.LOBBY_MANAGER: await file(Role.LOBBY_MANAGER, "RPROBE01", wealth_manager=wm),
            Role.TELLER: await file(Role.TELLER, "RPROBE02", wealth_manager=wm, status="pending"),
            Role.MARKETING_MANAGER: await file(Role.MARKETING_MANAGER, "RPROBE03", wealth_manager=wm),
        }
        copied = await client.post(f"/referrals/{forms[Role.TELLER]}/register-copy", headers=headers(WM))
        assert copied.status_code == 200, copied.text
        entry = copied.json()["entry_id"]
        # per role: a form naming it as the wealth manager (to confirm), one filed by the lobby (to withdraw)
        to_confirm, to_withdraw = {}, {}
        for n, role in enumerate(Role):
            to_confirm[role] = await file(Role.LOBBY_MANAGER, f"RCONF{n:02d}", wealth_manager=staff_id(role))
            to_withdraw[role] = await file(Role.LOBBY_MANAGER, f"RWDRW{n:02d}", wealth_manager=wm)
        yield client, forms, entry, to_confirm, to_withdraw


async def referral_reads(client: httpx.AsyncClient, role: Role, forms: dict, entry: str) -> set[Data]:
    auth = headers(role)
    form = forms.get(role, forms[Role.LOBBY_MANAGER])
    probes = {
        Data.REFERRALS: f"/referrals/{form}",
        Data.REFERRAL_DAY: f"/branches/{BRANCH}/days/{DAY}",
        Data.REFERRAL_COUNTS: f"/branches/{BRANCH}/referral-counts",
        Data.APPRAISAL: f"/branches/{BRANCH}/monthly-summaries/2026-10",
        Data.REGISTER: f"/follow-ups/{entry}",
        Data.REGISTER_ACCESS_LOG: f"/branches/{BRANCH}/register-access-log",
        Data.MARKETING: f"/branches/{BRANCH}/marketing-activities",
    }
    shown = set()
    for data, path in probes.items():
        status = (await client.get(path, headers=auth)).status_code
        assert status in (200, 403, 404), (path, status)
        if status != 403:  # a summary not sent yet is a 404 for who may read it
            shown.add(data)
    return shown


async def referral_actions(client: httpx.AsyncClient, role: Role, entry: str, to_confirm, to_withdraw) -> set:
    auth = headers(role)
    done = set()
    if role in FILING_SOURCES:
        filed = await client.post(
            "/referrals",
            json=_form(f"RFILE{list(Role).index(role):02d}", role=role, wealth_manager=staff_id(WM)),
            headers=auth,
        )
        if filed.status_code == 201:
            done.add(Action.FILE_REFERRAL)
            to_withdraw = {**to_withdraw, role: filed.json()["referral_id"]}
    withdrawn = await client.post(
        f"/referrals/{to_withdraw[role]}/withdrawal", json={"reason": "probe"}, headers=auth
    )
    if withdrawn.status_code == 200:
        done.add(Action.WITHDRAW_REFERRAL)
    confirmed = await client.post(
        f"/referrals/{to_confirm[role]}/confirmation", json={"met": True, "result": "sold"}, headers=auth
    )
    if confirmed.status_code == 200:
        done.add(Action.CONFIRM_REFERRAL)
    for action, method, path, body in [
        (Action.CLOSE_DAY, "POST", f"/branches/{BRANCH}/days/2026-01-05/close", None),
        (Action.REOPEN_DAY, "POST", f"/branches/{BRANCH}/days/2026-01-05/reopen", {"reason": "probe"}),
        (Action.WRITE_REGISTER, "PUT", f"/follow-ups/{entry}/analysis", {"means": "probe"}),
        (
            Action.RECORD_MARKETING,
            "POST",
            "/seminars",
            {"day": DAY, "topic": "养老规划", "place": "网点二楼", "attendees": [{"customer_id": "RSEM01"}]},
        ),
    ]:
        response = await client.request(method, path, json=body, headers=auth)
        assert response.status_code in (200, 201, 403, 409), (path, response.status_code, response.text)
        if response.status_code != 403:  # allowed: done, or refused for what it is (409)
            done.add(action)
    return done


@pytest.mark.parametrize("role", list(Role), ids=str)
async def test_referral_rest_api_gives_each_role_what_the_policy_grants(referral, role):
    client, forms, entry, to_confirm, to_withdraw = referral
    assert await referral_reads(client, role, forms, entry) == access.readable(role) & REFERRAL_DATA
    assert await referral_actions(client, role, entry, to_confirm, to_withdraw) == (
        access.permitted(role) & REFERRAL_ACTIONS
    )


SCHEMAS = build_schemas(GatewaySettings())


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_gateway_schema_of_each_role_shows_what_the_policy_grants(role):
    schema = SCHEMAS[role]._schema
    assert gateway_access.reachable(schema, SHOWS) == access.readable(role)
    mutations = set(schema.mutation_type.fields) if schema.mutation_type else set()
    actions = {op.action for op in OPERATIONS if op.kind == "mutation" and _graphql_name(op) in mutations}
    assert actions == access.permitted(role)


def _graphql_name(operation) -> str:
    head, *rest = operation.name.split("_")
    return head + "".join(word.title() for word in rest)
