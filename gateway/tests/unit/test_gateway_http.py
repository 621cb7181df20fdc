"""Identity, limits, errors and upstream failure, through the gateway's HTTP endpoint."""

from datetime import timedelta

import httpx
import jwt
import pytest

from branchflow_runtime.auth import Role

from .conftest import graphql, token


async def test_lobby_manager_records_an_observation_and_gets_guidance(gateway, fake_identify):
    response = await graphql(
        gateway,
        'mutation { recordObservation(observation: {customerId: "C1", signals: ['
        '{category: LARGE_BUSINESS, kind: "cash_deposit", amount: "600000.00"}]}) '
        "{ identificationId guidance { action callWealthManager } } }",
    )
    assert response.status_code == 200
    assert response.json()["data"]["recordObservation"]["guidance"]["action"] == "MEET_WEALTH_MANAGER"
    [call] = fake_identify.calls
    # the caller's own token is forwarded (compared by its claims: a token minted now may differ
    # from the caller's in its issue second)
    forwarded = jwt.decode(
        call.headers["authorization"].removeprefix("Bearer "), options={"verify_signature": False}
    )
    assert (forwarded["sub"], forwarded["role"]) == ("lobby_manager-1", "lobby_manager")


@pytest.mark.parametrize(
    "bad_token",
    [
        None,
        "garbage",
        token(Role.TELLER, ttl=timedelta(seconds=-1)),
        jwt.encode({"sub": "x", "role": "teller", "branch": "BR001"}, "wrong-secret-wrong-secret-wrong!!"),
    ],
    ids=["missing", "malformed", "expired", "wrongly-signed"],
)
async def test_no_valid_token_is_401_unauthenticated(gateway, bad_token):
    headers = {"Authorization": f"Bearer {bad_token}"} if bad_token else {}
    response = await gateway.post("/graphql", json={"query": "{ me { staffId } }"}, headers=headers)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_unknown_role_is_401(gateway):
    from branchflow_runtime.auth import mint_token
    from branchflow_runtime.settings import DEV_JWT_SECRET

    unknown = mint_token("j-1", "janitor", "BR001", secret=DEV_JWT_SECRET)
    response = await gateway.post(
        "/graphql",
        json={"query": "{ me { staffId } }"},
        headers={"Authorization": f"Bearer {unknown}", "Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "unknown role" in response.json()["errors"][0]["message"]


async def test_each_role_gets_its_own_schema(gateway):
    query = '{ customerRating(customerId: "C1") { tier } }'
    as_teller = await graphql(gateway, query, role=Role.TELLER)
    as_wealth_manager = await graphql(gateway, query, role=Role.WEALTH_MANAGER)
    assert as_wealth_manager.json()["data"]["customerRating"] == {"tier": "PREMIUM"}
    [error] = as_teller.json()["errors"]
    assert "Cannot query field 'customerRating'" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Did you mean" not in error["message"]  # no field suggestions outside dev mode


async def test_wealth_manager_reads_ratings_batched_and_another_branch_is_forbidden(gateway, fake_identify):
    response = await graphql(
        gateway,
        '{ a: customerRating(customerId: "C1") { tier score } b: customerRating(customerId: "C2") { tier } '
        'c: customerRating(customerId: "X9") { tier } }',
        role=Role.WEALTH_MANAGER,
    )
    body = response.json()
    assert body["data"]["a"] == {"tier": "PREMIUM", "score": "42.00"}
    assert body["data"]["c"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["c"]
    batch_calls = [c for c in fake_identify.calls if c.url.path == "/ratings"]
    assert len(batch_calls) == 1  # one DataLoader batch for all three fields
    assert set(batch_calls[0].url.params.get_list("customer_ids")) == {"C1", "C2", "X9"}


async def test_upstream_down_gives_partial_data_and_a_code_not_a_500(gateway, fake_identify):
    fake_identify.down = True
    response = await graphql(gateway, "{ me { staffId } lobbyList { customerId } }")
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"me": {"staffId": "lobby_manager-1"}, "lobbyList": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "{ lobbyList { guidance { action } guidance { alternatives } } " + "me { staffId } " * 1 + "}",
            None,
        ),
        ("{ a: me { staffId } b: me { staffId } c: me { staffId } d: me { staffId } }", "aliases"),
        ("{ " + " ".join("me { staffId branchId role }" for _ in range(30)) + " }", "token"),
    ],
    ids=["within-limits", "too-many-aliases", "too-many-tokens"],
)
async def test_query_limits(gateway, query, message):
    body = (await graphql(gateway, query)).json()
    if message is None:
        assert "errors" not in body
    else:
        assert message in body["errors"][0]["message"].lower()
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_too_deep_a_query_is_refused(gateway):
    # the depth limit is 2 in these tests (graphql depth counts from 0 at the top field)
    assert "errors" not in (await graphql(gateway, "{ lobbyList { guidance { action } } }")).json()
    body = (await graphql(gateway, "{ lobbyList { guidance { action { deeper } } } }")).json()
    messages = [e["message"] for e in body["errors"]]
    assert any("exceeds maximum operation depth of 2" in m for m in messages), messages
    assert body.get("data") is None


async def test_introspection_is_off_outside_dev_mode(gateway):
    body = (await graphql(gateway, "{ __schema { types { name } } }")).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "introspection" in body["errors"][0]["message"].lower()


async def test_query_batching_is_refused(gateway):
    response = await gateway.post(
        "/graphql",
        json=[{"query": "{ me { staffId } }"}, {"query": "{ me { role } }"}],
        headers={"Authorization": f"Bearer {token(Role.LOBBY_MANAGER)}"},
    )
    assert response.status_code == 400


async def test_a_missing_customer_is_not_found(gateway, fake_identify):
    body = (
        await graphql(gateway, '{ customerRating(customerId: "Z1") { tier } }', role=Role.WEALTH_MANAGER)
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_graphiql_only_in_dev_mode(fake_identify):
    from asgi_lifespan import LifespanManager

    from branchflow_gateway.app import create_app
    from branchflow_gateway.config import GatewaySettings

    for dev_mode, expected in ((True, 200), (False, 401)):
        app = create_app(GatewaySettings(live_updates=False, dev_mode=dev_mode))
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gw") as client,
        ):
            response = await client.get("/graphql", headers={"accept": "text/html"})
        assert response.status_code == expected
        assert ("graphiql" in response.text.lower()) is dev_mode


@pytest.mark.parametrize(
    ("accept", "status", "media", "has_data"),
    [
        ("application/graphql-response+json", 400, "application/graphql-response+json", False),
        ("application/json", 200, "application/json", True),
    ],
)
async def test_graphql_response_media_type_for_a_query_that_cannot_run(
    gateway, accept, status, media, has_data
):
    response = await gateway.post(
        "/graphql",
        json={"query": "{ me { "},
        headers={"Authorization": f"Bearer {token(Role.TELLER)}", "accept": accept},
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith(media)
    assert ("data" in response.json()) is has_data
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_graphql_response_media_type_keeps_200_when_the_query_ran(gateway):
    response = await gateway.post(
        "/graphql",
        json={"query": "{ me { role } }"},
        headers={
            "Authorization": f"Bearer {token(Role.TELLER)}",
            "accept": "application/graphql-response+json",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"role": "teller"}}}
