"""Input an outside tester sent to the identify API: each is a 4xx that says what is wrong (they
were 500s or silently accepted), and nothing is written."""

import pytest

from branchflow_runtime.auth import Role

from .conftest import auth

pytestmark = pytest.mark.connected

LOBBY = auth(Role.LOBBY_MANAGER)
WEALTH = auth(Role.WEALTH_MANAGER)


@pytest.mark.parametrize("raw", [b"1e309", b"NaN", b"Infinity", b"-Infinity", b'"\\ud800"'])
async def test_bare_non_finite_numbers_and_lone_surrogates_are_422(client, raw):
    response = await client.post(
        "/observations", content=raw, headers={**LOBBY, "content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_a_surrogate_inside_a_field_is_422(client):
    body = b'{"customer_id": "C1", "purpose": "\\ud800"}'
    response = await client.post(
        "/observations", content=body, headers={**LOBBY, "content-type": "application/json"}
    )
    assert response.status_code == 422


async def test_a_large_body_is_413_and_not_echoed(client):
    body = b'{"customer_id": "' + b"A" * 5_000_000 + b'"}'
    response = await client.post(
        "/observations", content=body, headers={**LOBBY, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert len(response.content) < 200


async def test_a_long_string_gets_a_short_error(client):
    response = await client.post("/observations", json={"customer_id": "B" * 100_000}, headers=LOBBY)
    assert response.status_code == 422
    assert len(response.content) < 1_000


@pytest.mark.parametrize("amount", ["１００", " 100", "-0", "1e15", "100.001", 100.5])
async def test_an_amount_that_is_not_plain_money_is_refused(client, amount):
    response = await client.put(
        "/customers/MONEY01/facts", json={"branch_id": "BR001", "deposits": amount}, headers=WEALTH
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "deposits"] and error["type"] == "money_format"
    assert (await client.get("/customers/MONEY01/facts", headers=WEALTH)).status_code in (403, 404)


async def test_amounts_are_stored_canonically(client):
    response = await client.put(
        "/customers/MONEY02/facts", json={"branch_id": "BR001", "deposits": "100"}, headers=WEALTH
    )
    assert response.status_code == 200, response.text
    facts = (await client.get("/customers/MONEY02/facts", headers=WEALTH)).json()["facts"]
    assert facts["deposits"] == "100.00"
