"""Every state change reaches Kafka as a CloudEvent through the outbox, keyed so that one
person's events stay in order; a plain aiokafka consumer reads them with the cloudevents SDK."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from cloudevents.core.bindings import kafka as ce_kafka

from branchflow_contracts import (
    CustomerConverted,
    CustomerReferred,
    FollowUpAppointmentMade,
    FollowUpAttemptRecorded,
    FollowUpOpened,
    ReferralConfirmed,
    Topic,
)
from branchflow_runtime.auth import Role
from branchflow_runtime.testing import read_events

from .conftest import auth

pytestmark = pytest.mark.connected

BRANCH = "BREVT"
WM = auth(Role.WEALTH_MANAGER, "wm-evt", BRANCH)


def _about(customer_id: str):
    return lambda record: json.loads(record.value)["customer_id"] == customer_id


def _cloud_event(record):
    headers = dict(record.headers)
    return ce_kafka.from_binary_event(
        ce_kafka.KafkaMessage(headers=headers, key=record.key, value=record.value)
    )


async def test_a_filed_referral_reaches_kafka_as_a_cloudevent(client, kafka_broker):
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    response = await client.post(
        "/referrals",
        json={"customer_id": "EVT1", "status": "referred", "wealth_manager_id": "wm-evt"},
        headers={
            **auth(Role.LOBBY_MANAGER, "lm-evt", BRANCH),
            "traceparent": f"00-{trace_id}-b7ad6b7169203331-01",
        },
    )
    assert response.status_code == 201, response.text
    [record] = await read_events(
        kafka_broker.bootstrap_servers, Topic.CUSTOMER_REFERRED, 1, match=_about("EVT1")
    )
    event = _cloud_event(record)
    assert record.key == b"EVT1"
    assert event.get_type() == "bank.branch.customer.referred.v1"
    assert event.get_source() == "/branchflow/referral"
    assert event.get_subject() == "EVT1"
    assert dict(record.headers)["content-type"] == b"application/json"
    payload = CustomerReferred.model_validate(event.get_data())
    assert (payload.referral_id, payload.status, payload.wealth_manager_id, payload.referrer_role) == (
        response.json()["referral_id"],
        "referred",
        "wm-evt",
        "lobby_manager",
    )
    assert dict(record.headers)["traceparent"].decode().split("-")[1] == trace_id


async def test_a_follow_up_from_confirmation_to_conversion_is_told_in_order(client, kafka_broker):
    filed = await client.post(
        "/referrals",
        json={"customer_id": "EVT2", "status": "referred", "wealth_manager_id": "wm-evt"},
        headers=auth(Role.TELLER, "t-evt", BRANCH),
    )
    referral_id = filed.json()["referral_id"]
    confirmed = await client.post(
        f"/referrals/{referral_id}/confirmation", json={"met": True, "result": "follow_up"}, headers=WM
    )
    entry_id = confirmed.json()["entry_id"]
    meets_at = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    attempt = await client.post(
        f"/follow-ups/{entry_id}/attempts",
        json={
            "way": "phone",
            "result": "meeting_agreed",
            "next_step": "bring the fund brochure",
            "meeting": {"meets_at": meets_at.isoformat(), "place": "wealth centre"},
        },
        headers=WM,
    )
    assert attempt.status_code == 201, attempt.text
    verdict = await client.post(f"/follow-ups/{entry_id}/verdict", json={"verdict": "premium"}, headers=WM)
    assert verdict.json()["status"] == "converted"

    expected = [
        (Topic.CUSTOMER_REFERRED, CustomerReferred),
        (Topic.FOLLOW_UP_OPENED, FollowUpOpened),
        (Topic.REFERRAL_CONFIRMED, ReferralConfirmed),
        (Topic.FOLLOW_UP_ATTEMPT_RECORDED, FollowUpAttemptRecorded),
        (Topic.FOLLOW_UP_APPOINTMENT_MADE, FollowUpAppointmentMade),
        (Topic.CUSTOMER_CONVERTED, CustomerConverted),
    ]
    times = []
    for topic, contract in expected:
        [record] = await read_events(kafka_broker.bootstrap_servers, topic, 1, match=_about("EVT2"))
        event = _cloud_event(record)
        assert event.get_type() == contract.ce_type and record.key == b"EVT2"
        payload = contract.model_validate(event.get_data())
        times.append(event.get_time())
        if contract is FollowUpAppointmentMade:
            assert payload.meets_at == meets_at
        if contract is CustomerConverted:
            assert (payload.wealth_manager_id, payload.entry_id, payload.referral_id) == (
                "wm-evt",
                entry_id,
                referral_id,
            )
        assert "tier" not in payload.model_dump() and "score" not in payload.model_dump()
    assert times == sorted(times)
