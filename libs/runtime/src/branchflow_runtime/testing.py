"""Pytest plugin (``-p branchflow_runtime.testing``): the real infrastructure, started once per
test session — the Tansu broker, and PostgreSQL (``TEST_DATABASE_URL``, else embedded) — and
a fresh database per use — and ``serving``, an app on a real loopback port for one test, and
``service_process``, a service as its own process."""

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from branchflow_runtime.database import async_url, drop_database, ensure_database, with_database
from branchflow_runtime.embedded import EmbeddedKafkaBroker, EmbeddedPostgres


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config) -> None:
    """Each checkout keeps its temporary directories under its own ``var/pytest``: pytest prunes
    other sessions' directories under /tmp/pytest-of-<user>, which pulled the data directory from
    under the embedded PostgreSQL of a test run beside it."""
    if config.option.basetemp is None:
        var = config.rootpath / "var"
        var.mkdir(exist_ok=True)
        config.option.basetemp = str(var / "pytest")


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory) -> Iterator[EmbeddedKafkaBroker]:
    log_file = tmp_path_factory.mktemp("tansu") / "broker.log"
    with EmbeddedKafkaBroker(log_file=log_file) as broker:
        yield broker


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory) -> Iterator[str]:
    """URL of the server's ``postgres`` database."""
    if url := os.getenv("TEST_DATABASE_URL"):
        yield async_url(url)
        return
    with EmbeddedPostgres(tmp_path_factory.mktemp("pg") / "data", cleanup="delete") as server:
        yield server.url()


@pytest.fixture(scope="session")
def database_factory(postgres_server_url):
    """``await create(prefix)`` makes an empty database with a unique name; all are dropped at
    the end of the session."""
    created: list[str] = []

    async def create(prefix: str = "test") -> str:
        url = with_database(postgres_server_url, f"{prefix}_{uuid.uuid4().hex[:10]}")
        await ensure_database(url)
        created.append(url)
        return url

    yield create
    import asyncio

    async def drop_all() -> None:
        for url in created:
            try:
                await drop_database(url)
            except Exception as exc:  # cleanup only: a busy or stopping server must not fail the run
                warnings.warn(f"could not drop {url}: {exc!r}", stacklevel=1)

    # with a loop still running the databases go with the (embedded) server instead
    with contextlib.suppress(RuntimeError):
        asyncio.run(drop_all())


@pytest.fixture
async def fresh_database(database_factory) -> AsyncIterator[str]:
    yield await database_factory()


async def read_events(bootstrap_servers: str, topic: str, count: int, *, match=None, timeout: float = 30.0):
    """Read ``count`` messages of ``topic`` (from its beginning) that satisfy ``match`` with a
    plain aiokafka consumer, as any head-office system would. No consumer group: no join wait."""
    import asyncio

    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        partitions = None
        while not partitions:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                await consumer._client.force_metadata_update()  # topic may not exist yet
                if asyncio.get_running_loop().time() > deadline:
                    raise TimeoutError(f"topic {topic} never appeared")
                await asyncio.sleep(0.2)
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        while len(found) < count:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"read {len(found)} of {count} matching messages from {topic}")
            batch = await consumer.getmany(timeout_ms=int(min(remaining, 1.0) * 1000))
            for records in batch.values():
                found.extend(r for r in records if match is None or match(r))
    finally:
        await consumer.stop()
    return found[:count] if count else found


@contextlib.asynccontextmanager
async def serving(app, *, startup_timeout: float = 15.0) -> AsyncIterator[str]:
    """``app`` served by uvicorn in this event loop on a free loopback port, lifespan on; yields
    its base URL. The socket is bound first and handed to uvicorn, so no other process can take
    the port in between; a start-up that fails raises its own exception."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(startup_timeout):
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("uvicorn stopped before it started serving")
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)
        sock.close()


@contextlib.contextmanager
def service_process(module: str, env: dict[str, str], log: Path, *, timeout: float = 60.0) -> Iterator[str]:
    """``python -m <module>`` as its own process, as in production (one uvicorn worker), with
    ``env`` over this environment (the service's ``<PREFIX>_…`` settings, its HTTP port among
    them); yields its base URL once ``/health/ready`` answers. Stopped at the end, and an error
    if it logged a traceback meanwhile: a test that only looks at answers would miss it."""
    prefix = module.upper()
    url = f"http://127.0.0.1:{env[f'{prefix}_HTTP_PORT']}"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module], env={**os.environ, **env}, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{url}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{module} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(10)
    tracebacks = [line for line in log.read_text().splitlines() if "Traceback" in line]
    assert not tracebacks, log.read_text()[-3000:]
