"""Identifications reach Kafka as CloudEvents, one trace from the HTTP request to the message."""

import json

import pytest
from cloudevents.core.bindings import kafka as ce_kafka

from branchflow_contracts import CustomerIdentified, Topic
from branchflow_runtime.auth import Role
from branchflow_runtime.testing import read_events

from .conftest import auth

pytestmark = pytest.mark.connected

RICH_WALK_IN = {
    "purpose": "large_cash",
    "signals": [
        {"category": "appearance", "kind": "luxury_car"},
        {"category": "appearance", "kind": "other_bank_vip_card"},
        {"category": "large_business", "kind": "cash_deposit", "amount": "800000.00"},
        {"category": "information", "kind": "high_end_residence"},
    ],
}


def _for_customer(customer_id: str):
    return lambda record: json.loads(record.value)["customer_id"] == customer_id


async def test_identification_reaches_kafka_as_a_cloudevent(client, kafka_broker):
    response = await client.post(
        "/observations",
        json={"customer_id": "EVT001", **RICH_WALK_IN},
        headers=auth(Role.LOBBY_MANAGER),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"identification_id", "customer_id", "guidance", "identified_at"}
    assert body["guidance"]["action"] == "meet_wealth_manager"

    [record] = await read_events(
        kafka_broker.bootstrap_servers, Topic.CUSTOMER_IDENTIFIED, 1, match=_for_customer("EVT001")
    )
    assert record.key == b"EVT001"
    headers = {name: value for name, value in record.headers}
    event = ce_kafka.from_binary_event(
        ce_kafka.KafkaMessage(headers=headers, key=record.key, value=record.value)
    )
    assert event.get_type() == "bank.branch.customer.identified.v1"
    assert event.get_source() == "/branchflow/identify"
    assert event.get_subject() == "EVT001"
    assert headers["content-type"] == b"application/json"
    payload = CustomerIdentified.model_validate(event.get_data())
    assert payload.identification_id == body["identification_id"]
    assert payload.tier == "to_win"
    assert payload.channel == "branch"
    assert payload.identified_by == "lobby_manager-1"


async def test_trace_id_of_the_request_is_in_the_kafka_message(client, kafka_broker):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = await client.post(
        "/observations",
        json={"customer_id": "TRACE01", **RICH_WALK_IN},
        headers={**auth(Role.TELLER), "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
    )
    assert response.status_code == 201, response.text
    [record] = await read_events(
        kafka_broker.bootstrap_servers, Topic.CUSTOMER_IDENTIFIED, 1, match=_for_customer("TRACE01")
    )
    traceparent = dict(record.headers)["traceparent"].decode()
    assert traceparent.split("-")[1] == trace_id
    # the service stored it too, so ops can go from an identification to its trace
    stored = await client.get(
        f"/identifications/{response.json()['identification_id']}",
        headers=auth(Role.OPS, branch="HO"),
    )
    assert stored.json()["trace_id"] == trace_id


async def test_a_rejected_request_leaves_nothing_behind(client):
    response = await client.post(
        "/observations",
        json={
            "customer_id": "BAD001",
            "signals": [{"category": "appearance", "kind": "cash_deposit"}],
        },
        headers=auth(Role.LOBBY_MANAGER) | {"Accept-Language": "en"},
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "signals", 0]
    assert (error["type"], error["ctx"]["kind"]) == ("signal.kind_not_in_category", "cash_deposit")
    assert "'Large cash deposit' is not a signal of category Appearance" in error["msg"]
    # head office reaches every branch, so a missing rating is a 404 for it (a branch gets 403)
    rating = await client.get("/customers/BAD001/rating", headers=auth(Role.HEAD_OFFICE, branch="HO"))
    assert rating.status_code == 404
