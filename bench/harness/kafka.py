"""Kafka instruments: a plain reader of a service's events (no consumer group), the raw aiokafka
produce→consume baseline, and a watch on a consumer group as the broker sees it."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

# The bench's own consumers are instruments: a short long-poll so that an empty fetch does not
# add up to 500 ms (aiokafka's default) to the time the last message is read.
FETCH_MAX_WAIT_MS = 10


@dataclass
class EventReader:
    """Reads ``topic`` from the beginning of every partition (no consumer group) and records, per
    phase, when the event of each expected key first arrived. ``key_of`` says which key an event
    answers (from its value); events of keys no phase expects are skipped, and a key's further
    events are counted as duplicates."""

    bootstrap_servers: str
    topic: str
    key_of: Callable[[bytes], str]
    # perf_counter time at which each distinct key's first event was read, per phase
    arrivals: dict[str, list[float]] = field(default_factory=dict)
    duplicates: int = 0
    sample: tuple[bytes | None, bytes, list[tuple[str, bytes]]] | None = None
    partitions: int = 0
    _phase_of: dict[str, str] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)
    _waiters: list[tuple[str, int, asyncio.Future]] = field(default_factory=list)

    def expect(self, phase: str, keys: Iterable[str]) -> None:
        self.arrivals.setdefault(phase, [])
        self._phase_of.update((key, phase) for key in keys)

    async def _consumer(self) -> AIOKafkaConsumer:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            auto_offset_reset="earliest",
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            max_poll_records=2_000,
        )
        await consumer.start()
        return consumer

    async def start(self, wait_for_topic_s: float = 30.0) -> None:
        # The topic is created by the service's first publish (broker auto-creation); wait
        # for it, then read every partition from the beginning.
        self.consumer = await self._consumer()
        deadline = time.monotonic() + wait_for_topic_s
        while not (partitions := self.consumer.partitions_for_topic(self.topic)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"topic {self.topic} did not appear within {wait_for_topic_s}s")
            await asyncio.sleep(0.2)
            if self.topic in await self.consumer.topics():
                # created after this consumer loaded its metadata, which it refreshes only every
                # few minutes: a new consumer knows its partitions
                await self.consumer.stop()
                self.consumer = await self._consumer()
        self.consumer.assign([TopicPartition(self.topic, p) for p in sorted(partitions)])
        await self.consumer.seek_to_beginning()
        self.partitions = len(partitions)
        self._task = asyncio.create_task(self._run(), name="event-reader")

    async def _run(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=100)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    key = self.key_of(record.value)
                    phase = self._phase_of.get(key)
                    if phase is None:
                        continue
                    if key in self._seen:
                        self.duplicates += 1
                        continue
                    self._seen.add(key)
                    self.arrivals[phase].append(now)
                    if self.sample is None:
                        self.sample = (record.key, record.value, list(record.headers))
            self._wake_waiters()

    def _wake_waiters(self) -> None:
        for waiter in list(self._waiters):
            phase, count, future = waiter
            if len(self.arrivals[phase]) >= count:
                if not future.done():
                    future.set_result(self.arrivals[phase][count - 1])
                self._waiters.remove(waiter)

    def count(self, phase: str) -> int:
        return len(self.arrivals.get(phase, ()))

    async def wait_for(self, phase: str, count: int, timeout: float) -> float:
        """perf_counter time at which ``count`` distinct keys of ``phase`` had been read."""
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((phase, count, future))
        self._wake_waiters()
        done, _ = await asyncio.wait(
            {future, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if future in done:
            return future.result()
        if self._task in done:  # the reader died: say why rather than time out
            raise RuntimeError(f"event reader failed: {self._task.exception()!r}")
        raise TimeoutError(f"{self.count(phase)}/{count} {phase} events after {timeout}s")

    async def stop(self) -> None:
        if hasattr(self, "_task"):
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if hasattr(self, "consumer"):
            await self.consumer.stop()


async def raw_baseline(
    bootstrap_servers: str, count: int, sample: tuple[bytes | None, bytes, list], partitions: int
) -> dict:
    """aiokafka alone: ``count`` messages with the size and headers of a real event, produced
    with acks=all (send() futures gathered) to a fresh topic and read back by a plain consumer."""
    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    _, value, headers = sample
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:  # same partition count as the service's auto-created topic
        await admin.create_topics([NewTopic(topic, num_partitions=max(1, partitions), replication_factor=1)])
    finally:
        await admin.close()

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=2_000,
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
    )
    # Same producer settings as the services' (branchflow_runtime.messaging.kafka).
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
        request_timeout_ms=15_000,
    )
    await consumer.start()
    await producer.start()
    try:
        deadline = time.monotonic() + 30
        while not consumer.partitions_for_topic(topic):
            await consumer.topics()
            if time.monotonic() > deadline:
                raise TimeoutError(f"raw topic {topic} has no partitions")
            await asyncio.sleep(0.1)
        consumer.assign([TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))])
        await consumer.seek_to_beginning()

        done = asyncio.get_running_loop().create_future()

        async def consume() -> None:
            received = 0
            while received < count:
                batches = await consumer.getmany(timeout_ms=100)
                received += sum(len(records) for records in batches.values())
            done.set_result(time.perf_counter())

        reader = asyncio.create_task(consume())
        started = time.perf_counter()
        futures = [
            await producer.send(topic, value, key=f"R{i:07d}".encode(), headers=headers) for i in range(count)
        ]
        await asyncio.gather(*futures)
        produced = time.perf_counter()
        consumed = await asyncio.wait_for(done, timeout=120)
        await reader
    finally:
        await producer.stop()
        await consumer.stop()
    return {
        "topic": topic,
        "messages": count,
        "value_bytes": len(value),
        "header_count": len(headers),
        "produce_acked_per_s": round(count / (produced - started), 1),
        "produce_to_consume_per_s": round(count / (consumed - started), 1),
        "produce_to_consume_s": round(consumed - started, 3),
    }


@dataclass
class GroupState:
    state: str  # Empty, PreparingRebalance, CompletingRebalance/Assigning, Stable, Dead…
    members: frozenset[str]  # member ids


class ConsumerGroupWatch:
    """A consumer group as the broker sees it (DescribeGroups), whatever the service reports."""

    def __init__(self, bootstrap_servers: str, group_id: str) -> None:
        self.group_id = group_id
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)

    async def start(self) -> None:
        await self._admin.start()

    async def describe(self) -> GroupState:
        response = (await self._admin.describe_consumer_groups([self.group_id]))[0]
        _error, _group, state, _ptype, _protocol, members = response.groups[0][:6]
        return GroupState(state, frozenset(member[0] for member in members))

    async def close(self) -> None:
        await self._admin.close()
