"""The lobby's live push: ``customer.identified`` read by this gateway (``EventFeed``), each new
identification, reduced to its guidance, handed to the subscriptions of its branch, and its
listeners (the lobby list cache) told which branch changed."""

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

from pydantic import ValidationError

from branchflow_contracts import CustomerIdentified, Topic
from branchflow_gateway.events import EventFeed
from branchflow_runtime.privacy import local_time

log = logging.getLogger(__name__)
QUEUE_SIZE = 100  # per subscription; a subscriber that falls behind loses the oldest rows


class LiveIdentifications(EventFeed):
    topic = str(Topic.CUSTOMER_IDENTIFIED)

    def __init__(self, bootstrap_servers: str, **new_topic) -> None:
        super().__init__(bootstrap_servers, **new_topic)
        self._followers: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self.listeners: list[Callable[[str], None]] = []  # called with the branch of each event

    async def follow(self, branch_id: str) -> AsyncIterator[dict]:
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        self._followers[branch_id].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._followers[branch_id].discard(queue)

    def deliver(self, event: CustomerIdentified) -> None:
        """Guidance only: the event's tier and score stay here."""
        row = {
            "identification_id": event.identification_id,
            "customer_id": event.customer_id,
            "prospect_id": event.prospect_id,
            "channel": event.channel.value,
            "purpose": event.purpose,
            "observed_by": event.identified_by,
            "observer_role": event.observer_role,
            "guidance": event.guidance.model_dump(mode="json"),
            "identified_at": event.identified_at.isoformat(),
            "identified_at_local": local_time(event.identified_at),
        }
        for queue in list(self._followers.get(event.branch_id, ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(row)
        for listener in self.listeners:
            listener(event.branch_id)

    def handle(self, value: bytes) -> None:
        try:
            self.deliver(CustomerIdentified.model_validate(json.loads(value)))
        except (ValueError, ValidationError) as exc:
            log.warning("live identifications: unreadable event skipped: %s", exc)
