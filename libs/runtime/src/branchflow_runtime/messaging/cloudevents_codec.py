"""CloudEvents 1.0 in Kafka binary mode, written and read with the ``cloudevents`` SDK so that
any consumer using the SDK, or a plain Kafka client reading ``ce_*`` headers, understands us."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.v1.event import CloudEvent

CONTENT_TYPE = "application/json"


class InvalidEnvelope(ValueError):
    """A message that is not a CloudEvent we can read; retrying will not help."""


@dataclass(frozen=True)
class WireMessage:
    headers: dict[str, str]
    key: bytes | None
    value: bytes


def encode(
    *,
    event_id: str,
    ce_type: str,
    source: str,
    subject: str | None,
    time: datetime,
    data: dict[str, Any],
    key: str | None,
) -> WireMessage:
    attributes = {
        "id": event_id,
        "type": ce_type,
        "source": source,
        "specversion": "1.0",
        "time": time,
        "datacontenttype": CONTENT_TYPE,
    }
    if subject:
        attributes["subject"] = subject
    message = ce_kafka.to_binary_event(CloudEvent(attributes=attributes, data=data))
    return WireMessage(
        headers={name: value.decode() for name, value in message.headers.items()},
        key=key.encode() if key is not None else None,
        value=message.value,
    )


def decode(headers: dict[str, Any], key: bytes | None, value: bytes) -> CloudEvent:
    """Read a binary-mode CloudEvent; raise InvalidEnvelope when it is not one."""
    raw = {name: (v if isinstance(v, bytes) else str(v).encode()) for name, v in headers.items()}
    if "ce_id" not in raw or "ce_type" not in raw:
        raise InvalidEnvelope("missing CloudEvents headers ce_id / ce_type")
    try:
        return ce_kafka.from_binary_event(ce_kafka.KafkaMessage(headers=raw, key=key, value=value))
    except Exception as exc:  # the SDK raises several kinds on a malformed envelope
        raise InvalidEnvelope(f"unreadable CloudEvent: {exc}") from exc
