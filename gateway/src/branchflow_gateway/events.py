"""Reading one Kafka topic for live pushes: without a consumer group (every replica reads every
event), from the end (only what happens from now on), restarted after a failure. A domain's
feed (``identify.live``) subclasses ``EventFeed`` and says what an event does.

The topic is created at start when it is missing, so the feed follows from the start rather
than from the first event. Delivery is at least once (a relay that dies between publishing and
marking publishes again): an event whose CloudEvents id was seen recently is dropped. Each
event is handled in a consumer span that continues the trace in its headers (``traceparent``,
as the services' FastStream telemetry writes it)."""

import asyncio
import contextlib
import logging
from collections import OrderedDict

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

# A relay republishes at most the batch it was sending when it died (500 rows): duplicates
# arrive within a few hundred events of the first copy
RECENT_IDS = 4_096
TOPIC_ALREADY_EXISTS = 36  # Kafka's error code


class RecentIds:
    """The last ``size`` ids seen, oldest forgotten first."""

    def __init__(self, size: int = RECENT_IDS) -> None:
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def seen(self, event_id: str) -> bool:
        """Whether ``event_id`` was seen before; remembers it."""
        if event_id in self._ids:
            return True
        self._ids[event_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return False


class EventFeed:
    topic: str  # set by each feed

    def __init__(self, bootstrap_servers: str, new_topic_partitions: int = 3, new_topic_replicas: int = 1):
        self._bootstrap = bootstrap_servers
        self._new_topic = (new_topic_partitions, new_topic_replicas)
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task | None = None
        self._recent = RecentIds()
        self.ready = asyncio.Event()  # set once the partitions are assigned
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

    def receive(self, record: ConsumerRecord) -> None:
        """Handle one record in a consumer span of the trace it carries, once per event id."""
        headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
        event_id = headers.get("ce_id")
        attributes = {
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": record.topic,
            "messaging.destination.partition.id": str(record.partition),
            "messaging.kafka.offset": record.offset,
        }
        if event_id:
            attributes["messaging.message.id"] = event_id
        with tracer.start_as_current_span(
            f"{record.topic} process", context=propagate.extract(headers), kind=SpanKind.CONSUMER
        ) as span:
            span.set_attributes(attributes)
            if event_id and self._recent.seen(event_id):
                span.set_attribute("branchflow.duplicate", True)
                log.info("feed %s: event %s again (at-least-once delivery), dropped", self.topic, event_id)
                return
            self.handle(record.value)

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
        created = await self._create_topic()
        self._consumer = consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap, enable_auto_commit=False, group_id=None
        )
        await consumer.start()
        try:
            partitions, waited = await self._partitions(consumer)
            consumer.assign(partitions)
            if created or waited:  # new since we started: all of it is news
                await consumer.seek_to_beginning(*partitions)
            else:  # live: only what happens from now on
                await consumer.seek_to_end(*partitions)
            for partition in partitions:
                await consumer.position(partition)
            self.epoch += 1
            self.ready.set()
            async for record in consumer:
                self.receive(record)
        finally:
            await consumer.stop()

    async def _create_topic(self) -> bool:
        """Create the topic if it is missing; whether this call created it. Refused (say, no
        right to create topics), the feed waits for the topic to appear instead."""
        partitions, replicas = self._new_topic
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
        await admin.start()
        try:
            response = await admin.create_topics([NewTopic(self.topic, partitions, replicas)])
        finally:
            await admin.close()
        [error] = response.topic_errors  # (topic, code) or, from version 1, (topic, code, message)
        code, message = error[1], error[2] if len(error) > 2 else None
        if code not in (0, TOPIC_ALREADY_EXISTS):
            log.warning("feed %s: could not create the topic (%s); waiting for it", self.topic, message)
        return code == 0

    async def _partitions(self, consumer: AIOKafkaConsumer) -> tuple[list[TopicPartition], bool]:
        """The topic's partitions, waiting for the topic if need be; whether it waited."""
        waited = False
        while not (found := consumer.partitions_for_topic(self.topic)):
            await consumer._client.force_metadata_update()
            if not consumer.partitions_for_topic(self.topic):
                waited = True
                await asyncio.sleep(0.5)
        return [TopicPartition(self.topic, p) for p in sorted(found)], waited
