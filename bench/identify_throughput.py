"""Identify throughput benchmark: identifications per second through
REST → PostgreSQL → outbox → relay → Kafka, with ONE service worker process, beside a raw
aiokafka produce→consume baseline on the same broker in the same run.

    uv run python bench/identify_throughput.py [--count N] [--concurrency C]

A benchmark, not a test: it prints figures and writes them to
``bench/results/identify_throughput.json``; it asserts nothing about speed. It exits non-zero
only when the measurement itself is invalid (the service did not start, more than 1 % of the
requests failed, or the events never arrived).

Infrastructure: the embedded Tansu broker and, unless ``TEST_DATABASE_URL`` is set, the
embedded PostgreSQL (a fresh database ``identify_bench_<random>`` on that server otherwise).
The service runs as ``python -m identify`` with telemetry on (``OTEL_SDK_DISABLED`` removed
from its environment), as in production. See bench/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json import dumps as _dumps
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from branchflow_runtime.auth import Role, mint_token
from branchflow_runtime.database import async_url, drop_database, with_database
from branchflow_runtime.embedded import EmbeddedKafkaBroker, EmbeddedPostgres, free_port
from branchflow_runtime.settings import DEV_JWT_SECRET

TOPIC = "customer.identified"  # branchflow_contracts.Topic.CUSTOMER_IDENTIFIED
TARGET_PER_SECOND = 1_000
MAX_FAILURE_RATE = 0.01
READY_TIMEOUT_S = 60.0
# The bench's own consumers are instruments: a short long-poll so that an empty fetch does not
# add up to 500 ms (aiokafka's default) to the time the last message is read.
FETCH_MAX_WAIT_MS = 10
# "other" CPU above this during the measured phase: the run competed for the machine
BUSY_MACHINE_CORES = 0.25
# a load-generating process this busy (cores) is near its own limit
SATURATED_CLIENT_CORES = 0.85
RESULTS_DIR = Path(__file__).resolve().parent / "results"
RESULTS_FILE = RESULTS_DIR / "identify_throughput.json"

WARMUP_PREFIX = "W"
MEASURED_PREFIX = "B"


def observation(customer_id: str) -> dict:
    return {
        "customer_id": customer_id,
        "purpose": "large_cash",
        "signals": [
            {"category": "appearance", "kind": "luxury_car"},
            {"category": "large_business", "kind": "cash_deposit", "amount": "600000.00"},
        ],
    }


# --------------------------------------------------------------------------- measurement helpers


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu_seconds(pid: int) -> float | None:
    """user+system CPU seconds of one process (Linux /proc); None if unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime


def _postgres_cpu_seconds() -> dict[int, float]:
    """CPU seconds of every local process named ``postgres`` (server and backends)."""
    out: dict[int, float] = {}
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
            except OSError:
                continue
            cpu = _proc_cpu_seconds(int(entry.name))
            if cpu is not None:
                out[int(entry.name)] = cpu
    return out


def _machine_busy_seconds() -> float | None:
    """CPU seconds all cores spent busy since boot (Linux /proc/stat)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / _CLOCK_TICKS  # guest time is already in user


class CpuMeter:
    """CPU time used by the service, the broker, local PostgreSQL, this (load-generating)
    process and everything else on the machine over a window, as a share of one core: 1.00 =
    one core busy the whole window. ``other`` is whatever else ran meanwhile; when it is high
    the run competed for the CPUs and its figures are low."""

    def __init__(self, service_pid: int, broker_pid: int | None, client_pids: list[int] = ()) -> None:
        self._pids = {"service": service_pid, "broker": broker_pid}
        self._client_pids = list(client_pids)

    def start(self) -> None:
        self._t0 = time.perf_counter()
        self._start = {name: _proc_cpu_seconds(pid) if pid else None for name, pid in self._pids.items()}
        self._pg_start = _postgres_cpu_seconds()
        self._self_start = time.process_time()
        self._clients_start = {pid: _proc_cpu_seconds(pid) or 0.0 for pid in self._client_pids}
        self._machine_start = _machine_busy_seconds()

    def stop(self) -> dict[str, float | None]:
        wall = time.perf_counter() - self._t0
        shares: dict[str, float | None] = {}
        for name, pid in self._pids.items():
            before, after = self._start[name], _proc_cpu_seconds(pid) if pid else None
            shares[name] = None if before is None or after is None else round((after - before) / wall, 2)
        pg_end = _postgres_cpu_seconds()
        pg = sum(cpu - self._pg_start.get(pid, 0.0) for pid, cpu in pg_end.items())
        shares["postgres_local"] = round(pg / wall, 2) if pg_end else None
        client = time.process_time() - self._self_start
        client += sum((_proc_cpu_seconds(pid) or 0.0) - t0 for pid, t0 in self._clients_start.items())
        shares["bench_client"] = round(client / wall, 2)
        machine_end = _machine_busy_seconds()
        if self._machine_start is not None and machine_end is not None:
            machine = (machine_end - self._machine_start) / wall
            ours = sum(v for v in shares.values() if v is not None)
            shares["other"] = round(max(0.0, machine - ours), 2)
        else:
            shares["other"] = None
        return shares


def source_fingerprint() -> dict:
    """Which code was measured: a hash of the service's and the libraries' sources as they are
    when the service starts (the workspace has no commit to name), and the newest change."""
    root = Path(__file__).resolve().parent.parent
    files = sorted(
        path
        for base in [root / "services" / "identify" / "src", *sorted((root / "libs").glob("*/src"))]
        for pattern in ("*.py", "*.toml")
        for path in base.rglob(pattern)
        if "__pycache__" not in path.parts
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    newest = max((path.stat().st_mtime for path in files), default=0.0)
    return {
        "sha256": digest.hexdigest()[:12],
        "files": len(files),
        "newest_change": datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds"),
    }


# --------------------------------------------------------------------------- the event reader


@dataclass
class EventReader:
    """Reads ``customer.identified`` from the beginning of every partition (no consumer group)
    and counts, per customer-id prefix, the distinct customers whose event arrived."""

    bootstrap_servers: str
    topic: str = TOPIC
    # perf_counter time at which each distinct customer's first event was read, per prefix
    arrivals: dict[str, list[float]] = field(default_factory=lambda: {WARMUP_PREFIX: [], MEASURED_PREFIX: []})
    duplicates: int = 0
    sample: tuple[bytes | None, bytes, list[tuple[str, bytes]]] | None = None
    _seen: set[str] = field(default_factory=set)
    _waiters: list[tuple[str, int, asyncio.Future]] = field(default_factory=list)

    async def start(self, wait_for_topic_s: float = 30.0) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            auto_offset_reset="earliest",
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            max_poll_records=2_000,
        )
        await self.consumer.start()
        # The topic is created by the service's first publish (broker auto-creation); wait
        # for it, then read every partition from the beginning.
        deadline = time.monotonic() + wait_for_topic_s
        while self.topic not in await self.consumer.topics():
            if time.monotonic() > deadline:
                raise TimeoutError(f"topic {self.topic} did not appear within {wait_for_topic_s}s")
            await asyncio.sleep(0.2)
        partitions = self.consumer.partitions_for_topic(self.topic) or set()
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
                    customer_id = json.loads(record.value).get("customer_id", "")
                    arrivals = self.arrivals.get(customer_id[:1])
                    if arrivals is None:
                        continue
                    if customer_id in self._seen:
                        self.duplicates += 1
                        continue
                    self._seen.add(customer_id)
                    arrivals.append(now)
                    if self.sample is None:
                        self.sample = (record.key, record.value, list(record.headers))
            self._wake_waiters()

    def _wake_waiters(self) -> None:
        for waiter in list(self._waiters):
            prefix, count, future = waiter
            if len(self.arrivals[prefix]) >= count:
                if not future.done():
                    future.set_result(self.arrivals[prefix][count - 1])
                self._waiters.remove(waiter)

    def count(self, prefix: str) -> int:
        return len(self.arrivals[prefix])

    async def wait_for(self, prefix: str, count: int, timeout: float) -> float:
        """perf_counter time at which ``count`` distinct ``prefix`` customers had been read."""
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((prefix, count, future))
        self._wake_waiters()
        done, _ = await asyncio.wait(
            {future, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if future in done:
            return future.result()
        if self._task in done:  # the reader died: say why rather than time out
            raise RuntimeError(f"event reader failed: {self._task.exception()!r}")
        raise TimeoutError(f"{self.count(prefix)}/{count} {prefix}… events after {timeout}s")

    async def stop(self) -> None:
        if hasattr(self, "_task"):
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if hasattr(self, "consumer"):
            await self.consumer.stop()


# --------------------------------------------------------------------------- REST load


@dataclass
class RawResponse:
    status_code: int
    text: str


class LeanHttpClient:
    """A minimal HTTP/1.1 keep-alive client for the load: a pool of plain asyncio connections,
    one request in flight on each. httpx spends 2–3 ms of CPU per POST here, which on a 2-core
    machine starves the service it is measuring; this spends a few tens of microseconds."""

    def __init__(self, base_url: str, size: int) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self._address = (host, int(port.rstrip("/")))
        self._size = size
        self._idle: asyncio.Queue = asyncio.Queue()
        self._opened = 0

    async def _connection(self):
        if self._idle.empty() and self._opened < self._size:
            self._opened += 1
            return await asyncio.open_connection(*self._address)
        return await self._idle.get()

    async def post(self, path: str, json: dict, headers: dict[str, str]) -> RawResponse:
        body = _dumps(json).encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self._address[0]}\r\n{head}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        return await self._exchange(request)

    async def get(self, path: str, headers: dict[str, str]) -> RawResponse:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return await self._exchange(f"GET {path} HTTP/1.1\r\nHost: {self._address[0]}\r\n{head}\r\n".encode())

    async def _exchange(self, request: bytes) -> RawResponse:
        """Send one request on a pooled connection and read its response (Content-Length)."""
        reader, writer = await self._connection()
        try:
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            text = (await reader.readexactly(length)).decode() if length else ""
        except Exception:
            writer.close()
            self._opened -= 1
            raise
        self._idle.put_nowait((reader, writer))
        return RawResponse(int(status_line.split()[1]), text)

    async def aclose(self) -> None:
        while not self._idle.empty():
            _, writer = self._idle.get_nowait()
            writer.close()


@dataclass
class LoadResult:
    sent: int
    ok: int
    failures: Counter
    latencies_ms: list[float]
    started: float
    finished: float


async def post_observations(
    client: httpx.AsyncClient | LeanHttpClient, token: str, customer_ids: list[str], concurrency: int
) -> LoadResult:
    """POST every observation with ``concurrency`` worker tasks sharing one client."""
    headers = {"Authorization": f"Bearer {token}"}
    queue = iter(customer_ids)
    latencies: list[float] = []
    failures: Counter = Counter()

    async def worker() -> None:
        for customer_id in queue:  # the iterator is shared: each id is taken once
            t = time.perf_counter()
            try:
                response = await client.post("/observations", json=observation(customer_id), headers=headers)
            except (httpx.HTTPError, OSError, asyncio.IncompleteReadError) as exc:
                failures[f"{type(exc).__name__}: {exc}"[:160]] += 1
                continue
            latencies.append((time.perf_counter() - t) * 1000)
            if response.status_code != 201:
                failures[f"HTTP {response.status_code}: {response.text[:120]}"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(customer_ids)))))
    finished = time.perf_counter()
    failed = sum(failures.values())
    return LoadResult(
        len(customer_ids), len(customer_ids) - failed, failures, sorted(latencies), started, finished
    )


def _client_process_main(
    base_url: str, token: str, customer_ids: list[str], concurrency: int, start_at: float
) -> dict:
    """One load-generating process (``--client-processes`` > 1): its own client and share of
    the concurrency, starting at ``start_at`` (perf_counter is CLOCK_MONOTONIC, the same clock
    in every process on Linux)."""

    async def go() -> LoadResult:
        async with httpx.AsyncClient(
            base_url=base_url, limits=client_limits(concurrency), timeout=httpx.Timeout(60.0)
        ) as client:
            await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
            return await post_observations(client, token, customer_ids, concurrency)

    result = asyncio.run(go())
    return {
        "latencies_ms": result.latencies_ms,
        "failures": dict(result.failures),
        "finished": result.finished,
    }


def _client_process_ready(_: int) -> int:
    return os.getpid()


class ClientProcesses:
    """A pool of load-generating processes, started (and importing httpx) before the clock."""

    def __init__(self, count: int) -> None:
        import multiprocessing

        # spawn, not fork: this process runs an event loop and aiokafka's threads
        self._pool = multiprocessing.get_context("spawn").Pool(count)
        self.count = count
        self._pool.map(_client_process_ready, range(count * 4), chunksize=1)  # all imported
        self.pids = [process.pid for process in self._pool._pool]

    async def post(self, base_url: str, token: str, customer_ids: list[str], concurrency: int) -> LoadResult:
        start_at = time.perf_counter() + 0.5
        slices = [customer_ids[i :: self.count] for i in range(self.count)]
        shares = [concurrency // self.count + (i < concurrency % self.count) for i in range(self.count)]
        pending = [
            self._pool.apply_async(_client_process_main, (base_url, token, ids, max(1, share), start_at))
            for ids, share in zip(slices, shares, strict=True)
            if ids
        ]
        loop = asyncio.get_running_loop()
        parts = [await loop.run_in_executor(None, job.get) for job in pending]
        failures: Counter = Counter()
        for part in parts:
            failures.update(part["failures"])
        failed = sum(failures.values())
        return LoadResult(
            len(customer_ids),
            len(customer_ids) - failed,
            failures,
            sorted(lat for part in parts for lat in part["latencies_ms"]),
            start_at,
            max(part["finished"] for part in parts),
        )

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


def client_limits(concurrency: int) -> httpx.Limits:
    # keep-alive expiry below uvicorn's 5 s idle timeout, so that the client never reuses a
    # connection the server is closing
    return httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
    )


# --------------------------------------------------------------------------- the service process


class IdentifyService:
    def __init__(self, database_url: str, bootstrap_servers: str, workdir: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_file = workdir / "identify.log"
        self._env = {k: v for k, v in os.environ.items() if k != "OTEL_SDK_DISABLED"}
        self._env.update(
            IDENTIFY_DATABASE_URL=database_url,
            IDENTIFY_KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers,
            IDENTIFY_HTTP_HOST="127.0.0.1",
            IDENTIFY_HTTP_PORT=str(self.port),
            IDENTIFY_START_SWEEPER="false",
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = open(self.log_file, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "identify"],
            env=self._env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    async def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> float:
        t0 = time.perf_counter()
        deadline = t0 + timeout
        async with httpx.AsyncClient(base_url=self.base_url, timeout=2.0) as client:
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"identify exited with code {self.process.returncode}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/health/ready")).status_code == 200:
                        return time.perf_counter() - t0
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"identify not ready after {timeout:.0f}s")
                await asyncio.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # uvicorn shuts down gracefully on SIGTERM
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if hasattr(self, "_log"):
            self._log.close()


# --------------------------------------------------------------------------- raw baseline


async def raw_baseline(
    bootstrap_servers: str, count: int, sample: tuple[bytes | None, bytes, list], partitions: int
) -> dict:
    """aiokafka alone: ``count`` messages with the size and headers of a real event, produced
    with acks=all (send() futures gathered) to a fresh topic and read back by a plain consumer."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
    _, value, headers = sample
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:  # same partition count as the auto-created customer.identified
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
    # Same producer settings as the service's (branchflow_runtime.messaging.kafka).
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


# --------------------------------------------------------------------------- optional profiling


class PySpy:
    """``py-spy record`` on the service during the measured phase (``--py-spy PATH``)."""

    def __init__(self, executable: str, pid: int, output: Path) -> None:
        self.output = output
        self._cmd = [
            executable,
            "record",
            "--pid",
            str(pid),
            "--rate",
            "200",
            "--nonblocking",
            "--full-filenames",
            "--format",
            "raw",
            "--output",
            str(output),
        ]
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(self._cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)  # let it attach

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


_PATH_PREFIX = re.compile(r"\((?:.*/site-packages/|.*/lib/python3\.\d+/|.*/src/)")
_LINE_NUMBER = re.compile(r":\d+\)$")
IDLE_LEAVES = ("Condition.wait (threading.py)", "Queue.get (queue.py)")


def _short_frame(frame: str) -> str:
    return _LINE_NUMBER.sub(")", _PATH_PREFIX.sub("(", frame, count=1))


def _package(frame: str) -> str:
    """``opentelemetry``, ``sqlalchemy``, ``asyncio``… of a shortened frame."""
    inside = frame.rpartition("(")[2].rstrip(")")
    top = inside.split("/", 1)[0]
    return top.removesuffix(".py") or "?"


def summarize_profile(path: Path, top: int = 25) -> dict:
    """Shares of the service's busy samples from py-spy's collapsed stacks: self time per
    function and per top-level package, and inclusive time per function. Samples of idle
    worker threads (parked in Condition.wait) are left out."""
    total = idle = 0
    self_counts: Counter = Counter()
    self_packages: Counter = Counter()
    inclusive: Counter = Counter()
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = [_short_frame(f) for f in stack.split(";")]
        if frames[-1] in IDLE_LEAVES:
            idle += int(n)
            continue
        total += int(n)
        self_counts[frames[-1]] += int(n)
        self_packages[_package(frames[-1])] += int(n)
        for frame in set(frames):
            inclusive[frame] += int(n)
    if not total:
        return {"samples": 0, "idle_thread_samples": idle}

    def share(counter: Counter) -> list[tuple[str, float]]:
        return [(f, round(100 * c / total, 1)) for f, c in counter.most_common(top)]

    return {
        "samples": total,
        "idle_thread_samples": idle,
        "self_pct_by_package": share(self_packages),
        "self_pct": share(self_counts),
        "inclusive_pct": share(inclusive),
    }


# --------------------------------------------------------------------------- the run


def print_table(results: dict) -> None:
    rest, e2e, raw = results["rest"], results["end_to_end"], results["raw_aiokafka"]
    lat = rest["latency_ms"]
    rows = [
        ("REST requests/s (201s / time to last response)", f"{rest['requests_per_s']:,.1f}"),
        ("end-to-end identifications/s (REST → Kafka read)", f"{e2e['identifications_per_s']:,.1f}"),
        ("request latency p50 / p95 / p99 (ms)", f"{lat['p50']:.1f} / {lat['p95']:.1f} / {lat['p99']:.1f}"),
        ("last event read after last response (s)", f"{e2e['drain_after_rest_s']:.3f}"),
        ("raw aiokafka produce→consume msgs/s", f"{raw['produce_to_consume_per_s']:,.1f}"),
        ("raw aiokafka produce (acked) msgs/s", f"{raw['produce_acked_per_s']:,.1f}"),
        ("ratio end-to-end / raw", f"{results['ratio_end_to_end_over_raw']:.3f}"),
    ]
    cpu = results.get("cpu_share_during_measured_phase") or {}
    if cpu:
        rows.append(
            (
                "CPU (cores) service / postgres / broker / bench / other",
                " / ".join(
                    "n/a" if cpu.get(k) is None else f"{cpu[k]:.2f}"
                    for k in ("service", "postgres_local", "broker", "bench_client", "other")
                ),
            )
        )
    width = max(len(label) for label, _ in rows)
    cfg = results["config"]
    print()
    print(
        f"identify throughput — N={cfg['count']}, C={cfg['concurrency']}"
        + (f" over {cfg['client_processes']} client processes" if cfg["client_processes"] > 1 else "")
        + ", one worker, "
        f"telemetry on, {cfg['postgres']} PostgreSQL, {cfg['cpus']} CPUs, "
        f"source {cfg['source']['sha256']} (changed {cfg['source']['newest_change']})"
        + (" [py-spy attached: figures depressed]" if cfg.get("profiled") else "")
    )
    value_width = max(len(value) for _, value in rows)
    print("-" * (width + 2 + value_width))
    for label, value in rows:
        print(f"{label:<{width}}  {value:>{value_width}}")
    print("-" * (width + 2 + value_width))
    per_client = (cpu.get("bench_client") or 0) / cfg.get("client_processes", 1)
    if per_client >= SATURATED_CLIENT_CORES:
        print(
            f"note: the load generator used {per_client:.2f} of a core per process: it, not the "
            "service, may be the limit — the figures are a lower bound (see --client-processes)"
        )
    if (cpu.get("other") or 0) >= BUSY_MACHINE_CORES:
        print(
            f"note: other processes used {cpu['other']:.2f} cores during the measured phase; "
            "the figures are likely depressed — rerun on a quiet machine"
        )
    met = e2e["identifications_per_s"] >= TARGET_PER_SECOND
    print(
        f"target: ≥{TARGET_PER_SECOND:,} identifications/s with one worker → "
        f"{'MET' if met else 'NOT MET'} ({e2e['identifications_per_s']:,.0f}/s)"
    )


async def run(args: argparse.Namespace, workdir: Path) -> int:
    database_url: str | None = None
    server_url = os.getenv("TEST_DATABASE_URL")
    broker: EmbeddedKafkaBroker | None = None
    postgres: EmbeddedPostgres | None = None
    service: IdentifyService | None = None
    reader: EventReader | None = None
    client: httpx.AsyncClient | LeanHttpClient | None = None
    profiler: PySpy | None = None
    clients: ClientProcesses | None = None
    try:
        broker = EmbeddedKafkaBroker(log_file=workdir / "broker.log").start()
        if server_url:
            database_url = with_database(async_url(server_url), f"identify_bench_{uuid.uuid4().hex[:10]}")
        else:
            postgres = EmbeddedPostgres(workdir / "pg" / "data", cleanup="delete").start()
            database_url = postgres.url("identify_bench")
        print(f"broker {broker.bootstrap_servers}; database {database_url}; logs {workdir}")

        code = source_fingerprint()
        service = IdentifyService(database_url, broker.bootstrap_servers, workdir)
        service.start()
        try:
            ready_s = await service.wait_ready()
        except Exception as exc:
            print(f"identify did not start: {exc}\nservice log: {service.log_file}", file=sys.stderr)
            with contextlib.suppress(OSError):
                print(service.log_file.read_text()[-4000:], file=sys.stderr)
            return 2
        print(f"identify ready after {ready_s:.1f}s (pid {service.process.pid}, port {service.port})")

        token = mint_token("lm-001", Role.LOBBY_MANAGER, "BR001", secret=DEV_JWT_SECRET)
        client = (
            LeanHttpClient(service.base_url, args.concurrency)
            if args.client == "lean"
            else httpx.AsyncClient(
                base_url=service.base_url,
                limits=client_limits(args.concurrency),
                timeout=httpx.Timeout(60.0),
            )
        )

        # Warm-up: not measured. It also makes the service publish its first event, which
        # creates customer.identified, and proves the whole path works before the clock starts.
        warm_ids = [f"{WARMUP_PREFIX}{i:07d}" for i in range(args.warmup)]
        warm = await post_observations(client, token, warm_ids, args.concurrency)
        if warm.ok == 0:
            print(f"warm-up failed: {dict(warm.failures)}\nservice log: {service.log_file}", file=sys.stderr)
            return 2
        reader = EventReader(broker.bootstrap_servers)
        await reader.start()
        try:
            await reader.wait_for(WARMUP_PREFIX, warm.ok, timeout=60)
        except TimeoutError:
            print(
                f"warm-up events did not all arrive ({reader.count(WARMUP_PREFIX)}/{warm.ok}); "
                f"service log: {service.log_file}",
                file=sys.stderr,
            )
            return 2
        print(f"warm-up: {warm.ok}/{warm.sent} ok, events read from {reader.partitions} partitions")

        # Measured phase.
        broker_pid = broker._process.pid if broker._process else None
        if args.client_processes > 1:
            clients = ClientProcesses(args.client_processes)
        meter = CpuMeter(service.process.pid, broker_pid, clients.pids if clients else [])
        if args.py_spy:
            profiler = PySpy(args.py_spy, service.process.pid, RESULTS_DIR / "identify_profile.txt")
            profiler.start()
        ids = [f"{MEASURED_PREFIX}{i:07d}" for i in range(args.count)]
        meter.start()
        if clients:
            load = await clients.post(service.base_url, token, ids, args.concurrency)
        else:
            load = await post_observations(client, token, ids, args.concurrency)
        failed = sum(load.failures.values())
        if failed:
            print(f"{failed} of {load.sent} requests failed:", file=sys.stderr)
            for reason, n in load.failures.most_common(10):
                print(f"  {n:>6} × {reason}", file=sys.stderr)
        if failed > MAX_FAILURE_RATE * load.sent:
            print(
                f"aborting: more than {MAX_FAILURE_RATE:.0%} failed; service log: {service.log_file}",
                file=sys.stderr,
            )
            return 3
        try:
            last_event = await reader.wait_for(MEASURED_PREFIX, load.ok, timeout=args.drain_timeout)
        except TimeoutError:
            print(
                f"only {reader.count(MEASURED_PREFIX)}/{load.ok} events arrived within "
                f"{args.drain_timeout}s after the last response; service log: {service.log_file}",
                file=sys.stderr,
            )
            return 4
        cpu = meter.stop()
        if profiler:
            profiler.stop()

        raw = await raw_baseline(broker.bootstrap_servers, args.count, reader.sample, reader.partitions)

        rest_s = load.finished - load.started
        e2e_s = last_event - load.started
        lat = load.latencies_ms
        e2e_rate = load.ok / e2e_s
        results = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": {
                "client": args.client,
                "count": args.count,
                "concurrency": args.concurrency,
                "warmup": args.warmup,
                "client_processes": args.client_processes,
                "service_workers": 1,
                "telemetry": "on (OTEL_SDK_DISABLED unset)",
                "otlp_exporter": bool(
                    os.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
                    or os.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                ),
                "postgres": "TEST_DATABASE_URL" if server_url else "embedded",
                "broker": "embedded Tansu (memory)",
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "profiled": bool(args.py_spy),
                "source": code,
            },
            "rest": {
                "ok": load.ok,
                "failed": failed,
                "failures": dict(load.failures),
                "seconds": round(rest_s, 3),
                "requests_per_s": round(load.ok / rest_s, 1),
                "latency_ms": {
                    "p50": round(percentile(lat, 50), 2),
                    "p95": round(percentile(lat, 95), 2),
                    "p99": round(percentile(lat, 99), 2),
                    "max": round(lat[-1], 2) if lat else None,
                },
            },
            "end_to_end": {
                "events_read": reader.count(MEASURED_PREFIX),
                "duplicate_events": reader.duplicates,
                "seconds": round(e2e_s, 3),
                "identifications_per_s": round(e2e_rate, 1),
                "drain_after_rest_s": round(last_event - load.finished, 3),
            },
            "raw_aiokafka": raw,
            "ratio_end_to_end_over_raw": round(e2e_rate / raw["produce_to_consume_per_s"], 4),
            "cpu_share_during_measured_phase": cpu,
            "target": {
                "identifications_per_s": TARGET_PER_SECOND,
                "met": e2e_rate >= TARGET_PER_SECOND,
            },
        }
        if profiler and profiler.output.exists():
            results["profile"] = {"file": str(profiler.output), **summarize_profile(profiler.output)}

        print_table(results)
        if "profile" in results:
            prof = results["profile"]
            print(f"\npy-spy: {prof['samples']} samples → {prof['file']}")
            print("self time by package (% of busy samples):")
            for package, pct in prof.get("self_pct_by_package", [])[:12]:
                print(f"  {pct:5.1f}%  {package}")
            print("top self time (% of busy samples):")
            for frame, pct in prof.get("self_pct", [])[:15]:
                print(f"  {pct:5.1f}%  {frame}")
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        RESULTS_FILE.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(f"\nresults: {RESULTS_FILE}")
        return 0
    finally:
        if profiler:
            profiler.stop()
        if clients is not None:
            clients.close()
        if client is not None:
            await client.aclose()
        if reader is not None:
            with contextlib.suppress(Exception):
                await reader.stop()
        if service is not None:
            service.stop()
        await release_infrastructure(server_url, database_url, postgres, broker)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="measured identifications (default 5000)")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight (default 64)")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests first (default 200)")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=120.0,
        help="seconds to wait for the events after the last response (default 120)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="PATH",
        help="py-spy executable: profile the service during the measured phase "
        "(figures are then depressed by the sampling)",
    )
    parser.add_argument(
        "--client-processes",
        type=int,
        default=1,
        metavar="K",
        help="spread the measured requests over K load-generating processes, each "
        "with its own httpx client and C/K of the concurrency (default 1: one "
        "client in this process). For machines where one client process "
        "saturates before the service does",
    )
    parser.add_argument(
        "--client",
        choices=["lean", "httpx"],
        default="lean",
        help="load generator: a minimal keep-alive HTTP/1.1 client (default), or httpx",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the temp dir with the logs")
    args = parser.parse_args()
    if min(args.count, args.concurrency, args.warmup, args.client_processes) < 1:
        parser.error("--count, --concurrency, --warmup and --client-processes must be ≥ 1")
    if args.client_processes > args.concurrency:
        parser.error("--client-processes may not exceed --concurrency")

    return run_in_workdir(run, args, prefix="identify-bench-")


async def release_infrastructure(server_url, database_url, postgres, broker) -> None:
    """Drop the bench's database on a given server, stop what the bench started."""
    if server_url and database_url:
        try:
            await drop_database(database_url)
        except Exception as exc:
            print(f"could not drop {database_url}: {exc}", file=sys.stderr)
    if postgres is not None:
        postgres.stop()
    if broker is not None:
        broker.stop()


def run_in_workdir(run, args: argparse.Namespace, prefix: str) -> int:
    """Run ``run(args, workdir)`` in a fresh temp dir; keep the dir (logs) when it fails."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        code = asyncio.run(run(args, workdir))
    except KeyboardInterrupt:
        code = 130
    except Exception:
        import traceback

        traceback.print_exc()
        code = 1
    if code == 0 and not args.keep_logs:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    elif code != 0:
        print(f"logs kept in {workdir}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
