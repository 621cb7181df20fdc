"""Bounded retries, then ``<topic>.dlq``: a message that keeps failing is parked with the error
in its headers and committed, so the partition keeps flowing. (FastStream has no DLQ for Kafka.)

Bad input (not a CloudEvent, a payload that fails validation) is dead-lettered at once: retrying
cannot fix it. Anything else is retried with a short backoff first."""

import asyncio
import logging
import traceback
from typing import Any

from faststream import BaseMiddleware
from pydantic import ValidationError

from branchflow_contracts import dead_letter_topic
from branchflow_runtime.messaging.cloudevents_codec import InvalidEnvelope

log = logging.getLogger(__name__)

NOT_RETRYABLE = (ValidationError, InvalidEnvelope, UnicodeDecodeError, ValueError)


class DeadLetterPolicy:
    """Broker middleware factory: ``KafkaBroker(middlewares=[policy])``, then ``policy.bind(broker)``."""

    def __init__(self, max_attempts: int = 3, backoff_seconds: float = 0.2) -> None:
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.broker: Any = None
        self.dead_lettered = 0

    def bind(self, broker: Any) -> None:
        self.broker = broker

    def __call__(self, msg: Any = None, /, **kwargs: Any) -> "DeadLetterMiddleware":
        return DeadLetterMiddleware(msg, policy=self, **kwargs)


class DeadLetterMiddleware(BaseMiddleware):
    def __init__(self, msg: Any, *, policy: DeadLetterPolicy, **kwargs: Any) -> None:
        super().__init__(msg, **kwargs)
        self.policy = policy

    async def consume_scope(self, call_next, msg):
        error: Exception | None = None
        attempts = 0
        for attempts in range(1, self.policy.max_attempts + 1):
            try:
                return await call_next(msg)
            except NOT_RETRYABLE as exc:
                error = exc
                break
            except Exception as exc:
                error = exc
                log.warning("handler failed (attempt %d): %s", attempts, exc)
                if attempts < self.policy.max_attempts:
                    await asyncio.sleep(self.policy.backoff_seconds * attempts)
        await self._dead_letter(msg, error, attempts)
        return None

    async def _dead_letter(self, msg, error: Exception, attempts: int) -> None:
        record = msg.raw_message
        topic = record.topic
        headers = {
            name: value.decode(errors="replace") if isinstance(value, bytes) else str(value)
            for name, value in (msg.headers or {}).items()
        }
        headers.update(
            {
                "x-dlq-original-topic": topic,
                "x-dlq-original-partition": str(record.partition),
                "x-dlq-original-offset": str(record.offset),
                "x-dlq-error-type": type(error).__name__,
                "x-dlq-error": str(error)[:2000],
                "x-dlq-attempts": str(attempts),
                "x-dlq-stacktrace": "".join(traceback.format_exception(error))[-4000:],
            }
        )
        await self.policy.broker.publish(
            record.value, topic=dead_letter_topic(topic), key=record.key, headers=headers
        )
        self.policy.dead_lettered += 1
        log.error(
            "dead-lettered %s[%s]@%s after %d attempt(s): %s",
            topic,
            record.partition,
            record.offset,
            attempts,
            error,
        )
