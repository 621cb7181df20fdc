from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings import kafka as ce_kafka

from branchflow_runtime.messaging import cloudevents_codec


def test_encoded_event_is_binary_mode_and_round_trips():
    wire = cloudevents_codec.encode(
        event_id="e-1",
        ce_type="bank.branch.customer.identified.v1",
        source="/branchflow/identify",
        subject="C1",
        time=datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
        data={"customer_id": "C1", "score": "12.50"},
        key="C1",
    )
    assert wire.headers["ce_id"] == "e-1"
    assert wire.headers["ce_specversion"] == "1.0"
    assert wire.headers["ce_time"] == "2026-11-22T08:00:00Z"
    assert wire.headers["content-type"] == "application/json"
    assert wire.key == b"C1"
    event = cloudevents_codec.decode(wire.headers, wire.key, wire.value)
    assert event.get_data() == {"customer_id": "C1", "score": "12.50"}
    # and any client using the SDK reads it the same way
    raw = {k: v.encode() for k, v in wire.headers.items()}
    sdk_event = ce_kafka.from_binary_event(ce_kafka.KafkaMessage(headers=raw, key=wire.key, value=wire.value))
    assert sdk_event.get_subject() == "C1"


def test_a_message_without_ce_headers_is_an_invalid_envelope():
    with pytest.raises(cloudevents_codec.InvalidEnvelope, match="ce_id"):
        cloudevents_codec.decode({"content-type": "application/json"}, None, b"{}")
