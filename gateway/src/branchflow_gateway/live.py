"""The lobby's live push: this gateway reads ``customer.identified`` from Kafka without a
consumer group (every replica reads every event) and hands each new identification, reduced to
its guidance, to the subscriptions of its branch, and tells its listeners (the lobby list cache)
which branch changed."""

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from branchflow_contracts import CustomerIdentified, Topic
from branchflow_runtime.privacy import local_time

log = logging.getLogger(__name__)
QUEUE_SIZE = 100  # per subscription; a subscriber that falls behind loses the oldest rows


class LiveIdentifications:
    def __init__(self, bootstrap_servers: str) -> None:
        self._bootstrap = bootstrap_servers
        self._followers: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task | None = None
        self.ready = asyncio.Event()  # set once the partitions are assigned (tests wait on it)
        # counts the times the feed started following; what was learned under an earlier epoch
        # may have missed events while the feed was down
        self.epoch = 0
        self.listeners: list[Callable[[str], None]] = []  # called with the branch of each event

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="live-identifications")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._consumer:
            await self._consumer.stop()

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
            "channel": event.channel.value,
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

    async def _run(self) -> None:
        while True:
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("live identifications: consumer failed; restarting in 2 s")
                self.ready.clear()
                await asyncio.sleep(2)

    async def _consume(self) -> None:
        self._consumer = consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap, enable_auto_commit=False, group_id=None
        )
        await consumer.start()
        try:
            partitions, topic_was_new = await self._partitions(consumer)
            consumer.assign(partitions)
            if topic_was_new:  # created after we started: all of it is news
                await consumer.seek_to_beginning(*partitions)
            else:  # live: only what happens from now on
                await consumer.seek_to_end(*partitions)
            for partition in partitions:
                await consumer.position(partition)
            self.epoch += 1
            self.ready.set()
            async for record in consumer:
                self._handle(record.value)
        finally:
            await consumer.stop()

    @staticmethod
    async def _partitions(consumer: AIOKafkaConsumer) -> tuple[list[TopicPartition], bool]:
        """The topic's partitions, waiting for the topic (it appears with its first event)."""
        topic = str(Topic.CUSTOMER_IDENTIFIED)
        waited = False
        while not (found := consumer.partitions_for_topic(topic)):
            await consumer._client.force_metadata_update()
            if not consumer.partitions_for_topic(topic):
                waited = True
                await asyncio.sleep(1)
        return [TopicPartition(topic, p) for p in sorted(found)], waited

    def _handle(self, value: bytes) -> None:
        try:
            self.deliver(CustomerIdentified.model_validate(json.loads(value)))
        except (ValueError, ValidationError) as exc:
            log.warning("live identifications: unreadable event skipped: %s", exc)
