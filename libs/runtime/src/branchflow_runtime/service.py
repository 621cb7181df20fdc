"""How every service process starts, runs and stops.

A service answers HTTP as soon as its database is ready. The broker connection, the outbox relay
and the Kafka consumers start in the background: a request that writes needs only the database
(its event waits in the outbox), and a consumer group can take many seconds to settle — after a
``kill -9`` twice as long, since the dead member's session must expire first. ``/health/live``
says the process runs; ``/health/ready`` says the database answers, and reports the broker and
the consumers separately, so ops see what is still joining.

A service subclasses ``ServiceRuntime`` (its repository, broker, background loops) and builds its
app with ``create_service_app``."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncConnection

from branchflow_runtime import telemetry
from branchflow_runtime.auth import TokenVerifier
from branchflow_runtime.database import create_engine, migrate, session_factory
from branchflow_runtime.embedded import EmbeddedPostgres
from branchflow_runtime.http_errors import install_error_handling
from branchflow_runtime.i18n.http import localize
from branchflow_runtime.messaging.kafka import OutboxPublishers
from branchflow_runtime.messaging.relay import OutboxRelay
from branchflow_runtime.settings import ServiceSettings, project_root
from branchflow_runtime.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)

BackgroundLoop = Callable[[], Awaitable[None]]


class ServiceRuntime:
    """What one service process holds: its database, broker, outbox relay and background loops.

    Subclasses set ``migrations`` and ``event_source`` and implement ``build_broker`` and
    ``repository``; ``on_database_ready`` and ``background_loops`` are optional hooks."""

    migrations: ClassVar[Path]
    event_source: ClassVar[str]  # the CloudEvents source of what the service emits

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.embedded_postgres: EmbeddedPostgres | None = None
        self.engine = None
        self.sessions = None
        self.broker: KafkaBroker | None = None
        self.relay: OutboxRelay | None = None
        self.tasks: list[asyncio.Task] = []
        self.broker_connected = asyncio.Event()
        self.consumers_ready = asyncio.Event()

    # --- hooks --------------------------------------------------------------------------------

    def build_broker(self) -> tuple[KafkaBroker, OutboxPublishers]:
        """The broker with this service's publishers and (when ``start_consumers``) subscribers."""
        raise NotImplementedError

    def repository(self, connection: AsyncConnection) -> Any:
        raise NotImplementedError

    async def on_database_ready(self) -> None:
        """Load what the service needs before it answers (rules files, caches)."""

    def background_loops(self) -> list[tuple[str, BackgroundLoop]]:
        """Named periodic jobs (sweeps, timers), started once the database is ready."""
        return []

    # --- what handlers use ----------------------------------------------------------------------

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine,
            repository=self.repository,
            source=self.event_source,
            consumer=self.settings.service_name,
            on_commit=self._wake_relay,
        )

    def _wake_relay(self) -> None:
        if self.relay is not None:
            self.relay.wake()

    # --- life cycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """The database now (HTTP waits for it); messaging and loops in the background."""
        await self._start_database()
        await self.on_database_ready()
        self.broker, publishers = self.build_broker()
        self.relay = OutboxRelay(
            self.sessions,
            publishers.send,
            batch_size=self.settings.relay_batch_size,
            idle_poll_seconds=self.settings.relay_idle_poll_seconds,
            max_backoff_seconds=self.settings.relay_max_backoff_seconds,
        )
        self._spawn("messaging", self._start_messaging)
        for name, loop in self.background_loops():
            self._spawn(name, loop)

    async def _start_database(self) -> None:
        url = self.settings.database_url
        if url is None:
            data_dir = self.settings.embedded_postgres_dir or project_root() / "var" / "postgres"
            self.embedded_postgres = EmbeddedPostgres(data_dir).start()
            url = self.embedded_postgres.url(self.settings.service_name)
        await migrate(self.migrations, url)
        self.engine = create_engine(url, self.settings.db_pool_size)
        self.sessions = session_factory(self.engine)
        telemetry.instrument_engine(self.engine)

    async def _start_messaging(self) -> None:
        """Connect the producer (retrying while the broker is away: the outbox keeps the events),
        start the relay, then let the consumers join their groups."""
        await self._until_done("connecting to Kafka", self.broker.connect)
        self.broker_connected.set()
        if self.settings.start_relay:
            self._spawn("outbox-relay", self.relay.run)
        if self.settings.start_consumers and self.broker.subscribers:
            await self._until_done("starting the Kafka consumers", self.broker.start)
        self.consumers_ready.set()

    async def _until_done(self, what: str, step: Callable[[], Awaitable[Any]]) -> None:
        backoff = 0.5
        while True:
            try:
                await step()
                return
            except Exception as exc:
                log.warning("%s failed (%s); retrying in %.1fs", what, exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.settings.relay_max_backoff_seconds)

    def _spawn(self, name: str, job: BackgroundLoop) -> None:
        self.tasks.append(asyncio.create_task(job(), name=f"{self.settings.service_name}.{name}"))

    async def stop(self) -> None:
        """Stop the relay and the loops, leave the consumer groups (the partitions move on at once
        instead of after a session timeout), close the pool, stop an embedded PostgreSQL."""
        if self.relay:
            self.relay.stop()
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.broker:
            with contextlib.suppress(Exception):
                await self.broker.stop()
        if self.engine is not None:
            await self.engine.dispose()
        if self.embedded_postgres:
            self.embedded_postgres.stop()

    async def readiness(self) -> tuple[bool, dict]:
        """Ready when the database answers; the broker and the consumers are reported beside it."""
        report: dict[str, Any] = {
            "broker": self.broker_connected.is_set(),
            "consumers": self.consumers_ready.is_set() if self.settings.start_consumers else "off",
        }
        try:
            async with self.engine.connect() as conn:
                report["outbox_pending"] = await conn.scalar(_PENDING)
        except Exception as exc:
            unreachable = f"unreachable: {type(exc).__name__}"
            return False, {"status": "unavailable", "database": unreachable, **report}
        return True, {"status": "ok", "database": True, **report}


_PENDING = sa.text("SELECT count(*) FROM outbox_events WHERE published_at IS NULL")


def consumer_options(settings: ServiceSettings, default_group: str) -> dict[str, Any]:
    """Subscriber options every consumer shares: commit only after the handler's transaction,
    read a new group's topic from its beginning, and the group timings from the settings."""
    options: dict[str, Any] = {
        "group_id": settings.kafka_group_id or default_group,
        "ack_policy": AckPolicy.ACK,
        "auto_offset_reset": "earliest",
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": max(settings.kafka_session_timeout_ms // 3, 100),
    }
    if settings.kafka_group_instance_id:
        options["group_instance_id"] = settings.kafka_group_instance_id
    return options


def create_service_app(
    settings: ServiceSettings,
    runtime_factory: Callable[[ServiceSettings], ServiceRuntime],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    version: str = "1.0.0",
) -> FastAPI:
    """The service's FastAPI app: its routers, verified tokens, error handling, the caller's
    language, health checks, traces; the runtime starts in the lifespan and is ``app.state.container``."""
    telemetry.setup_tracing(settings.service_name)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime = runtime_factory(settings)
        app.state.container = runtime
        try:
            await runtime.start()
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=title,
        version=version,
        description=description,
        lifespan=lifespan,
        telemetry=telemetry.fastapi_telemetry(),
    )
    app.state.token_verifier = TokenVerifier(settings)
    install_error_handling(app, max_body_bytes=settings.max_body_bytes)
    localize(app)  # Accept-Language → the request's language (zh-CN by default), Content-Language
    for router in routers:
        app.include_router(router)
    telemetry.instrument_httpx()

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict:
        return {"status": "ok"}

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        ok, report = await app.state.container.readiness()
        return JSONResponse(report, status_code=200 if ok else 503)

    return app
