"""Wiring: settings → database, broker, relay, sweeper, app."""

import asyncio
import contextlib
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from branchflow_contracts import CustomerIdentified
from branchflow_runtime import telemetry
from branchflow_runtime.auth import TokenVerifier
from branchflow_runtime.database import create_engine, migrate, session_factory
from branchflow_runtime.embedded import EmbeddedPostgres
from branchflow_runtime.group_commit import GroupCommit
from branchflow_runtime.messaging.dead_letter import DeadLetterPolicy
from branchflow_runtime.messaging.kafka import OutboxPublishers, create_kafka_broker
from branchflow_runtime.messaging.relay import OutboxRelay
from branchflow_runtime.settings import project_root
from identify import handlers
from identify.config import IdentifySettings
from identify.domain.rating import RatingRules
from identify.entrypoints.api import router
from identify.entrypoints.consumers import register_consumers
from identify.unit_of_work import sql_unit_of_work

log = logging.getLogger("identify")
MIGRATIONS = Path(__file__).with_name("migrations")
OUTGOING_EVENTS = [CustomerIdentified]


def build_broker(settings: IdentifySettings, container=None) -> tuple[KafkaBroker, OutboxPublishers]:
    """The broker with every publisher and subscriber this service has (also used to generate
    the AsyncAPI document, with ``container=None``)."""
    broker = create_kafka_broker(settings, DeadLetterPolicy(settings.consumer_max_attempts))
    publishers = OutboxPublishers(broker, OUTGOING_EVENTS)
    if settings.start_consumers:
        register_consumers(broker, container, group_id=settings.kafka_group_id or "identify")
    return broker, publishers


@dataclass
class Container:
    settings: IdentifySettings
    engine: AsyncEngine
    sessions: async_sessionmaker
    rules: RatingRules
    broker: KafkaBroker | None = None
    relay: OutboxRelay | None = None
    observations: GroupCommit | None = None  # observations share transactions under load
    tasks: list[asyncio.Task] = field(default_factory=list)
    embedded_postgres: EmbeddedPostgres | None = None

    def unit_of_work(self):
        return sql_unit_of_work(self.engine, on_commit=self.relay.wake if self.relay else lambda: None)


async def start(settings: IdentifySettings) -> Container:
    embedded = None
    url = settings.database_url
    if url is None:
        data_dir = settings.embedded_postgres_dir or project_root() / "var" / "postgres"
        embedded = EmbeddedPostgres(data_dir).start()
        url = embedded.url("identify")
    await migrate(MIGRATIONS, url)
    engine = create_engine(url, settings.db_pool_size)
    container = Container(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        rules=RatingRules.from_toml(settings.rating_rules_path),
        embedded_postgres=embedded,
    )
    container.observations = GroupCommit(
        lambda cmds: handlers.record_observations(cmds, container.unit_of_work(), container.rules),
        name="identify.record_observations",
    )
    broker, publishers = build_broker(settings, container)
    container.broker = broker
    container.relay = OutboxRelay(
        container.sessions,
        publishers.send,
        batch_size=settings.relay_batch_size,
        idle_poll_seconds=settings.relay_idle_poll_seconds,
        max_backoff_seconds=settings.relay_max_backoff_seconds,
    )
    await broker.start()
    if settings.start_relay:
        container.tasks.append(asyncio.create_task(container.relay.run(), name="outbox-relay"))
    if settings.start_sweeper:
        container.tasks.append(asyncio.create_task(_sweep_forever(container), name="rating-sweep"))
    return container


async def stop(container: Container) -> None:
    if container.relay:
        container.relay.stop()
    for task in container.tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    if container.broker:
        await container.broker.stop()
    await container.engine.dispose()
    if container.embedded_postgres:
        container.embedded_postgres.stop()


async def _sweep_forever(container: Container) -> None:
    settings = container.settings
    while True:
        await asyncio.sleep(settings.sweep_interval_seconds)
        try:
            await handlers.rerate_due_customers(
                container.unit_of_work,
                container.rules,
                max_age=timedelta(hours=settings.sweep_max_age_hours),
                batch_size=settings.sweep_batch_size,
            )
        except Exception:
            log.exception("rating sweep failed; next try in %ss", settings.sweep_interval_seconds)


def create_app(settings: IdentifySettings | None = None) -> FastAPI:
    settings = settings or IdentifySettings()
    telemetry.setup_tracing(settings.service_name)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        container = await start(settings)
        app.state.container = container
        telemetry.instrument_engine(container.engine)
        try:
            yield
        finally:
            await stop(container)

    app = FastAPI(
        title="Branchflow identify service",
        version="1.0.0",
        description="Identification (识别) of premium customers: observations, facts, the "
        "comprehensive rating and the guidance the lobby is given.",
        lifespan=lifespan,
        telemetry=telemetry.fastapi_telemetry(),
    )
    app.state.token_verifier = TokenVerifier(settings)
    app.include_router(router)
    telemetry.instrument_httpx()

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict:
        return {"status": "ok"}

    @app.get("/health/ready", include_in_schema=False)
    async def ready() -> dict:
        async with app.state.container.sessions() as session:
            pending = await session.scalar(
                sa.text("SELECT count(*) FROM outbox_events WHERE published_at IS NULL")
            )
        return {"status": "ok", "outbox_pending": pending}

    return app
