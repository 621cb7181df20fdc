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

pytestmark = pytest.mark.connected

BRANCH = "BR001"
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
        LifespanManager(app, startup_timeout=60) as manager,
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
    assert await rest_reads(client, role, identifications[role]) == access.readable(role)
    assert await rest_actions(client, role) == access.permitted(role)


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
