"""What the gateway's log says about GraphQL errors: a refusal it means to give (FORBIDDEN, a
query that does not validate) is one line; an error it did not expect keeps its stack trace."""

import io
import logging
import sys

import httpx
import pytest
from asgi_lifespan import LifespanManager

from branchflow_gateway.app import create_app
from branchflow_gateway.config import GatewaySettings
from branchflow_runtime.auth import Role
from branchflow_runtime.logs import configure_logging

from .conftest import graphql


def identify(request: httpx.Request) -> httpx.Response:
    """C… customers come back in a shape the gateway cannot read (a bug somewhere); X… customers
    belong to another branch."""
    if request.url.path == "/ratings":
        ids = request.url.params.get_list("customer_ids")
        return httpx.Response(200, json=[{"unexpected": "shape"} for i in ids if i.startswith("C")])
    return httpx.Response(403, json={"detail": "branch BR002 is outside your branch BR001"})


@pytest.fixture
def log_output():
    root = logging.getLogger()
    saved = (root.level, root.handlers[:], sys.excepthook)
    buffer = io.StringIO()
    configure_logging("INFO", stream=buffer)
    yield buffer
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    sys.excepthook = saved[2]


@pytest.fixture
async def client():
    app = create_app(
        GatewaySettings(live_updates=False), transports={"identify": httpx.MockTransport(identify)}
    )
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://gw") as client,
    ):
        yield client


async def test_refusals_are_one_line_each(client, log_output):
    """Each in the words the caller was given (here English)."""
    query = '{ customerRating(customerId: "X9") { tier } }'
    forbidden = await graphql(client, query, Role.WEALTH_MANAGER, language="en")
    assert forbidden.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    query = '{ identificationTrace(identificationId: "x") { traceId } }'
    not_a_uuid = await graphql(client, query, Role.OPS, language="en")
    assert not_a_uuid.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    invalid = await graphql(client, "{ lobbyList { tier } }")
    assert invalid.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    logged = [line for line in log_output.getvalue().splitlines() if "branchflow_gateway" in line]
    assert len(logged) == 3, log_output.getvalue()
    assert logged[0].endswith(
        "INFO branchflow_gateway.errors FORBIDDEN: branch BR002 is outside your branch BR001"
    )
    assert logged[1].endswith("BAD_USER_INPUT: identificationId 'x' is not a UUID")
    assert logged[2].endswith("BAD_USER_INPUT: Cannot query field 'tier' on type 'LobbyIdentification'.")
    assert "Traceback" not in log_output.getvalue()


async def test_an_unexpected_error_is_masked_for_the_caller_and_logged_with_its_stack_trace(
    client, log_output
):
    response = await graphql(client, '{ customerRating(customerId: "C1") { tier } }', Role.WEALTH_MANAGER)
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    text = log_output.getvalue()
    assert "Traceback (most recent call last):" in text
    assert "KeyError: 'customer_id'" in text
