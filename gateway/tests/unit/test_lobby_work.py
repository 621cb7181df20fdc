"""The lobby's and the counter's work through the gateway (fake identify service): the lobby
list row, the tellers' list, handling, the second diversion, walk-in prospects; `purpose` is an
enum. What each call sends to the identify service is checked too."""

import json

import pytest

from branchflow_runtime.auth import Role

from .conftest import graphql

ROW_FIELDS = """identificationId customerId prospectId name nameMasked channel purpose observedBy observerRole
    callWealthManager handling handledBy guidance { action scriptCode offerWealthManagerCard }"""


async def test_the_lobby_list_row_says_who_what_and_where(gateway, fake_identify):
    fake_identify_rows = await graphql(gateway, f"{{ lobbyList {{ {ROW_FIELDS} }} }}")
    assert fake_identify_rows.status_code == 200, fake_identify_rows.text
    [row] = fake_identify_rows.json()["data"]["lobbyList"]
    assert row["purpose"] is None and row["nameMasked"] is True  # a row of before: still readable
    [asked] = [c for c in fake_identify.calls if c.url.path.endswith("/identifications")]
    assert asked.url.params["include_prospects"] == "true"  # the lobby works from prospects too


async def test_the_tellers_list_and_its_rows(gateway, fake_identify):
    response = await graphql(
        gateway, f"{{ counterObservations(mine: true) {{ {ROW_FIELDS} }} }}", Role.TELLER
    )
    assert response.status_code == 200, response.text
    [row] = response.json()["data"]["counterObservations"]
    assert row == {
        "identificationId": "0b0e7f0e-0000-4000-8000-000000000002",
        "customerId": None,
        "prospectId": "7c1e0000-0000-4000-8000-000000000001",
        "name": "欧***",
        "nameMasked": True,
        "channel": "BRANCH",
        "purpose": "LARGE_CASH",
        "observedBy": "teller-1",
        "observerRole": "teller",
        "callWealthManager": True,
        "handling": None,
        "handledBy": None,
        "guidance": {
            "action": "MEET_WEALTH_MANAGER",
            "scriptCode": "meet_wealth_manager_or_card",
            "offerWealthManagerCard": True,
        },
    }
    [asked] = [c for c in fake_identify.calls if "counter-observations" in c.url.path]
    assert asked.url.path == "/branches/BR001/counter-observations" and asked.url.params["mine"] == "true"


async def test_purpose_is_an_enum_and_an_unknown_one_is_bad_user_input(gateway, fake_identify):
    mutation = "mutation($o: ObservationInput!) { recordObservation(observation: $o) { identificationId } }"
    ok = await graphql(
        gateway,
        mutation,
        variables={"o": {"customerId": "C1", "purpose": "SMALL_CASH", "customerHasTime": False}},
    )
    assert ok.status_code == 200 and "errors" not in ok.json(), ok.text
    sent = json.loads(fake_identify.calls[-1].content)
    assert (sent["purpose"], sent["customer_has_time"]) == ("small_cash", False)
    bad = await graphql(gateway, mutation, variables={"o": {"customerId": "C1", "purpose": "sightseeing"}})
    assert bad.status_code == 200 and bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_handling_a_guidance(gateway, fake_identify):
    mutation = """mutation($id: ID!) { recordHandling(identificationId: $id, outcome: REFERRED) {
        identificationId handling handledBy } }"""
    response = await graphql(gateway, mutation, variables={"id": "0b0e7f0e-0000-4000-8000-000000000002"})
    assert response.json()["data"]["recordHandling"]["handling"] == "REFERRED", response.text
    assert json.loads(fake_identify.calls[-1].content) == {"outcome": "referred"}
    bad = await graphql(gateway, mutation, variables={"id": "../../customers"})
    assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_second_diversion_asked_and_viewed(gateway, fake_identify):
    mutation = """mutation { checkQueue(check: {purpose: SMALL_CASH, ticket: "A017"}) {
        ticket purpose moved guidance { action } } }"""
    asked = await graphql(gateway, mutation)
    assert asked.json()["data"]["checkQueue"] == {
        "ticket": "A017",
        "purpose": "SMALL_CASH",
        "moved": True,
        "guidance": {"action": "SELF_SERVICE"},
    }, asked.text
    assert json.loads(fake_identify.calls[-1].content) == {"purpose": "small_cash", "ticket": "A017"}
    view = await graphql(
        gateway, "{ queueChecks { asked keptTicket moved { action count } checks { ticket } } }"
    )
    assert view.json()["data"]["queueChecks"] == {
        "asked": 1,
        "keptTicket": 0,
        "moved": [{"action": "SELF_SERVICE", "count": 1}],
        "checks": [{"ticket": "A017"}],
    }


async def test_walk_in_prospects_recorded_linked_and_followed_up(gateway, fake_identify):
    record = """mutation { recordProspect(prospect: {name: "欧阳娜娜", phone: "13912345678",
        purpose: LARGE_CASH, signals: [{category: APPEARANCE, kind: "luxury_car"}]}) {
        prospectId guidance { action } } }"""
    recorded = await graphql(gateway, record)
    assert recorded.json()["data"]["recordProspect"]["prospectId"] == "7c1e0000-0000-4000-8000-000000000001"
    sent = json.loads(fake_identify.calls[-1].content)
    assert sent["purpose"] == "large_cash" and sent["signals"] == [
        {"category": "appearance", "kind": "luxury_car"}
    ]
    link = """mutation { linkProspect(prospectId: "7c1e0000-0000-4000-8000-000000000001", customerId: "C42") {
        prospectId customerId } }"""
    linked = await graphql(gateway, link, Role.TELLER)
    assert linked.json()["data"]["linkProspect"]["customerId"] == "C42", linked.text
    followed = await graphql(
        gateway, "{ prospects(linked: false) { name phone contactMasked } }", Role.WEALTH_MANAGER
    )
    assert followed.json()["data"]["prospects"] == [
        {"name": "欧阳娜娜", "phone": "13912345678", "contactMasked": False}
    ]
    assert fake_identify.calls[-1].url.params["linked"] == "false"


async def test_a_walk_in_known_by_the_id_derived_from_their_phone_is_linked_by_it(gateway, fake_identify):
    link = 'mutation($p: ID!) { linkProspect(prospectId: $p, customerId: "C42") { prospectId customerId } }'
    linked = await graphql(gateway, link, Role.TELLER, {"p": "PAB813C8177C4"})
    assert linked.json()["data"]["linkProspect"] == {"prospectId": "PAB813C8177C4", "customerId": "C42"}
    assert fake_identify.calls[-1].url.path == "/prospects/PAB813C8177C4/link"
    refused = await graphql(gateway, link, Role.TELLER, {"p": "13912345678"})
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "13912345678" in error["message"]


@pytest.mark.parametrize(
    ("role", "query"),
    [
        # the policy: lists are guidance, prospects personal data; ops and quality read neither
        (Role.OPS, "{ counterObservations { identificationId } }"),
        (Role.OPS, "{ prospects { name } }"),
        (Role.SERVICE_QUALITY_OFFICER, "{ queueChecks { asked } }"),
        (Role.TELLER, '{ customerRating(customerId: "C1") { tier } }'),
    ],
)
async def test_fields_a_role_does_not_have(gateway, role, query):
    response = await graphql(gateway, query, role)
    assert response.status_code in (200, 400)
    assert "Cannot query field" in response.json()["errors"][0]["message"]
