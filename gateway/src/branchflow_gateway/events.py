"""Reading one Kafka topic for live pushes: without a consumer group (every replica reads every
event), from the end (only what happens from now on), restarted after a failure. A domain's
feed (``identify.live``) subclasses ``EventFeed`` and says what an event does."""

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition

log = logging.getLogger(__name__)


class EventFeed:
    topic: str  # set by each feed

    def __init__(self, bootstrap_servers: str) -> None:
        self._bootstrap = bootstrap_servers
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task | None = None
        self.ready = asyncio.Event()  # set once the partitions are assigned (tests wait on it)
        # counts the times the feed started following; what was learned under an earlier epoch
        # may have missed events while the feed was down
        self.epoch = 0

    def handle(self, value: bytes) -> None:
        """One event's value, as read from the topic."""
        raise NotImplementedError

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"feed {self.topic}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._consumer:
            await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("feed %s: consumer failed; restarting in 2 s", self.topic)
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
                self.handle(record.value)
        finally:
            await consumer.stop()

    async def _partitions(self, consumer: AIOKafkaConsumer) -> tuple[list[TopicPartition], bool]:
        """The topic's partitions, waiting for the topic (it appears with its first event)."""
        waited = False
        while not (found := consumer.partitions_for_topic(self.topic)):
            await consumer._client.force_metadata_update()
            if not consumer.partitions_for_topic(self.topic):
                waited = True
                await asyncio.sleep(1)
        return [TopicPartition(self.topic, p) for p in sorted(found)], waited
